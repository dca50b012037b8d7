"""Accessibility statement (RGAA 4.1) and the organisation's logo from the data directory."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

#: Logo files looked for, in order, in the data directory (SDAASP_DATA_DIR).
LOGO_FILES = ("logo.svg", "logo.png", "logo.jpg")
_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}

#: Date of the last automated check (axe-core through the browser tests) described on the page.
#: Update it with the figures below when the checks change.
AUTOMATED_CHECK_DATE = dt.date(2026, 11, 25)


def logo_file():
    """The first logo file present in the data directory, or None."""
    for name in LOGO_FILES:
        path = settings.DATA_DIR / name
        if path.is_file():
            return path
    return None


@require_GET
def logo(request: HttpRequest) -> HttpResponse:
    path = logo_file()
    if path is None:
        raise Http404("Aucun logo dans le dossier de données.")
    return FileResponse(path.open("rb"), content_type=_LOGO_TYPES[path.suffix])


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", {
        "check_date": AUTOMATED_CHECK_DATE,
        "contact": getattr(settings, "SDAASP_ACCESSIBILITY_CONTACT", ""),
    })
