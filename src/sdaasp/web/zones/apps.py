from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "sdaasp.web.zones"
    label = "zones"
    verbose_name = "Besoins et zones prioritaires"

    def ready(self) -> None:
        from sdaasp.web.zones import explorer

        explorer.register()
