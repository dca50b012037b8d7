from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OfferConfig(AppConfig):
    name = "sdaasp.diagnostic.offer"
    label = "offer"
    verbose_name = "Offre de services"

    def ready(self) -> None:
        post_migrate.connect(_sync_nomenclature, sender=self)


def _sync_nomenclature(sender: AppConfig, **kwargs: object) -> None:
    """Keep the service types and bundled baskets in step with the shipped nomenclature."""
    from sdaasp.diagnostic.offer.services import sync_nomenclature

    sync_nomenclature(using=str(kwargs.get("using", "default")))
