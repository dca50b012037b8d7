"""Integration of the apps in a real browser: the explorer's service-type filter, and a
diagnostic run page (switch the type, legend and table agree, axe-core)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser
FIX = Path(__file__).resolve().parents[1] / "fixtures"
CLASS_LABELS = ("moins de 10 min", "de 10 à 15 min", "de 15 à 20 min", "de 20 à 25 min",
                "25 min ou plus")


def test_explorer_service_type_filter_reloads_map_and_table(page, site):
    from sdaasp.diagnostic.offer.models import ServicePoint
    from sdaasp.diagnostic.offer.services import import_services

    import_services(FIX / "offer" / "france_services.geojson", source="france-services",
                    departement="59")
    import_services(FIX / "offer" / "partenaires.csv", source="csv", departement="59")
    n_fs = ServicePoint.objects.filter(departement="59", active=True, type="FS_FIXE").count()
    assert n_fs >= 1
    page.goto(site + "/carte/59/")
    page.wait_for_selector('#carte[data-ready="1"]')
    rows = page.locator('#tableaux-couches .table-block[data-layer="offre-points"] tbody tr')
    caption = page.locator('#tableaux-couches .table-block[data-layer="offre-points"] caption')

    # choosing a type shows the layer with that type only, on the map and in its table
    page.get_by_label("Type de service affiché").select_option("FS_FIXE")
    page.wait_for_selector('#carte[data-couche-offre-points="1"]')
    caption.wait_for()
    assert rows.count() == n_fs
    types = [t.strip() for t in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert set(types) == {"France Services (espace fixe)"}
    assert f"({n_fs})" in caption.inner_text()
    assert page.locator("#carte path.leaflet-interactive").count() == 647 + n_fs
    # the one kept beyond the border (Pas-de-Calais) is a ring: white inside, never a disc
    n_hors = ServicePoint.objects.filter(departement="59", active=True, type="FS_FIXE",
                                         hors_departement=True).count()
    assert n_hors == 1
    assert page.locator('#carte path.leaflet-interactive[fill="#ffffff"]').count() == n_hors

    # another type replaces both (one table for the layer, never two)
    page.get_by_label("Type de service affiché").select_option("MAIRIE")
    page.wait_for_function(
        "document.querySelectorAll('#carte path.leaflet-interactive').length === 647 + 647")
    page.wait_for_function("""() => {
        const c = document.querySelector(
            '#tableaux-couches .table-block[data-layer="offre-points"] caption');
        return c && c.textContent.includes("Mairie (647)");
    }""")
    assert page.locator('#tableaux-couches .table-block[data-layer="offre-points"]').count() == 1
    assert rows.count() == 647
    assert set(rows.locator("td:nth-child(2)").all_inner_texts()) == {"Mairie"}
    assert not page.js_errors


def test_offer_map_table_and_axe(page, site, axe_source):
    from sdaasp.diagnostic.offer.services import import_services

    import_services(FIX / "offer" / "france_services.geojson", source="france-services",
                    departement="59")
    page.goto(site + "/offre/59/carte/?type=FS_FIXE&type=MAIRIE")
    table = page.get_by_role("table", name=re.compile("Points de service affichés"))
    assert table.locator("tbody tr").count() == 1 + 647 + 1  # + the one beyond the border
    violations = axe_violations(page, axe_source)
    assert not violations, [(v["id"], v["impact"], v["help"]) for v in violations]


@pytest.fixture
def diagnostic(site, nord):
    """One crow-fly run on commune origins: town halls, and an "EXEMPLE" type (synthetic:
    every 25th town hall) so that the two types' maps differ."""
    from sdaasp.access.diagnostic import build_origins, run_diagnostic
    from sdaasp.diagnostic.runs.services import save_diagnostic
    from sdaasp.testing import mairie_services
    from sdaasp.travel import CrowflyModel

    origins, info = build_origins(nord, "commune")
    town_halls = mairie_services(nord)
    example = town_halls.iloc[::25].assign(type_code="EXEMPLE")
    example["point_id"] = "EX-" + example["point_id"]
    services = pd.concat([town_halls, example], ignore_index=True)
    result = run_diagnostic(nord, services, CrowflyModel(), origins=origins,
                            origins_info=info, types=["MAIRIE", "EXEMPLE"])
    return result, save_diagnostic(result)


def _expected_classes(result, type_code: str) -> Counter:
    """Communes per Observatoire class, straight from the engine's summaries."""
    s = result.summaries
    mean = s[(s["niveau"] == "commune") & (s["type_code"] == type_code)]["moyenne_min"]
    mean = mean.to_numpy(dtype=float)
    idx = np.digitize(mean[~np.isnan(mean)], [10.0, 15.0, 20.0, 25.0])
    out = Counter(CLASS_LABELS[i] for i in idx)
    out["non disponible"] = int(np.isnan(mean).sum())
    return out


def _legend_counts(page) -> Counter:
    out = Counter()
    for text in page.locator(".legend .legend-list li").all_inner_texts():
        m = re.match(r"\s*(.+?) : (\d+) communes?", text)
        assert m, text
        out[m.group(1)] = int(m.group(2))
    return out


def test_diagnostic_run_page_switch_type_legend_table_axe(page, diagnostic, axe_source, site):
    result, run = diagnostic
    page.goto(f"{site}/diagnostic/{run.pk}/")
    page.wait_for_selector('#carte[data-ready="1"]')
    assert page.get_by_label("Type de service").input_value() == "MAIRIE"

    page.get_by_label("Type de service").select_option("EXEMPLE")
    page.get_by_role("button", name="Afficher").click()
    page.wait_for_url(re.compile(r"\?type=EXEMPLE$"))
    page.wait_for_selector('#carte[data-ready="1"]')
    assert "type EXEMPLE" in page.get_by_role("heading", level=2).first.inner_text()
    assert page.locator("#carte path.leaflet-interactive").count() == 647

    expected = _expected_classes(result, "EXEMPLE")
    assert +_legend_counts(page) == +expected  # legend vs the engine's own numbers
    table = page.locator("table.data").last  # the communes table beside the map
    assert table.locator("tbody tr").count() == 647
    classes = Counter(t.strip() for t in table.locator("tbody tr td:nth-child(4)")
                      .all_inner_texts())
    assert +classes == +expected
    # the EXEMPLE type is sparser than the town halls: some communes are 15 min or more away
    assert expected["moins de 10 min"] < 647
    screenshot(page, "diagnostic-type-exemple")
    violations = axe_violations(page, axe_source)
    assert not violations, [(v["id"], v["impact"], v["help"]) for v in violations]
    assert not page.js_errors


def test_zones_page_tables_and_axe(page, site, nord, axe_source):
    from sdaasp.diagnostic.zones.pipeline import compute_zones
    from sdaasp.diagnostic.zones.services import import_needs_file

    import_needs_file(FIX / "needs" / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                      departement="59")
    compute_zones("59", territory=nord)
    page.goto(site + "/zones/")
    page.wait_for_selector("#carte.leaflet-container")
    qpv = page.get_by_role("table", name=re.compile("QPV du département"))
    assert qpv.locator("tbody tr").count() == 2
    violations = axe_violations(page, axe_source)
    assert not violations, [(v["id"], v["impact"], v["help"]) for v in violations]
