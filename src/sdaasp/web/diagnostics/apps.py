from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "sdaasp.web.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics d'accessibilité"
