"""Charts available from the territory alone, and placeholders for the diagnostic and scheme.

The placeholders say what is missing; the diagnostics and scheme apps replace them by
registering a chart with the same id.
"""

from __future__ import annotations

from django.db.models import Sum

from sdaasp.web.dashboards.charts import Chart, ChartData, register_chart


def population_by_scot(dep) -> ChartData | None:
    rows = list(dep.scots.order_by("-population", "nom").values_list("nom", "population"))
    if not rows:
        return None
    return ChartData([r[0] for r in rows], [r[1] for r in rows], unit="hab.",
                     source=dep.source, value_label="Population municipale",
                     category_label="Territoire SCoT")


def population_by_epci(dep) -> ChartData | None:
    rows = list(dep.epcis.order_by("-population", "nom").values_list("nom", "population"))
    if not rows:
        return None
    return ChartData([r[0] for r in rows], [r[1] for r in rows], unit="hab.",
                     source=dep.source, value_label="Population municipale",
                     category_label="EPCI")


def communes_by_scot(dep) -> ChartData | None:
    rows = list(dep.scots.order_by("-communes_count", "nom").values_list("nom", "communes_count"))
    if not rows:
        return None
    return ChartData([r[0] for r in rows], [r[1] for r in rows], unit="communes",
                     source=dep.source, value_label="Communes",
                     category_label="Territoire SCoT")


def _none(dep) -> None:
    return None


def total_population(dep) -> int | None:
    return dep.communes.aggregate(total=Sum("population"))["total"]


def register() -> None:
    register_chart(Chart("population-scot", "Population municipale par territoire SCoT",
                         population_by_scot, order=10,
                         unavailable="Aucun regroupement SCoT n'est déclaré pour ce "
                                     "département."))
    register_chart(Chart("population-epci", "Population municipale par EPCI",
                         population_by_epci, order=20))
    register_chart(Chart("communes-scot", "Nombre de communes par territoire SCoT",
                         communes_by_scot, order=30,
                         unavailable="Aucun regroupement SCoT n'est déclaré pour ce "
                                     "département."))
    register_chart(Chart("population-seuils-scot",
                         "Population au-delà des seuils de temps d'accès, par territoire SCoT",
                         _none, order=40,
                         unavailable="Non disponible : aucun diagnostic d'accessibilité n'a "
                                     "encore été calculé (importez l'offre de services puis "
                                     "lancez un diagnostic)."))
    register_chart(Chart("avancement-programme",
                         "Avancement du programme d'actions par orientation et statut",
                         _none, order=50,
                         unavailable="Non disponible : aucun programme d'actions n'est encore "
                                     "saisi."))
