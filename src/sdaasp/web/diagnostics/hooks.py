"""Hooks of the diagnostics app into the map explorer (choropleth of the latest run, commune
card section "acces"). The dashboards read the latest run themselves
(``sdaasp.web.dashboards.builtin.population_beyond_thresholds``)."""

from __future__ import annotations

from sdaasp.access.aggregate import OBSERVATOIRE_CLASSES
from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun
from sdaasp.web.diagnostics.views import CLASS_COLOURS, MISSING_COLOUR


def latest_run(code: str) -> DiagnosticRun | None:
    return DiagnosticRun.objects.filter(departement_id=code).first()


def _minutes_text(s: AccessSummary) -> str:
    text = s.moyenne_texte
    return text if text in ("inaccessible", "non disponible") else f"{s.mean_minutes:.0f} min"


def _fmt_minutes(v: float | None) -> str:
    return "non disponible" if v is None else f"{v:.0f} min".replace(".", ",")


def access_rows(commune: object):
    """Mean and median time to each type of the latest run, for the commune card."""
    from sdaasp.web.explorer.cards import CardRow

    run = latest_run(commune.departement_id)  # type: ignore[attr-defined]
    if run is None:
        return None
    rows = AccessSummary.objects.filter(run=run, niveau="commune",
                                        code=commune.code)  # type: ignore[attr-defined]
    return [CardRow(s.type_code, f"moyenne {_minutes_text(s)}, médiane "
                                 f"{_fmt_minutes(s.p50_min)}",
                    url=f"/diagnostic/{run.pk}/?type={s.type_code}")
            for s in rows.order_by("type_code")] or None


def register() -> None:
    try:
        from sdaasp.web.explorer.cards import register_card_provider
        from sdaasp.web.explorer.layers import LegendEntry, MapLayer, register_layer
    except ImportError:  # the explorer app is not installed
        pass
    else:
        legend = tuple(LegendEntry(f"Temps moyen : {lab}", CLASS_COLOURS[i])
                       for i, (*_, lab) in enumerate(OBSERVATOIRE_CLASSES))
        register_layer(MapLayer(
            "diagnostic", "Temps d'accès (dernier diagnostic)", "diagnostics:latest_geojson",
            order=30, legend=(*legend, LegendEntry("non disponible", MISSING_COLOUR)),
            columns=(("code", "Code"), ("nom", "Commune"), ("moyenne", "Temps moyen (min)"),
                     ("classe", "Classe")),
            source="sdaasp, dernier diagnostic d'accessibilité (premier type calculé)",
            fill_opacity=0.8))
        register_card_provider("acces", access_rows)
