from django.urls import path

from sdaasp.web.explorer import views

app_name = "explorer"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.map_page, name="map"),
    path("commune/<str:code>/fiche/", views.commune_card, name="commune_card"),
]
