from django.urls import path

from sdaasp.web.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.departement, name="departement"),
]
