"""Map explorer: the service-points overlay offers one choice per type present in the
département, each reloading the same endpoint with ``?type=CODE``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sdaasp.diagnostic.offer.services import import_services

pytestmark = pytest.mark.django_db
OFFER_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "offer"


def _config(html: str) -> dict[str, dict]:
    start = html.index('<script id="couches-config" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return {la["id"]: la for la in json.loads(body)}


def test_service_points_layer_has_a_type_filter(client, nord_db):
    import_services(OFFER_FIXTURES / "france_services.geojson", source="france-services",
                    departement="59")
    import_services(OFFER_FIXTURES / "partenaires.csv", source="csv", departement="59")
    html = client.get("/carte/59/").content.decode()
    layer = _config(html)["offre-points"]
    assert layer["choice_param"] == "type"
    # the choices are exactly the types the (unfiltered) endpoint returns; their counts are
    # the département's own points, those beyond the border told apart
    every = json.loads(client.get(layer["url"]).content)["features"]
    counts = Counter(f["properties"]["type"] for f in every)
    own = Counter(f["properties"]["type"] for f in every
                  if not f["properties"]["hors_departement"])
    labels = {f["properties"]["type"]: f["properties"]["type_libelle"] for f in every}
    assert {c for c, _ in layer["choices"]} == set(counts) and "MAIRIE" in counts
    assert counts["FS_FIXE"] == own["FS_FIXE"] + 1  # the fixture's Pas-de-Calais one
    for code, label in layer["choices"]:
        hors = counts[code] - own[code]
        assert label == f"{labels[code]} ({own[code]}" + (
            f", + {hors} hors département" if hors else "") + ")"
        # what the explorer loads for this choice: only that type, every point of it
        got = json.loads(client.get(f"{layer['url']}?type={code}").content)["features"]
        assert Counter(f["properties"]["type"] for f in got) == {code: counts[code]}
    # a labelled <select> tied to the layer, one option per choice plus "Tous"
    assert '<label for="filtre-offre-points">' in html
    select = html[html.index('<select id="filtre-offre-points"'):]
    select = select[:select.index("</select>")]
    assert 'data-layer="offre-points"' in select and 'data-param="type"' in select
    assert select.count("<option") == len(counts) + 1


def test_no_filter_without_points(client, nord_db):
    """Without imported services the filter lists the town halls only."""
    layer = _config(client.get("/carte/59/").content.decode())["offre-points"]
    assert layer["choices"] == [["MAIRIE", "Mairie (647)"]]
