from django.urls import path

from sdaasp.web.pages import views

app_name = "pages"
urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("logo/", views.logo, name="logo"),
]
