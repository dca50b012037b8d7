from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "sdaasp.scheme.strategy"
    label = "scheme_strategy"
    verbose_name = "Schéma — stratégie"
