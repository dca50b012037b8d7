"""Hooks into the map explorer: QPV / deficit / priority overlays and the commune card
sections "besoins" and "zones", from the latest zones run of the commune's département."""

from __future__ import annotations

from sdaasp.diagnostic.zones import models
from sdaasp.needs import DIMENSIONS, INDICATORS
from sdaasp.needs.catalogue import format_percent

DEFICIT_COLOUR = "#B35806"
PRIORITY_COLOUR = "#D7301F"
QPV_COLOUR = "#1b1f24"
UNIT_COLUMNS = (("code", "Code"), ("nom", "Zone"), ("statut", "Statut"), ("motifs", "Motifs"))


def latest_run(code: str) -> models.ZonesRun | None:
    return models.ZonesRun.objects.filter(departement_id=code).first()


def register() -> None:
    try:
        from sdaasp.web.explorer.cards import register_card_provider
        from sdaasp.web.explorer.layers import LegendEntry, MapLayer, register_layer
    except ImportError:  # the explorer app is not installed
        return
    register_layer(MapLayer(
        "qpv", "Quartiers prioritaires (QPV)", "zones:qpv_geojson", order=20,
        colour=QPV_COLOUR, legend=(LegendEntry("QPV (contour)", QPV_COLOUR),),
        columns=(("code", "Code"), ("nom", "Nom")), source="ANCT, contours des QPV"))
    register_layer(MapLayer(
        "deficitaires", "Territoires déficitaires", "zones:deficitaires_geojson", order=21,
        colour=DEFICIT_COLOUR, legend=(LegendEntry("Territoire déficitaire", DEFICIT_COLOUR),),
        columns=UNIT_COLUMNS, source="sdaasp, dernier calcul des zones"))
    register_layer(MapLayer(
        "prioritaires", "Zones prioritaires du SDAASP", "zones:prioritaires_geojson",
        order=22, colour=PRIORITY_COLOUR,
        legend=(LegendEntry("Zone prioritaire", PRIORITY_COLOUR),), columns=UNIT_COLUMNS,
        source="sdaasp, dernier calcul des zones"))
    register_card_provider("besoins", needs_rows)
    register_card_provider("zones", zones_rows)


def _units(commune: object) -> list[models.ZoneUnit]:
    run = latest_run(commune.departement_id)  # type: ignore[attr-defined]
    if run is None:
        return []
    return list(run.units.filter(commune_code=commune.code))  # type: ignore[attr-defined]


def needs_rows(commune: object):
    """The commune's indicators (or, for a commune split into IRIS, the count of IRIS where
    each dimension is critical); None when the latest run has nothing for it."""
    from sdaasp.web.explorer.cards import CardRow

    units = _units(commune)
    if not units:
        return None
    if len(units) == 1 and units[0].level == "commune":
        rows = [CardRow(INDICATORS[k].label, format_percent(v) if v is not None
                        else "non disponible")
                for k, v in sorted(units[0].indicators.items()) if k in INDICATORS]
        return rows or None
    rows = []
    for dim, label in DIMENSIONS.items():
        states = [u.dimensions.get(dim) for u in units]
        if all(s in (None, "non évaluée") for s in states):
            rows.append(CardRow(label, "non disponible"))
        else:
            rows.append(CardRow(label, f"critique dans {states.count('critique')} IRIS "
                                       f"sur {len(units)}"))
    return rows


def zones_rows(commune: object):
    from django.urls import reverse

    from sdaasp.web.explorer.cards import CardRow

    units = _units(commune)
    if not units:
        return None
    url = reverse("zones:index")
    prio = [u for u in units if u.statut == "prioritaire"]
    if len(units) == 1:
        u = units[0]
        text = u.statut + (f" — {u.motifs}" if u.motifs else "")
        return [CardRow("Statut", text, url)]
    return [CardRow("IRIS prioritaires", f"{len(prio)} sur {len(units)}", url),
            *[CardRow(u.nom, u.motifs, url) for u in prio[:5]]]
