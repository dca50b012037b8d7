from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "sdaasp.web.dashboards"
    label = "dashboards"
    verbose_name = "tableaux de bord"

    def ready(self) -> None:
        from sdaasp.web.dashboards import builtin

        builtin.register()
