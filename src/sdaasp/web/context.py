"""Template context shared by every page: organisation, logo, main menu, login links."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from sdaasp.web import navigation


def _logo_url() -> str:
    """SDAASP_LOGO_URL, else the logo file of the data directory (served by pages:logo)."""
    if url := getattr(settings, "SDAASP_LOGO_URL", ""):
        return url
    from sdaasp.web.pages.views import logo_file

    return (navigation.resolve("pages:logo") or "") if logo_file() else ""


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "organisation": settings.SDAASP_ORGANISATION,
        "logo_url": _logo_url(),
        "default_departement": settings.SDAASP_DEFAULT_DEPARTEMENT,
        "main_menu": navigation.main_menu(request),
        "uses_auth": "django.contrib.auth" in settings.INSTALLED_APPS,
        **navigation.auth_links(),
    }
