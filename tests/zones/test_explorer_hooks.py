"""The zones app in the map explorer: overlays by département and commune card sections."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sdaasp.diagnostic.zones.pipeline import compute_zones
from sdaasp.diagnostic.zones.services import import_needs_file

pytestmark = pytest.mark.django_db

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "needs"


def _config(html: str) -> list[dict]:
    m = re.search(r'<script id="couches-config" type="application/json">(.*?)</script>', html,
                  re.S)
    return json.loads(m.group(1)) if m else []


def test_overlays_registered_and_empty_before_any_run(client, nord_db):
    html = client.get("/carte/59/").content.decode()
    assert "Zones prioritaires du SDAASP" in html and "Quartiers prioritaires (QPV)" in html
    for name in ("qpv", "deficitaires", "prioritaires"):
        res = client.get(f"/zones/59/{name}.geojson")
        assert res.status_code == 200 and res.json()["features"] == []


def test_overlays_and_card_after_a_run(client, nord_db, nord, tmp_path):
    from sdaasp.needs.params import default_params_path

    import_needs_file(FIX / "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson", "mel-iris-2019",
                      departement="59")
    import_needs_file(FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                      departement="59")
    params = tmp_path / "p.toml"
    params.write_text(default_params_path().read_text(encoding="utf-8").replace(
        "seuil_minutes = 10", "seuil_minutes = 0"), encoding="utf-8")
    compute_zones("59", params_path=params, territory=nord)
    prio = client.get("/zones/59/prioritaires.geojson").json()["features"]
    assert {f["properties"]["code"] for f in prio} >= {"595120101"}
    assert all(f["properties"]["couleur"] == "#D7301F" for f in prio)
    assert len(client.get("/zones/59/qpv.geojson").json()["features"]) == 2
    card = client.get("/carte/commune/59512/fiche/").content.decode()
    assert "IRIS prioritaires" in card and "logement social" in card
    assert "Précarité" in card and "critique dans" in card
    other = client.get("/carte/commune/59350/fiche/").content.decode()  # a whole commune
    assert "Statut" in other and "Part des ménages sans voiture" not in other
