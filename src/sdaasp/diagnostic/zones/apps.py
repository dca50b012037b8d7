from django.apps import AppConfig


class ZonesConfig(AppConfig):
    name = "sdaasp.diagnostic.zones"
    label = "zones"
    verbose_name = "Besoins et zones prioritaires"
