from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "sdaasp.diagnostic.territory"
    label = "territory"
    verbose_name = "Territoire"
