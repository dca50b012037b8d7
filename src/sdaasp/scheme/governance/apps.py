from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "sdaasp.scheme.governance"
    label = "scheme_governance"
    verbose_name = "Schéma — gouvernance"
