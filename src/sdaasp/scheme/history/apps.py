from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "sdaasp.scheme.history"
    label = "scheme_history"
    verbose_name = "Schéma — historique des modifications"
