"""A URL configuration with a stand-in app ``essai``, to test that the menu picks it up."""

from django.shortcuts import render
from django.urls import include, path

from sdaasp.web.urls import urlpatterns as platform_urls


def _essai_index(request):
    return render(request, "base.html")


essai_patterns = ([path("", _essai_index, name="index")], "essai")
urlpatterns = [path("essai/", include(essai_patterns)), *platform_urls]
