"""Dashboard pages: every registered chart for one département (thin views)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from sdaasp.web.dashboards.builtin import total_population
from sdaasp.web.dashboards.charts import bar_chart_svg, fmt, registered_charts
from sdaasp.web.territory.models import Departement


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    dep = Departement.objects.filter(code=settings.SDAASP_DEFAULT_DEPARTEMENT).first()
    dep = dep or Departement.objects.first()
    if dep is None:
        return render(request, "dashboards/empty.html")
    return redirect("dashboards:departement", code=dep.code)


@require_GET
def departement(request: HttpRequest, code: str) -> HttpResponse:
    dep = get_object_or_404(Departement, code=code)
    charts = []
    for chart in registered_charts():
        data = chart.provider(dep)
        item = {"id": chart.id, "title": chart.title, "data": data,
                "unavailable": chart.unavailable}
        if data is not None:
            total = sum(v for v in data.values if v is not None)
            item["svg"] = bar_chart_svg(data, title=chart.title, chart_id=f"graphique-{chart.id}")
            item["rows"] = [(label, fmt(v)) for label, v in
                            zip(data.labels, data.values, strict=True)]
            item["total"] = fmt(total)
        charts.append(item)
    return render(request, "dashboards/index.html", {
        "dep": dep, "charts": charts, "total_population": total_population(dep),
    })
