from django.urls import path

from sdaasp.web.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/<str:level>.<str:fmt>", views.download, name="download"),
]
