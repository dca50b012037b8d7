from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "sdaasp.web.explorer"
    label = "explorer"
    verbose_name = "carte"

    def ready(self) -> None:
        from sdaasp.web.diagnostics import hooks
        from sdaasp.web.explorer import layers
        from sdaasp.web.zones import explorer

        layers.register_builtin_layers()
        # the web draws the domain apps' results; the domain apps never import the web
        hooks.register()
        explorer.register()
