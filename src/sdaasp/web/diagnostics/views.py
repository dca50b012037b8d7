"""Diagnostic pages: list of runs, one run as a choropleth per service type with a table."""

from __future__ import annotations

import json
import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sdaasp.access.aggregate import OBSERVATOIRE_CLASSES
from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun
from sdaasp.diagnostic.territory.models import Commune, Scot

#: Sequential, colour-blind-safe palette (ColorBrewer YlGnBu, 5 classes) for the Observatoire
#: classes; the class is always also written out (legend, popups, table).
CLASS_COLOURS = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]
MISSING_COLOUR = "#bdbdbd"


def class_of(minutes: float | None) -> int | None:
    """Index of the Observatoire class of a time, None when not available."""
    if minutes is None:
        return None
    for i, (_, lo, hi, _) in enumerate(OBSERVATOIRE_CLASSES):
        if lo <= minutes < hi:
            return i
    return len(OBSERVATOIRE_CLASSES) - 1


def _selected_type(request: HttpRequest, run: DiagnosticRun) -> str | None:
    wanted = request.GET.get("type")
    return wanted if wanted in run.types else (run.types[0] if run.types else None)


@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    runs = DiagnosticRun.objects.select_related("departement")[:200]
    return render(request, "diagnostics/list.html", {"runs": runs})


@require_GET
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(DiagnosticRun.objects.select_related("departement"), pk=pk)
    type_code = _selected_type(request, run)
    rows = list(AccessSummary.objects.filter(run=run, niveau="commune", type_code=type_code)
                .order_by("-moyenne_min"))
    names = dict(Commune.objects.filter(departement=run.departement).values_list("code", "nom"))
    classes = [{"label": lab, "colour": CLASS_COLOURS[i], "communes": 0, "population": 0.0}
               for i, (_, _, _, lab) in enumerate(OBSERVATOIRE_CLASSES)]
    missing = {"communes": 0, "population": 0.0}
    table = []
    for r in rows:
        c = class_of(r.mean_minutes)
        bucket = missing if c is None else classes[c]
        bucket["communes"] += 1
        bucket["population"] += r.population
        table.append({"s": r, "nom": names.get(r.code, r.code),
                      "classe": "non disponible" if c is None else classes[c]["label"]})
    scot_names = dict(Scot.objects.filter(departement=run.departement)
                      .values_list("code", "nom"))
    headline = [{"s": s, "nom": scot_names.get(s.code, s.code) if s.niveau == "scot"
                 else run.departement.nom,
                 "e2sfca_1000": None if s.e2sfca is None else 1000 * s.e2sfca}
                for s in AccessSummary.objects.filter(
                    run=run, type_code=type_code, niveau__in=["scot", "departement"])]
    headline.sort(key=lambda h: (h["s"].niveau == "departement", h["nom"]))  # SCoT A→Z, then total
    return render(request, "diagnostics/detail.html", {
        "run": run, "type_code": type_code, "classes": classes, "missing": missing,
        "missing_colour": MISSING_COLOUR, "table": table, "headline": headline,
        "inputs_json": json.dumps(run.inputs, ensure_ascii=False, indent=1),
        "travel_json": json.dumps(run.travel, ensure_ascii=False, indent=1),
    })


@require_GET
def run_geojson(request: HttpRequest, pk: int) -> HttpResponse:
    """Communes of the run with the mean time to the selected type and its class."""
    return _communes_geojson(request, get_object_or_404(DiagnosticRun, pk=pk))


@require_GET
def latest_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """The same for the latest run of a département (map explorer layer); empty if none."""
    run = DiagnosticRun.objects.filter(departement_id=code).first()
    if run is None:
        return HttpResponse('{"type":"FeatureCollection","features":[]}',
                            content_type="application/geo+json")
    return _communes_geojson(request, run)


def _communes_geojson(request: HttpRequest, run: DiagnosticRun) -> HttpResponse:
    type_code = _selected_type(request, run)
    values = {s.code: s for s in AccessSummary.objects.filter(
        run=run, niveau="commune", type_code=type_code)}
    features = []
    for code, nom, geom in (Commune.objects.filter(departement=run.departement)
                            .values_list("code", "nom", "geojson").order_by("code")):
        s = values.get(code)
        mean = s.mean_minutes if s else None
        c = class_of(mean)
        props = {
            "code": code, "nom": nom,
            "moyenne_min": None if mean is None or math.isinf(mean) else round(mean, 1),
            "moyenne": "non disponible" if s is None else s.moyenne_texte,
            "part_plus_20": None if s is None or s.part_plus_20 is None
            else round(100 * s.part_plus_20, 1),
            "classe": "non disponible" if c is None else OBSERVATOIRE_CLASSES[c][3],
            "couleur": MISSING_COLOUR if c is None else CLASS_COLOURS[c],
        }
        features.append('{"type":"Feature","geometry":' + geom + ',"properties":'
                        + json.dumps(props, ensure_ascii=False) + "}")
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    return HttpResponse(body, content_type="application/geo+json")
