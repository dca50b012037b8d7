from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "sdaasp.scheme.programme"
    label = "scheme_programme"
    verbose_name = "Schéma — programme d'actions"

    def ready(self) -> None:
        from sdaasp.scheme.programme import explorer

        explorer.register()
