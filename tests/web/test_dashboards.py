"""Dashboards: SVG bar charts whose bars are proportional to the figures of their table."""

from __future__ import annotations

import re
from html import unescape

import pytest

from sdaasp.web.dashboards.charts import ChartData, bar_chart_svg
from sdaasp.web.territory.models import Scot

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
    assert html.count('role="img"') == 3  # SCoT, EPCI, communes by SCoT
    # charts that wait for the diagnostic and the scheme say so
    text = unescape(html)
    assert "aucun diagnostic d'accessibilité n'a encore été calculé" in text
    assert "aucun programme d'actions n'est encore saisi" in text
