"""Dashboard pages: every registered chart for one département (thin views)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from sdaasp.diagnostic.territory.models import Departement, default_departement
from sdaasp.web.dashboards.builtin import total_population
from sdaasp.web.dashboards.charts import (
    ChartData,
    bar_chart_svg,
    fmt,
    registered_charts,
    stacked_bar_chart_svg,
)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    dep = default_departement()
    if dep is None:
        return render(request, "dashboards/empty.html")
    return redirect("dashboards:departement", code=dep.code)


@require_GET
def departement(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    charts = []
    for chart in registered_charts():
        result = chart.provider(dep)
        if result is None:
            charts.append({"id": chart.id, "title": chart.title, "data": None,
                           "unavailable": chart.unavailable})
            continue
        pairs = [(chart.title, result)] if isinstance(result, ChartData) else result
        for i, (title, data) in enumerate(pairs):
            chart_id = chart.id if len(pairs) == 1 else f"{chart.id}-{i + 1}"
            charts.append(_chart_item(chart_id, title, data))
    return render(request, "dashboards/index.html", {
        "dep": dep, "charts": charts, "total_population": total_population(dep),
    })


def _chart_item(chart_id: str, title: str, data: ChartData) -> dict[str, object]:
    """SVG and table rows of one chart (French number formats, "non disponible")."""
    draw = stacked_bar_chart_svg if data.series else bar_chart_svg
    total = sum(v for v in data.values if v is not None)
    rows = [(label, [fmt(s[1][i]) for s in data.series], fmt(v))
            for i, (label, v) in enumerate(zip(data.labels, data.values, strict=True))]
    totals = [fmt(sum(s[1])) for s in data.series]
    return {"id": chart_id, "title": title, "data": data, "rows": rows, "total": fmt(total),
            "series_totals": totals,
            "svg": draw(data, title=title, chart_id=f"graphique-{chart_id}")}
