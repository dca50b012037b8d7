from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "sdaasp.web.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics d'accessibilité"

    def ready(self) -> None:
        from sdaasp.web.diagnostics import hooks

        hooks.register()
