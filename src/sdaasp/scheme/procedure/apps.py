from django.apps import AppConfig


class ProcedureConfig(AppConfig):
    name = "sdaasp.scheme.procedure"
    label = "scheme_procedure"
    verbose_name = "Schéma — procédure"
