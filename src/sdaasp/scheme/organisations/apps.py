from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "sdaasp.scheme.organisations"
    label = "scheme_organisations"
    verbose_name = "Schéma — organisations et personnes"
