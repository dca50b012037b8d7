from django.apps import AppConfig


class ConventionConfig(AppConfig):
    name = "sdaasp.scheme.convention"
    label = "scheme_convention"
    verbose_name = "Schéma — convention cadre"
