"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "organisation": settings.SDAASP_ORGANISATION,
        "default_departement": settings.SDAASP_DEFAULT_DEPARTEMENT,
    }
