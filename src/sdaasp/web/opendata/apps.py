from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "sdaasp.web.opendata"
    label = "opendata"
    verbose_name = "données ouvertes"
