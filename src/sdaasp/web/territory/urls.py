from django.urls import path

from sdaasp.web.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.default_territory, name="default"),
    path("<str:code>/carte/", views.map_page, name="map"),
    path("<str:code>/communes.geojson", views.communes_geojson, name="communes_geojson"),
    path("<str:code>/tableau/", views.table_page, name="table"),
]
