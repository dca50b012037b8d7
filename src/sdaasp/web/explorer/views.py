"""Map explorer pages (thin views): the map with its tables, and the commune card fragment."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import get_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.territory.models import Commune, Departement, Epci, Scot, default_departement
from sdaasp.web.explorer.cards import card_sections
from sdaasp.web.explorer.layers import available_layers


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    dep = default_departement()
    if dep is None:
        return render(request, "explorer/empty.html")
    return redirect("explorer:map", code=dep.code)


def _card_context(commune: Commune, user: object = None) -> dict[str, object]:
    return {"commune": commune, "sections": card_sections(commune, user)}


def _commune(code: str, dep: Departement | None = None) -> Commune:
    qs = Commune.objects.select_related("epci__scot", "departement")
    if dep is not None:
        qs = qs.filter(departement=dep)
    return get_object_or_404(qs, code=code)


_ROW = ('<tr><td>{}</td><td><a class="commune-link" data-code="{}" '
        'href="?commune={}#fiche-commune">{}</a></td><td class="num">{}</td>'
        "<td>{}</td><td>{}</td></tr>")


def _commune_rows(dep: Departement) -> tuple[int, SafeString]:
    """The communes table body, built in one pass (a template loop over 647 rows with
    ``intcomma`` costs a large share of the page's server time)."""
    sep = get_format("THOUSAND_SEPARATOR")
    rows = list(Commune.objects.filter(departement=dep).order_by("nom", "code").values_list(
        "code", "nom", "population", "epci__nom", "epci__scot__nom"))

    def pop(value: int | None) -> str:
        return "non disponible" if value is None else f"{value:,}".replace(",", sep)

    body = format_html_join("\n", _ROW, (
        (code, code, code, nom, pop(p), epci or "—", scot or "—")
        for code, nom, p, epci, scot in rows))
    return len(rows), body


@require_GET
def map_page(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    layers = available_layers(dep.code)
    selected = request.GET.get("commune")
    card = _card_context(_commune(selected, dep), request.user) if selected else None
    return render(request, "explorer/map.html", {
        "dep": dep,
        "layers": layers,
        "base_layers": [la for la in layers if la["kind"] == "base"],
        "overlays": [la for la in layers if la["kind"] == "overlay"],
        "tile_url": settings.SDAASP_TILE_URL,
        "card": card,
        "communes": _commune_rows(dep),
        "epcis": Epci.objects.filter(departement=dep).select_related("scot").order_by("nom"),
        "scots": Scot.objects.filter(departement=dep).order_by("nom"),
    })


@require_GET
def commune_card(request: HttpRequest, code: str) -> HttpResponse:
    """The card of one commune as an HTML fragment (inserted by explorer.js)."""
    return render(request, "explorer/_commune_card.html",
                  _card_context(_commune(code), request.user))
