from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "sdaasp.web.explorer"
    label = "explorer"
    verbose_name = "carte"

    def ready(self) -> None:
        from sdaasp.web.explorer import layers

        layers.register_builtin_layers()
