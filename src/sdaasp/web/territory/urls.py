from django.urls import path

from sdaasp.web.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.default_territory, name="default"),
    path("<str:code>/carte/", views.map_page, name="map"),
    path("<str:code>/communes.geojson", views.communes_geojson, name="communes_geojson"),
    path("<str:code>/epci.geojson", views.epci_geojson, name="epci_geojson"),
    path("<str:code>/scot.geojson", views.scot_geojson, name="scot_geojson"),
    path("<str:code>/mairies.geojson", views.mairies_geojson, name="mairies_geojson"),
    path("<str:code>/tableau/", views.table_page, name="table"),
]
