"""URLs of the platform. Each domain app adds its own include here."""

from django.contrib import admin
from django.urls import include, path

from sdaasp.web.territory import views as territory_views

urlpatterns = [
    path("", territory_views.home, name="home"),
    path("territoire/", include("sdaasp.web.territory.urls")),
    path("carte/", include("sdaasp.web.explorer.urls")),
    path("donnees/", include("sdaasp.web.opendata.urls")),
    path("tableaux-de-bord/", include("sdaasp.web.dashboards.urls")),
    path("", include("sdaasp.web.pages.urls")),
    path("", include("sdaasp.web.accounts.urls")),  # /connexion/: delete with the app
    path("offre/", include("sdaasp.web.offer.urls")),
    path("diagnostic/", include("sdaasp.web.diagnostics.urls")),
    path("zones/", include("sdaasp.web.zones.urls")),
    path("admin/", admin.site.urls),
    path("", include("sdaasp.scheme.urls")),
]
