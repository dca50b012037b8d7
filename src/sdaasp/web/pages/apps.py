from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sdaasp.web.pages"
    label = "pages"
    verbose_name = "pages du site"
