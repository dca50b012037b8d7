"""Map explorer: page, GeoJSON base layers, layer registry and commune card hook."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict

import pytest

from sdaasp.diagnostic.territory.models import Commune
from sdaasp.web.explorer import cards, layers

pytestmark = pytest.mark.django_db


def _config(html: str) -> list[dict]:
    start = html.index('<script id="couches-config" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


def test_explorer_redirects_to_default_departement(client, nord_db):
    res = client.get("/carte/")
    assert res.status_code == 302 and res["Location"] == "/carte/59/"


def test_map_page_layers_and_tables(client, nord_db):
    html = client.get("/carte/59/").content.decode()
    assert "leaflet/leaflet.js" in html and "cdn" not in html.lower()
    config = {la["id"]: la for la in _config(html)}
    assert [k for k, v in config.items() if v["kind"] == "base"] == ["communes", "epci", "scot"]
    assert config["communes"]["url"] == "/territoire/59/communes.geojson"
    assert config["mairies"]["kind"] == "overlay"
    assert len(config["communes"]["legend"]) == 7
    # the tables below the map hold every commune, EPCI and SCoT
    assert html.count('class="commune-link"') == 647
    assert html.count("<caption>EPCI de Nord (17)</caption>") == 1
    assert "<caption>Territoires SCoT de Nord (7)</caption>" in html
    lille = Commune.objects.get(code="59350").population
    assert f'<td class="num">{lille:,}</td>'.replace(",", "\u00a0") in html


def test_tile_url_setting(client, nord_db, settings):
    assert 'data-tiles=""' in client.get("/carte/59/").content.decode()
    settings.SDAASP_TILE_URL = "https://tuiles.intranet.exemple/{z}/{x}/{y}.png"
    html = client.get("/carte/59/").content.decode()
    assert 'data-tiles="https://tuiles.intranet.exemple/{z}/{x}/{y}.png"' in html


def test_registered_layer_appears_only_when_its_url_resolves(client, nord_db):
    layer = layers.MapLayer("test-points", "Points de service", "absent:points_geojson")
    layers.register_layer(layer)
    try:
        ids = [la["id"] for la in _config(client.get("/carte/59/").content.decode())]
        assert "test-points" not in ids  # URL name does not resolve: silently left out
        layers.register_layer(layers.MapLayer(
            "test-points", "Points de service", "territory:mairies_geojson", query="type=A206",
            legend=(layers.LegendEntry("Point de service", "#000000", "point"),)))
        html = client.get("/carte/59/").content.decode()
        config = {la["id"]: la for la in _config(html)}
        assert config["test-points"]["url"] == "/territoire/59/mairies.geojson?type=A206"
        assert config["test-points"]["legend"] == [
            {"label": "Point de service", "colour": "#000000", "shape": "point"}]
        assert '<input type="checkbox" name="couche" value="test-points">' in html
    finally:
        layers.unregister_layer("test-points")
    with pytest.raises(ValueError):
        layers.register_layer(layers.MapLayer("x", "X", "home", kind="fond"))


def test_epci_and_scot_geojson_match_the_communes(client, nord_db):
    communes = list(Commune.objects.filter(departement="59").values_list(
        "population", "epci__siren", "epci__scot__code"))
    by_epci, by_scot = defaultdict(int), defaultdict(int)
    for pop, siren, scot in communes:
        by_epci[siren] += pop or 0
        by_scot[scot] += pop or 0
    epci = json.loads(client.get("/territoire/59/epci.geojson").content)
    assert len(epci["features"]) == 17
    assert {f["properties"]["code"]: f["properties"]["population"]
            for f in epci["features"]} == dict(by_epci)
    scot = json.loads(client.get("/territoire/59/scot.geojson").content)
    assert {f["properties"]["code"]: f["properties"]["population"]
            for f in scot["features"]} == dict(by_scot)
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in scot["features"])
    mairies = json.loads(client.get("/territoire/59/mairies.geojson").content)
    lille = next(f for f in mairies["features"] if f["properties"]["code"] == "59350")
    lon, lat = lille["geometry"]["coordinates"]
    assert 3.0 < lon < 3.1 and 50.6 < lat < 50.65


def test_geojson_is_gzipped_when_the_browser_accepts_it(client, nord_db):
    plain = client.get("/territoire/59/communes.geojson")
    zipped = client.get("/territoire/59/communes.geojson", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3


def test_commune_card_and_its_hook(client, nord_db):
    html = client.get("/carte/commune/59350/fiche/").content.decode()
    lille = Commune.objects.get(code="59350")
    assert "Lille <span class=\"code\">(59350)</span>" in html
    assert f"{lille.population:,}".replace(",", "\u00a0") + " hab." in html
    assert "Métropole Européenne de Lille" in html and "Lille Métropole" in html
    assert html.count('<p class="na">non disponible</p>') == len(cards.CARD_SECTIONS)

    def times(commune):
        if commune.code != "59350":
            return None  # missing is not zero
        return [cards.CardRow("Bureau de poste", "4 min")]

    cards.register_card_provider("acces", times)
    try:
        html = client.get("/carte/commune/59350/fiche/").content.decode()
        assert "<dt>Bureau de poste</dt><dd>4 min</dd>" in html
        assert html.count('<p class="na">non disponible</p>') == len(cards.CARD_SECTIONS) - 1
        other = client.get("/carte/commune/59017/fiche/").content.decode()
        assert other.count('<p class="na">non disponible</p>') == len(cards.CARD_SECTIONS)
        # the server-rendered page (no JavaScript, or a link from the table) shows it too
        page = client.get("/carte/59/?commune=59350").content.decode()
        assert "<dt>Bureau de poste</dt><dd>4 min</dd>" in page
    finally:
        cards.unregister_card_provider("acces", times)
    with pytest.raises(ValueError):
        cards.register_card_provider("meteo", times)
    assert client.get("/carte/commune/99999/fiche/").status_code == 404
