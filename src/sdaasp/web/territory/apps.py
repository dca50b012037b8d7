from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "sdaasp.web.territory"
    label = "territory"
    verbose_name = "Territoire"
