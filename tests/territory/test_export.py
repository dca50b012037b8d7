"""Each export format, re-read with geopandas / pandas."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from sdaasp.errors import SdaaspError
from sdaasp.territory.export import export_territory


def test_gpkg_has_one_layer_per_level(nord, tmp_path):
    out = export_territory(nord, tmp_path / "nord.gpkg", fmt="gpkg")
    layers = dict(pyogrio.list_layers(out))
    assert set(layers) == {"departement", "scot", "epci", "communes", "mairies"}
    communes = gpd.read_file(out, layer="communes")
    assert len(communes) == 647
    assert communes.crs.to_epsg() == 2154
    assert communes["population"].sum() == nord.communes["population"].sum()
    assert communes["code"].str.len().eq(5).all()  # codes stay strings ("59001")
    scot = gpd.read_file(out, layer="scot")
    assert len(scot) == 7
    dep = gpd.read_file(out, layer="departement")
    assert dep.loc[0, "population"] == int(nord.communes["population"].sum())
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left


def test_geojson_is_wgs84(nord, tmp_path):
    out = export_territory(nord, tmp_path / "epci.geojson", fmt="geojson", level="epci")
    epci = gpd.read_file(out)
    assert epci.crs.to_epsg() == 4326
    assert len(epci) == 17
    assert set(epci["scot_nom"].dropna()) >= {"Douaisis", "Cambrésis"}


def test_csv_for_spreadsheets(nord, tmp_path):
    out = export_territory(nord, tmp_path / "communes.csv", fmt="csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets detect UTF-8
    df = pd.read_csv(out, sep=";", decimal=",", dtype={"code": str, "epci_code": str},
                     encoding="utf-8-sig")
    assert len(df) == 647
    assert df["code"].str.startswith("59").all()
    assert df["population"].sum() == nord.communes["population"].sum()
    assert df["lat"].between(49.9, 51.2).all() and df["lon"].between(2.0, 4.3).all()


def test_missing_folder_is_refused(nord, tmp_path):
    with pytest.raises(SdaaspError, match="n'existe pas"):
        export_territory(nord, tmp_path / "absent" / "x.gpkg", fmt="gpkg")
