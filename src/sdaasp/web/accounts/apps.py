from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sdaasp.web.accounts"
    label = "web_accounts"
    verbose_name = "connexion"
