"""Zones pages: map with toggleable layers, legend, tables of zones and of EPCI/SCoT
"problématiques multiples", and the map exported as PNG or PDF. Thin views."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.zones import models
from sdaasp.needs import DIMENSIONS
from sdaasp.web.territory.views import scot_colours
from sdaasp.web.zones.explorer import DEFICIT_COLOUR, PRIORITY_COLOUR
from sdaasp.web.zones.render import LAYERS, render_map

STATUS_ORDER = {"prioritaire": 0, "indéterminée": 1, "non prioritaire": 2, "non évaluée": 3}
TERRITORY_DIMS = {"acces": "Accès aux services", **DIMENSIONS}


def _run(request: HttpRequest) -> models.ZonesRun | None:
    runs = models.ZonesRun.objects.select_related("departement")
    if run_id := request.GET.get("calcul"):
        if not run_id.isdigit():
            raise Http404("calcul inconnu")
        return get_object_or_404(runs, pk=int(run_id))
    dep = settings.SDAASP_DEFAULT_DEPARTEMENT
    return runs.filter(departement_id=dep).first() or runs.first()


def _scots(dep: Departement) -> list[tuple[str, str, str]]:
    colours = scot_colours(dep)
    return [(s.nom, colours[s.code], s.geojson) for s in dep.scots.order_by("nom")]


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    run = _run(request)
    if run is None:
        return render(request, "zones/empty.html")
    dep = run.departement
    colours = scot_colours(dep)
    zones = sorted(run.units.exclude(statut="non prioritaire").exclude(statut="non évaluée"),
                   key=lambda u: (STATUS_ORDER[u.statut], -u.score, u.unit_code))
    labels = {s["code"]: f"{s['libelle']} ({s['code']})"
              for s in run.summary.get("services", [])}
    deficit_only = run.units.filter(acces="déficitaire", statut="non prioritaire").count()
    territories = []
    for t in run.territories.all():
        cells = []
        critical = set(t.critiques.split(",")) - {""}
        for key, label in TERRITORY_DIMS.items():
            share = t.shares.get(key)
            cells.append({"label": label, "share": share, "critical": key in critical})
        territories.append({"t": t, "cells": cells})
    return render(request, "zones/index.html", {
        "run": run, "dep": dep, "zones": zones, "deficit_only": deficit_only,
        "scots": [{"nom": s.nom, "colour": colours[s.code]} for s in dep.scots.order_by("nom")],
        "qpv_count": models.Qpv.objects.of_departement(dep.code).count(),
        # the map's QPV and deficit layers, as tables beside the map (RGAA)
        "qpvs": models.Qpv.objects.of_departement(dep.code)
        .only("code", "nom", "communes").order_by("code"),
        "deficits": run.units.filter(acces="déficitaire").only(
            "unit_code", "nom", "level", "population", "statut").order_by("unit_code"),
        "not_assessed": [(DIMENSIONS[d], f) for d, f in run.not_assessed.items()],
        "dimensions": TERRITORY_DIMS, "territories": territories,
        "runs": models.ZonesRun.objects.filter(departement=dep)[:10],
        "layers": LAYERS, "tile_url": getattr(settings, "SDAASP_TILE_URL", ""),
        "crowfly": "vol d'oiseau" in run.access_method,
        "services_not_assessed": [labels.get(c, c) for c in run.services_not_assessed],
    })


@require_GET
def layer(request: HttpRequest, run_id: int, name: str) -> HttpResponse:
    """One map layer of a run as a GeoJSON FeatureCollection (WGS84, simplified)."""
    run = get_object_or_404(models.ZonesRun.objects.select_related("departement"), pk=run_id)
    return _layer(run, run.departement_id, name)


@require_GET
def departement_layer(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """A layer of the latest run of a département (the map explorer's overlays); empty when
    no run exists yet."""
    run = models.ZonesRun.objects.select_related("departement").filter(
        departement_id=code).first()
    return _layer(run, code, name)


def _layer(run: models.ZonesRun | None, code: str, name: str) -> HttpResponse:
    if name == "qpv":
        feats = [
            '{"type":"Feature","geometry":' + q.geojson + ',"properties":{"nom":' + _js(q.nom)
            + ',"code":' + _js(q.code) + '}}'
            for q in models.Qpv.objects.of_departement(code)
        ]
    elif run is None and name in ("scot", "deficitaires", "prioritaires"):
        feats = []
    elif name == "scot":
        colours = scot_colours(run.departement)  # type: ignore[union-attr]
        feats = [
            '{"type":"Feature","geometry":' + s.geojson + ',"properties":{"nom":'
            + _js(s.nom) + ',"couleur":"' + colours[s.code] + '"}}'
            for s in run.departement.scots.order_by("nom")  # type: ignore[union-attr]
        ]
    elif name == "deficitaires":
        feats = [unit_feature(u, DEFICIT_COLOUR)
                 for u in run.units.filter(acces="déficitaire")]  # type: ignore[union-attr]
    elif name == "prioritaires":
        feats = [unit_feature(u, PRIORITY_COLOUR)
                 for u in run.units.filter(statut="prioritaire")]  # type: ignore[union-attr]
    else:
        raise Http404("couche inconnue")
    body = '{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}"
    return HttpResponse(body, content_type="application/geo+json")


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@require_GET
def export_map(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """The map as PNG or PDF, with the layers chosen in ``?couches=scot,qpv,…``."""
    run = get_object_or_404(models.ZonesRun.objects.select_related("departement"), pk=run_id)
    wanted = tuple(c for c in request.GET.get("couches", ",".join(LAYERS)).split(",")
                   if c in LAYERS)
    data = render_map(run, _scots(run.departement), fmt=fmt, layers=wanted or LAYERS)
    response = HttpResponse(data, content_type="image/png" if fmt == "png"
                            else "application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="zones-{run.departement_id}-calcul-{run.pk}.{fmt}"')
    return response


def unit_feature(u: models.ZoneUnit, colour: str = "") -> str:
    """GeoJSON feature text of a unit for the map (``couleur`` for the explorer's fill)."""
    props = {"code": u.unit_code, "nom": u.nom, "niveau": u.level, "acces": u.acces,
             "statut": u.statut, "partiel": u.partiel, "motifs": u.motifs,
             "population": u.population, "couleur": colour}
    return ('{"type":"Feature","geometry":' + u.geojson + ',"properties":'
            + json.dumps(props, ensure_ascii=False) + "}")
