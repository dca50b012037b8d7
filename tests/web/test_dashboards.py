"""Dashboards: SVG bar charts whose bars are proportional to the figures of their table."""

from __future__ import annotations

import re
from html import unescape

import pytest

from sdaasp.diagnostic.territory.models import Scot
from sdaasp.web.dashboards.charts import ChartData, bar_chart_svg

pytestmark = pytest.mark.django_db


def test_bar_lengths_are_proportional_and_missing_is_not_zero():
    svg = str(bar_chart_svg(ChartData(["A", "B <script>", "C"], [200, 50, None], unit="hab."),
                            title="Essai", chart_id="g"))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == pytest.approx(4 * widths[1])
    assert "non disponible" in svg and "<script>" not in svg and "B &lt;script&gt;" in svg
    assert 'role="img"' in svg and '<title id="g-t">Essai</title>' in svg


def test_dashboard_page_charts_and_tables(client, nord_db):
    assert client.get("/tableaux-de-bord/")["Location"] == "/tableaux-de-bord/59/"
    html = client.get("/tableaux-de-bord/59/").content.decode()
    section = html[html.index('id="population-scot"'):html.index('id="population-epci"')]
    scots = list(Scot.objects.filter(departement="59").order_by("-population", "nom"))
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td></tr>',
                      section)
    assert [r[0] for r in rows[:-1]] == [s.nom for s in scots] and rows[-1][0] == "Total"
    assert [int(r[1].replace("\u00a0", "")) for r in rows[:-1]] == [s.population for s in scots]
    assert int(rows[-1][1].replace("\u00a0", "")) == sum(s.population for s in scots)
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', section)]
    ratios = [w / widths[0] for w in widths]
    assert ratios == pytest.approx([s.population / scots[0].population for s in scots],
                                   rel=1e-3)
    # every chart with data has its SVG; the others say what is missing
    from sdaasp.diagnostic.territory.models import Departement
    from sdaasp.web.dashboards.charts import registered_charts

    dep = Departement.objects.get(code="59")
    with_data = [c for c in registered_charts() if c.provider(dep) is not None]
    assert {"population-scot", "population-epci", "communes-scot"} <= {c.id for c in with_data}
    assert html.count('role="img"') == len(with_data)
    text = unescape(html)
    missing = [c for c in registered_charts() if c not in with_data]
    for chart in missing:
        assert chart.unavailable in text


def test_stacked_bars_are_proportional_and_named():
    from sdaasp.web.dashboards.charts import stacked_bar_chart_svg

    data = ChartData(["A", "B"], [30, 10], series=(("un", [20, 10]), ("deux", [10, 0])))
    svg = str(stacked_bar_chart_svg(data, title="Essai", chart_id="s"))
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" '
                                           r'height="22"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1], rel=1e-2)
    assert widths[0] == pytest.approx(2 * widths[2], rel=1e-2)
    assert ">un</text>" in svg and ">deux</text>" in svg  # legend names every colour


def test_population_beyond_thresholds_from_the_latest_run(client, nord_db):
    """Synthetic figures written straight into a run (test data, not a real diagnostic)."""
    from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun

    scots = list(Scot.objects.filter(departement="59").order_by("code")[:3])
    run = DiagnosticRun.objects.create(departement_id="59", travel_kind="crowfly",
                                       origins_kind="commune", code_version="test")
    base = {"population": 5000, "population_disponible": 5000,
            "population_non_disponible": 0, "population_sans_acces": 0}
    for scot, (h20, h30) in zip(scots, [(1000, 400), (300, 300), (None, None)], strict=True):
        AccessSummary.objects.create(run=run, niveau="scot", code=scot.code, type_code="ZZ99",
                                     hab_plus_20=h20, hab_plus_30=h30, **base)
    html = unescape(client.get("/tableaux-de-bord/59/").content.decode())
    section = html[html.index('id="population-seuils-scot"'):]
    section = section[:section.index("</section>")]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([^<]+)</td>'
                      r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td></tr>', section)
    assert rows == [(scots[0].nom, "600", "400", "1\u00a0000"), (scots[1].nom, "0", "300", "300"),
                    ("Total", "600", "700", "1\u00a0300")]
    assert f"Temps non disponibles pour : {scots[2].nom}." in section
    assert "Habitants à plus de 20 minutes : ZZ99, par territoire SCoT" in section


def test_programme_progress_counts_published_actions_only(client, nord_db):
    from collections import Counter

    from sdaasp.scheme.nord import load_examples, load_seed
    from sdaasp.scheme.programme.models import Action, WorkingGroup
    from sdaasp.scheme.programme.services import do_save_action

    scheme = load_seed()
    load_examples(scheme)  # example fiches: never counted
    groups = list(WorkingGroup.objects.filter(orientation__scheme=scheme)
                  .order_by("orientation__position", "position"))
    # test actions (not in the real scheme), in the first and last orientations
    for code, group, status in (("T-1", groups[0], "en_cours"), ("T-2", groups[0], "realise"),
                                ("T-3", groups[-1], "bloque")):
        do_save_action(group, code=code, title=f"Action de test {code}", status=status,
                       actors=[])
    scheme.visible_to_public = False
    scheme.save()
    html = unescape(client.get("/tableaux-de-bord/59/").content.decode())
    assert "aucun programme d'actions publié" in html
    scheme.visible_to_public = True
    scheme.save()
    html = unescape(client.get("/tableaux-de-bord/59/").content.decode())
    section = html[html.index('id="avancement-programme"'):]
    section = section[:section.index("</section>")]
    expected = Counter(a.group.orientation.code for a in Action.objects.filter(scheme=scheme)
                       if not a.is_example)
    totals = {label.split(" — ")[0]: int(total.replace("\u00a0", "")) for label, total in
              re.findall(r'<tr><th scope="row">([^<]+)</th>(?:<td class="num">[^<]+</td>)*'
                         r'<td class="num">([^<]+)</td></tr>', section) if label != "Total"}
    assert {k: v for k, v in totals.items() if v} == dict(expected)
    assert sum(expected.values()) == 3
    assert ">Bloqué</text>" in section and ">En cours</text>" in section  # legend
    assert "Les fiches d'exemple (fictives) ne sont pas comptées." in section
