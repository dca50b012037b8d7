"""Charts available from the territory alone, and placeholders for the diagnostic and scheme.

The placeholders say what is missing; the diagnostics and scheme apps replace them by
registering a chart with the same id.
"""

from __future__ import annotations

from itertools import groupby

from django.apps import apps
from django.db.models import Count, Sum

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


def population_beyond_thresholds(dep) -> list[tuple[str, ChartData]] | None:
    """Inhabitants 20–30 min and over 30 min from each service type, by SCoT, from the latest
    diagnostic run (one chart per type). SCoT without computed times are listed, not drawn."""
    if not apps.is_installed("sdaasp.diagnostic.runs"):
        return None
    from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun

    run = DiagnosticRun.objects.filter(departement=dep).order_by("-created_at", "-id").first()
    if run is None:
        return None
    names = dict(dep.scots.values_list("code", "nom"))
    labels = {}
    if apps.is_installed("sdaasp.diagnostic.offer"):
        from sdaasp.diagnostic.offer.models import ServiceType

        labels = dict(ServiceType.objects.values_list("code", "libelle"))
    rows = AccessSummary.objects.filter(run=run, niveau="scot").order_by("type_code", "code")
    charts = []
    model = run.travel.get("label") or run.travel_kind
    source = f"diagnostic n° {run.pk} du {run.created_at:%d/%m/%Y} ({model})"
    for type_code, group in groupby(rows, key=lambda r: r.type_code):
        known, missing = [], []
        for r in group:
            name = names.get(r.code, r.code)
            if r.hab_plus_20 is None or r.hab_plus_30 is None:
                missing.append(name)
            else:
                known.append((name, r.hab_plus_20 - r.hab_plus_30, r.hab_plus_30))
        known.sort(key=lambda k: -(k[1] + k[2]))
        note = ("Temps non disponibles pour : " + ", ".join(missing) + ".") if missing else ""
        charts.append((
            f"Habitants à plus de 20 minutes : {labels.get(type_code, type_code)}, "
            "par territoire SCoT",
            ChartData([k[0] for k in known], [k[1] + k[2] for k in known], unit="hab.",
                      source=source, value_label="Habitants à plus de 20 min",
                      category_label="Territoire SCoT", note=note,
                      series=(("de 20 à 30 min", [k[1] for k in known]),
                              ("plus de 30 min", [k[2] for k in known]))),
        ))
    return charts or None


def programme_progress(dep) -> ChartData | None:
    """Actions of the published scheme by orientation and status (example fiches excluded)."""
    if not apps.is_installed("sdaasp.scheme.programme"):
        return None
    from sdaasp.scheme.procedure.models import Scheme
    from sdaasp.scheme.programme.models import Action, ActionStatus, ProgrammeOrientation

    scheme = (Scheme.objects.filter(departement=dep.code, visible_to_public=True)
              .order_by("-period_start_year", "-id").first())
    if scheme is None:
        return None
    orientations = list(ProgrammeOrientation.objects.filter(scheme=scheme).order_by("position"))
    counts = {(r["group__orientation"], r["status"]): r["n"] for r in
              Action.objects.filter(scheme=scheme, is_example=False)
              .values("group__orientation", "status").annotate(n=Count("id"))}
    if not counts or not orientations:
        return None
    series = [(label, [counts.get((o.id, value), 0) for o in orientations])
              for value, label in ActionStatus.choices]
    return ChartData([f"{o.code} — {o.title}" for o in orientations],
                     [sum(s[1][i] for s in series) for i in range(len(orientations))],
                     unit="actions", source=scheme.title, value_label="Actions",
                     category_label="Orientation", series=series,
                     note="Les fiches d'exemple (fictives) ne sont pas comptées.")


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
                         population_beyond_thresholds, order=40,
                         unavailable="Non disponible : aucun diagnostic d'accessibilité n'a "
                                     "encore été calculé (importez l'offre de services puis "
                                     "lancez un diagnostic)."))
    register_chart(Chart("avancement-programme",
                         "Avancement du programme d'actions par orientation et statut",
                         programme_progress, order=50,
                         unavailable="Non disponible : aucun programme d'actions publié "
                                     "(schéma non visible du public ou sans fiche action)."))
