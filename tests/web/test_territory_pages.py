"""Territory pages through the Django test client, on the real Nord territory."""

from __future__ import annotations

import json
import re

import pytest

from sdaasp.diagnostic.territory.models import Commune, Departement, Epci, Mairie, Scot

pytestmark = pytest.mark.django_db


def test_home_is_french_and_lists_nord(client, nord_db):
    res = client.get("/")
    html = res.content.decode()
    assert res.status_code == 200
    assert '<html lang="fr">' in html
    assert "Nord (59)" in html and "2\u00a0604\u00a0361" in html


def test_home_empty_state(client, django_db_blocker):
    Departement.objects.all().delete()
    html = client.get("/").content.decode()
    assert "Aucun territoire chargé" in html and "sdaasp territory build 59" in html


def test_saved_counts_and_idempotent_rebuild(nord_db, nord):
    from sdaasp.diagnostic.territory.services import save_territory

    for _ in range(2):  # second save must update, never duplicate
        assert Commune.objects.filter(departement="59").count() == 647
        assert Epci.objects.filter(departement="59").count() == 17
        assert Scot.objects.filter(departement="59").count() == 7
        assert Mairie.objects.filter(commune__departement="59").count() == 647
        total = sum(Commune.objects.values_list("population", flat=True))
        assert total == int(nord.communes["population"].sum())
        save_territory(nord)
    # every commune reaches exactly one SCoT through its EPCI
    assert not Commune.objects.filter(departement="59", epci__scot=None).exists()


def test_map_page_and_geojson(client, nord_db):
    res = client.get("/territoire/59/carte/")  # old address: the map explorer replaces it
    assert res.status_code == 302 and res["Location"] == "/carte/59/"
    html = client.get("/carte/59/").content.decode()
    assert "leaflet/leaflet.js" in html and "cdn" not in html.lower()
    assert "SCoT Lille Métropole" in html  # legend
    res = client.get("/territoire/59/communes.geojson")
    assert res.status_code == 200
    data = json.loads(res.content)
    assert len(data["features"]) == 647
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert props["59350"]["nom"] == "Lille" and props["59350"]["scot"] == "Lille Métropole"
    assert props["59350"]["population"] == Commune.objects.get(code="59350").population
    colours = {p["scot"]: p["couleur"] for p in props.values()}
    assert len(set(colours.values())) == 7
    # light enough for the browser: simplified geometries
    assert len(res.content) < 2_500_000


def test_leaflet_served_locally(client, nord_db):
    res = client.get("/static/leaflet/leaflet.js")
    assert res.status_code == 200
    assert b"Leaflet" in b"".join(res.streaming_content)[:2000]


def test_table_sorting(client, nord_db):
    html = client.get("/territoire/59/tableau/?niveau=communes&tri=population&ordre=desc")
    text = html.content.decode()
    assert html.status_code == 200
    codes = re.findall(r"<tr><td>(59\d{3})</td>", text)
    assert len(codes) == 100  # first page
    expected = [c for c, _ in sorted(
        Commune.objects.values_list("code", "population"), key=lambda r: (-r[1], r[0]))][:100]
    assert codes == expected and codes[0] == "59350"  # Lille first
    assert 'aria-sort="descending"' in text
    epci = client.get("/territoire/59/tableau/?niveau=epci&tri=population&ordre=asc")
    body = epci.content.decode()
    assert body.index("Flandre Lys") < body.index("Métropole Européenne de Lille")
    scot = client.get("/territoire/59/tableau/?niveau=scot&tri=nom").content.decode()
    names = ["Cambrésis", "Douaisis", "Flandre Intérieure", "Flandre Maritime",
             "Lille Métropole", "Sambre-Avesnois", "Valenciennes"]
    positions = [scot.index(n, scot.index("<tbody>")) for n in names]
    assert positions == sorted(positions)


def test_unknown_departement_page_is_404(client, nord_db):
    assert client.get("/territoire/999/carte/").status_code == 404


def test_computations_use_the_held_territory(nord_db, tmp_path):
    """A rebuild with the user's grouping is what diagnostics and zones compute on."""
    from sdaasp.diagnostic.territory.loading import held_territory
    from sdaasp.diagnostic.territory.services import save_territory
    from sdaasp.territory import build_territory

    path = tmp_path / "g.toml"
    path.write_text('departement = "59"\nnom = "MEL seule"\n[[territoire]]\ncode = "mel"\n'
                    'nom = "MEL"\nepci = ["200093201"]\n', encoding="utf-8")
    save_territory(build_territory("59", grouping=path))
    held, saved = held_territory("59")
    assert not saved
    assert list(held.scot["code"]) == ["mel"]
    assert int(held.communes["scot_code"].notna().sum()) == 95
    assert len(held.communes) == 647 and len(held.mairies) == 647
    corse, saved = held_territory("2a")
    assert saved and corse.code == "2A"
    assert Departement.objects.filter(code="2A").exists()
