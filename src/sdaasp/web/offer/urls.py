from django.urls import path

from sdaasp.web.offer import views

app_name = "offer"
urlpatterns = [
    path("", views.default_inventory, name="default"),
    path("<str:code>/", views.inventory_page, name="inventory"),
    path("<str:code>/carte/", views.map_page, name="map"),
    #: Reused by other maps: ?type=CODE (repeatable), ?source=…, ?commune=…
    path("<str:code>/points.geojson", views.points_geojson, name="points_geojson"),
]
