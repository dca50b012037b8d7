from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "sdaasp.scheme.reporting"
    label = "scheme_reporting"
    verbose_name = "Schéma — suivi annuel"
