from django.urls import path

from sdaasp.web.diagnostics import views

app_name = "diagnostics"
urlpatterns = [
    path("", views.run_list, name="index"),
    path("<int:pk>/", views.run_detail, name="detail"),
    path("<int:pk>/communes.geojson", views.run_geojson, name="geojson"),
    path("dernier/<str:code>/communes.geojson", views.latest_geojson, name="latest_geojson"),
]
