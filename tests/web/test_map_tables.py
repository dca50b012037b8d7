"""RGAA "a table beside every map": the offer map and the zones page list, on the same page,
the very features their map layers draw (compared with the GeoJSON the maps load)."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from sdaasp.diagnostic.offer.services import import_services
from sdaasp.web.offer import views as offer_views

pytestmark = pytest.mark.django_db
FIX = Path(__file__).resolve().parents[1] / "fixtures"


def _table(page: str, heading_id: str) -> list[list[str]]:
    """The body cells of the first table after the heading ``heading_id``, as text."""
    start = page.index(f'id="{heading_id}"')
    body = page[page.index("<tbody>", start):page.index("</tbody>", start)]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, re.S)] for r in rows]


@pytest.fixture
def offer(nord_db):
    import_services(FIX / "offer" / "france_services.geojson", source="france-services",
                    departement="59")
    import_services(FIX / "offer" / "partenaires.csv", source="csv", departement="59")


def test_offer_map_lists_the_points_it_draws(client, offer):
    page = client.get("/offre/59/carte/").content.decode()
    url = htmllib.unescape(re.search(r'data-geojson="([^"]+)"', page).group(1))
    feats = json.loads(client.get(url).content)["features"]
    rows = _table(page, "tableau-points")
    assert len(rows) == len(feats) > 647  # town halls and the imported points
    assert Counter((r[0], r[1]) for r in rows) == Counter(
        (f["properties"]["nom"], f["properties"]["type_libelle"]) for f in feats)
    assert 'href="#tableau-points"' in page
    one = client.get("/offre/59/carte/?type=FS_FIXE").content.decode()
    # the Pas-de-Calais one, kept beyond the border, is listed after the Nord's, and says so
    assert [[r[0], r[1], r[-1]] for r in _table(one, "tableau-points")] == [
        ["France Services — Lille Centre", "France Services (espace fixe)",
         "dans le département"],
        ["France Services — Ablain-Saint-Nazaire", "France Services (espace fixe)",
         "hors département"]]


def test_offer_map_too_many_points_links_to_the_filtered_inventory(client, offer,
                                                                  monkeypatch):
    monkeypatch.setattr(offer_views, "MAP_TABLE_MAX", 10)
    page = client.get("/offre/59/carte/?type=MAIRIE").content.decode()
    assert "trop pour un seul tableau" in page and 'href="/offre/59/?type=MAIRIE"' in page
    assert "<tbody>" not in page.split('id="tableau-points"')[1]


def test_zones_page_lists_deficit_units_and_qpv(client, nord_db, nord, tmp_path):
    from sdaasp.diagnostic.zones.pipeline import compute_zones
    from sdaasp.diagnostic.zones.services import import_needs_file
    from sdaasp.needs.params import default_params_path

    needs = FIX / "needs"
    import_needs_file(needs / "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson", "mel-iris-2019",
                      departement="59")
    import_needs_file(needs / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                      departement="59")
    params = tmp_path / "p.toml"
    params.write_text(default_params_path().read_text(encoding="utf-8").replace(
        "seuil_minutes = 10", "seuil_minutes = 0"), encoding="utf-8")
    run = compute_zones("59", params_path=params, territory=nord).run
    page = client.get("/zones/").content.decode()
    layer = f"/zones/calcul/{run.pk}/couches/"
    deficit = json.loads(client.get(layer + "deficitaires.geojson").content)["features"]
    rows = _table(page, "deficitaires")
    assert len(deficit) > 0
    assert sorted(re.search(r"\((\w+)\)$", r[0]).group(1) for r in rows) == sorted(
        f["properties"]["code"] for f in deficit)
    qpv = json.loads(client.get(layer + "qpv.geojson").content)["features"]
    assert sorted(r[0] for r in _table(page, "qpv")) == sorted(
        f["properties"]["code"] for f in qpv) and len(qpv) == 2
    for anchor in ("#zones", "#deficitaires", "#qpv", "#multiples"):
        assert f'href="{anchor}"' in page
