"""Inventory and map pages, and the GeoJSON endpoint reused by other maps."""

from __future__ import annotations

import html as htmllib
import json
import re

import pytest
from django.urls import reverse

from sdaasp.diagnostic.offer.models import ServicePoint
from sdaasp.diagnostic.offer.services import import_services

pytestmark = pytest.mark.django_db


@pytest.fixture()
def loaded(nord_db, fixtures):
    import_services(fixtures / "france_services.geojson", source="france-services",
                    departement="59")
    import_services(fixtures / "bpe_agrege.csv", source="bpe", departement="59")
    import_services(fixtures / "partenaires.csv", source="csv", departement="59")


def test_inventory_filters_and_pagination(client, loaded):
    html = client.get("/offre/59/").content.decode()
    # the département's own points only: the fixture's Pas-de-Calais ones are not counted
    n = ServicePoint.objects.filter(active=True, hors_departement=False).count() + 647
    assert ServicePoint.objects.filter(active=True, hors_departement=True).exists()
    assert f"{n}\u00a0points de service" in html or f"{n} points de service" in html
    assert "Page 1 sur" in html and "non disponible" in html
    one = client.get("/offre/59/?type=FS_FIXE").content.decode()
    assert "France Services — Lille Centre" in one and "Mairie de Lille" not in one
    assert "34" in one  # hours per week of the fixture, worked by hand in test_importers
    com = client.get("/offre/59/?commune=59350&source=bpe").content.decode()
    rows = re.findall(r"<tr><td>", com.split("<h2>Imports")[0])
    assert len(rows) == 6 and "École maternelle (59350)" in com  # 2 + 1 maternelles, 3 élém.
    mairies = client.get("/offre/59/?type=MAIRIE&page=2").content.decode()
    assert "Page 2 sur 13" in mairies  # 647 town halls, 50 per page
    assert client.get("/offre/").status_code == 302
    assert client.get("/offre/999/").status_code == 404


def test_map_page_uses_local_leaflet(client, loaded):
    html = client.get("/offre/59/carte/").content.decode()
    assert "leaflet/leaflet.js" in html and "offer/offer-map.js" in html
    assert "cdn" not in html.lower() and "inventaire" in html
    res = client.get("/static/offer/offer-map.js")
    body = b"".join(res.streaming_content)
    res.close()
    assert res.status_code == 200 and b"bindPopup" in body


def test_points_geojson_endpoint(client, loaded):
    url = reverse("offer:points_geojson", args=["59"])
    assert url == "/offre/59/points.geojson"
    data = json.loads(client.get(url + "?type=FS_FIXE&type=MAIRIE").content)
    types = {f["properties"]["type"] for f in data["features"]}
    # Lille Centre, the town halls, and the Pas-de-Calais one kept beyond the border
    assert types == {"FS_FIXE", "MAIRIE"} and len(data["features"]) == 1 + 647 + 1
    hors = [f["properties"] for f in data["features"] if f["properties"]["hors_departement"]]
    assert [(p["id"], p["commune"], p["situation"]) for p in hors] == [
        ("fs:9005", "62001", "hors département")]
    fs = next(f for f in data["features"] if f["properties"]["id"] == "fs:9001")
    assert fs["geometry"]["coordinates"] == pytest.approx([3.0710, 50.6309], abs=1e-5)
    assert fs["properties"]["nom"] == "France Services — Lille Centre"
    assert "jeudi 09:00-12:00, 13:30-19:00" in fs["properties"]["horaires"]
    lille = next(f for f in data["features"] if f["properties"]["id"] == "mairie:59350")
    assert lille["properties"]["horaires"]
    only_bpe = json.loads(client.get(url + "?source=bpe").content)
    assert len(only_bpe["features"]) == 7 and all(f["properties"]["approximatif"]
                                                  for f in only_bpe["features"])
    assert not only_bpe["tronque"]


def test_one_point_beyond_the_border_is_told_not_counted(client, loaded):
    """The fixtures' Pas-de-Calais France Services and BPE row (16 km from the Nord)."""
    html = client.get("/offre/59/").content.decode()
    text = htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)))
    assert ("1 point de service hors département (départements voisins ou pays frontalier, "
            "à moins de 30 km) est conservé comme destination pour les temps d'accès : il "
            "n'est pas compté dans cet inventaire. Il figure sur la carte, marqué « hors "
            "département ».") in text
    assert "Ablain-Saint-Nazaire" not in html
    page = client.get("/offre/59/carte/?type=FS_FIXE").content.decode()
    assert "1 point de service dans le département, 1 hors département à moins de 30 km" \
        in re.sub(r"\s+", " ", page)
