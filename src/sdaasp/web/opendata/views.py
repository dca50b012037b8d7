"""The open-data page and its downloads (thin views over :mod:`sdaasp.web.opendata.files`)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.territory.models import Departement
from sdaasp.web.opendata.files import CATALOGUE, cached_file, find


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    deps = list(Departement.objects.all())
    return render(request, "opendata/index.html", {"deps": deps, "catalogue": CATALOGUE})


@require_GET
def download(request: HttpRequest, code: str, level: str, fmt: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    item = find(level, fmt)
    if item is None:
        raise Http404("Fichier inconnu.")
    path = cached_file(dep, item)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                        content_type=item.content_type)
