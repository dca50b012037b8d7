"""A URL configuration with a stand-in ``offer`` app, to test that the menu picks it up."""

from django.http import HttpResponse
from django.urls import include, path

from sdaasp.web.urls import urlpatterns as platform_urls


def _offer_index(request):
    return HttpResponse("offre")


offer_patterns = ([path("", _offer_index, name="index")], "offer")
urlpatterns = [path("offre/", include(offer_patterns)), *platform_urls]
