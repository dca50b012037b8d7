from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "sdaasp.diagnostic.runs"
    label = "diagnostics"
    verbose_name = "Diagnostics d'accessibilité"
