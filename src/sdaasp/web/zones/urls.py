from django.urls import path, re_path

from sdaasp.web.zones import views

app_name = "zones"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/qpv.geojson", views.departement_layer, {"name": "qpv"},
         name="qpv_geojson"),
    path("<str:code>/deficitaires.geojson", views.departement_layer, {"name": "deficitaires"},
         name="deficitaires_geojson"),
    path("<str:code>/prioritaires.geojson", views.departement_layer, {"name": "prioritaires"},
         name="prioritaires_geojson"),
    path("calcul/<int:run_id>/couches/<str:name>.geojson", views.layer, name="layer"),
    re_path(r"^calcul/(?P<run_id>[0-9]+)/carte\.(?P<fmt>png|pdf)$", views.export_map,
            name="export"),
]
