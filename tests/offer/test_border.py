"""Services beyond the border: the importers keep the points of neighbouring départements (and
foreign points of partners' files) within the import area's buffer, flagged
``hors_departement``; they are destinations, never the département's own offer.

The expected sets are computed here independently of the importers: straight from the files
(``json``, ``csv``, ``pyogrio``) with GeoPandas distances to the Nord's dissolved communes.
"""

from __future__ import annotations

import json
from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from sdaasp.errors import InputFileError, SdaaspError
from sdaasp.offer import DEFAULT_BUFFER_M, ImportArea, read_services

FS = ("france-services-2020", "france_services.geojson")
MSAP = ("msap-2018", "MSAP-20180627_geolocalisation_pole_emploi.shp")


@pytest.fixture(scope="module")
def nord_polygon(nord):
    """The Nord as one polygon, built with GeoPandas (not with the importers' code)."""
    return nord.communes[["geometry"]].dissolve().geometry.iloc[0]


def _distance_to(polygon, lon, lat) -> np.ndarray:
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(2154)
    return pts.distance(polygon).to_numpy()


# the buffer itself -------------------------------------------------------------------------------

def test_default_buffer_is_what_the_longest_threshold_reaches():
    from sdaasp.access import THRESHOLDS
    from sdaasp.offer import _geo

    assert _geo.LONGEST_THRESHOLD_MIN == max(THRESHOLDS) == 30
    assert DEFAULT_BUFFER_M == 30 / 60 * 60 * 1000 == 30_000.0  # 30 min at 60 km/h


def test_within_buffer_on_a_hand_worked_square():
    square = gpd.GeoDataFrame({"code": ["99001"]}, geometry=[shapely.box(0, 0, 10_000, 10_000)],
                              crs=2154)
    area = ImportArea("99", square, 2154, buffer_m=1_000)
    x = np.array([5_000, 10_999, 11_001, 10_700, 10_800, -990, np.nan])
    y = np.array([5_000, 5_000, 5_000, 10_700, 10_800, 5_000, 0])
    # inside; 999 m east; 1,001 m; corner at 990 m; corner at 1,131 m; 990 m west; unknown
    assert list(area.within_buffer(x, y)) == [True, True, False, True, False, True, False]
    assert area.buffered.area == pytest.approx(1e8 + 4 * 1e7 + np.pi * 1e6, rel=1e-3)
    assert not ImportArea("99", square, 2154, buffer_m=0).within_buffer(
        np.array([10_001.0]), np.array([5_000.0]))[0]
    for bad in (-1, float("nan"), float("inf"), "30"):
        with pytest.raises(SdaaspError, match="Zone tampon invalide"):
            ImportArea("99", square, 2154, buffer_m=bad)


# France Services 2020: the national file for the Nord ---------------------------------------------

@pytest.mark.shared_data
def test_france_services_keeps_the_nord_and_its_neighbours(shared_data, nord_area,
                                                           nord_polygon):
    path = shared_data.joinpath(*FS)
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    props = pd.DataFrame([f["properties"] for f in feats])
    dep = props["DEPARTEMENT"].astype(str).str.zfill(2)
    lon = np.array([f["geometry"]["coordinates"][0] for f in feats])
    lat = np.array([f["geometry"]["coordinates"][1] for f in feats])
    d = _distance_to(nord_polygon, lon, lat)
    neighbours = (dep != "59") & (d <= 30_000)
    expected = {f"fs:{m}": c for m, c in
                zip(props.loc[neighbours, "MATRICULE"], props.loc[neighbours, "insee_com"],
                    strict=True)}

    res = read_services(path, source="france-services", area=nord_area)
    pts = res.points.set_index("point_id")
    own = pts[~pts["hors_departement"]]
    away = pts[pts["hors_departement"]]
    assert len(own) == (dep == "59").sum() == 10
    assert own["commune_code"].str.startswith("59").all()
    assert dict(away["commune_code"]) == expected and len(expected) == 17
    assert res.border_points == 17 and res.other_departements == 908 - 10 - 17
    assert not res.excluded
    # the nearest neighbour (Libercourt, 1.2 km away) and the furthest kept (29.1 km) are in;
    # Ham (Somme, 30.8 km) is out
    names = set(away["nom"])
    assert "France Services — PIMMS de Libercourt" in names
    assert "France Services — Communauté de Communes des Portes de la Thiérache" in names
    assert "France Services — Ham" not in names
    summary = res.summary()
    assert "dont 10 dans le département et 17 hors département" in summary
    assert "zone tampon de 30 km" in summary and "881 ligne(s) d'autres départements" in summary

    # the buffer is configurable: 0 keeps the Nord's own, 10 km a subset
    none = read_services(path, source="france-services",
                         area=replace(nord_area, buffer_m=0))
    assert none.border_points == 0 and len(none.points) == 10
    ten = read_services(path, source="france-services",
                        area=replace(nord_area, buffer_m=10_000))
    near10 = {f"fs:{m}" for m in props.loc[(dep != "59") & (d <= 10_000), "MATRICULE"]}
    assert set(ten.points.loc[ten.points["hors_departement"], "point_id"]) == near10
    assert len(near10) == 6 and "km" in ten.summary() and "zone tampon de 10 km" in ten.summary()


# MSAP 2018: neighbours kept, bad geocodes still excluded ------------------------------------------

@pytest.mark.shared_data
def test_msap_neighbours_kept_and_bad_geocodes_excluded(shared_data, nord_area, nord_polygon):
    path = shared_data.joinpath(*MSAP)
    raw = pyogrio.read_dataframe(path)
    d = raw.geometry.distance(nord_polygon).to_numpy()
    postcode = raw["locatin"].str.extract(r"(\d{4,5})\s+[^,]+,\s*France\s*$")[0].str.zfill(5)
    away = (postcode.str[:2] != "59").to_numpy() & (d <= 30_000)
    # one of them is the « Place de la gare, 62820 Libercourt » geocoded at 62120
    # Aire-sur-la-Lys: a bad geocode, its position says nothing of the MSAP's
    bad = raw["locatin"].str.contains("62820 Libercourt").to_numpy()
    assert (away & bad).sum() == 1 and raw.loc[bad, "city"].iloc[0] == "Aire-sur-la-Lys"

    res = read_services(path, source="msap", area=nord_area)
    pts = res.points
    assert (~pts["hors_departement"]).sum() == 13
    assert pts["hors_departement"].sum() == (away & ~bad).sum() == 17
    assert set(pts.loc[pts["hors_departement"], "adresse"]) == set(raw.loc[away & ~bad,
                                                                            "locatin"])
    assert pts.loc[pts["hors_departement"], "commune_code"].isna().all()  # not in the file
    (excl,) = res.excluded
    assert "Libercourt" in excl.found and "Aire-sur-la-Lys" in excl.found
    assert "mal géocodée, exclue" in excl.found

    # a buffer wide enough to reach them: the known bad geocodes are still excluded
    wide = read_services(path, source="msap",
                         area=replace(nord_area, buffer_m=600_000))
    text = "\n".join(map(str, wide.excluded))
    assert "Allos" in text  # « 4260 Allos » geocoded in the Loire, 489 km from the Nord
    assert not wide.points["adresse"].str.contains("Allos|Izernore").any()
    nat = read_services(path, source="msap")
    assert "Izernore" in "\n".join(map(str, nat.excluded))  # geocoded in Lisbon


# partners' files: Belgian points within the buffer, Lisbon refused --------------------------------

PARTNERS = (
    "identifiant;nom;type;commune;lon;lat\n"
    "lille;Permanence de Lille;PERMANENCE;59350;3.0630;50.6370\n"
    "tournai;Permanence de Tournai (Belgique);PERMANENCE;;3.3886;50.6056\n"
    "arras;Permanence d'Arras;PERMANENCE;62041;2.7775;50.2910\n"
    "amiens;Permanence d'Amiens;PERMANENCE;80021;2.2958;49.8942\n"
    "arras-sans-position;Permanence sans position;PERMANENCE;62041;;\n"
    "lisbonne;Permanence mal géocodée;PERMANENCE;;-9.1400;38.7200\n"
    "contradiction;Déclarée à Lille, placée à Tournai;PERMANENCE;59350;3.3886;50.6056\n"
)


def test_partner_csv_keeps_a_belgian_point_and_refuses_lisbon(tmp_path, nord_area,
                                                              nord_polygon):
    d = dict(zip(["tournai", "arras", "amiens", "lisbonne"],
                 _distance_to(nord_polygon, [3.3886, 2.7775, 2.2958, -9.14],
                              [50.6056, 50.2910, 49.8942, 38.72]), strict=True))
    assert d["tournai"] < 30_000 and d["arras"] < 30_000 and d["amiens"] > 30_000
    f = tmp_path / "partenaires.csv"
    f.write_text(PARTNERS, encoding="utf-8")
    res = read_services(f, source="csv", area=nord_area)
    pts = res.points.set_index("point_id")
    assert list(pts.index) == ["csv:partenaires:lille", "csv:partenaires:tournai",
                               "csv:partenaires:arras"]
    assert list(pts["hors_departement"]) == [False, True, True]
    assert list(pts["commune_code"]) == ["59350", None, "62041"]  # declared commune kept
    # Amiens is beyond the buffer, the Arras row without a position cannot be placed
    assert res.other_departements == 2
    found = [p.found for p in res.excluded]
    assert len(found) == 2
    assert "Permanence mal géocodée" in found[0] and "mal géocodé, exclu" in found[0]
    assert "Déclarée à Lille" in found[1] and "position ou commune erronée" in found[1]
    with pytest.raises(InputFileError, match="--strict") as exc:
        read_services(f, source="csv", area=nord_area, strict=True)
    assert "Permanence mal géocodée" in str(exc.value)


def test_partner_geojson_keeps_a_belgian_point(tmp_path, nord_area):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"identifiant": "mouscron", "nom": "Permanence de "
                                           "Mouscron", "type": "PERMANENCE"},
         "geometry": {"type": "Point", "coordinates": [3.2167, 50.7436]}},
        {"type": "Feature", "properties": {"identifiant": "lisbonne", "nom": "Au Portugal",
                                           "type": "PERMANENCE"},
         "geometry": {"type": "Point", "coordinates": [-9.14, 38.72]}}]}
    f = tmp_path / "partenaires.geojson"
    f.write_text(json.dumps(fc), encoding="utf-8")
    res = read_services(f, source="geojson", area=nord_area)
    (p,) = res.points.itertuples()
    assert p.point_id == "geojson:partenaires:mouscron" and p.hors_departement
    assert p.commune_code is None and p.lon == pytest.approx(3.2167)
    assert len(res.excluded) == 1 and "Au Portugal" in res.excluded[0].found


# BPE ---------------------------------------------------------------------------------------------

def test_bpe_rows_of_other_departements(tmp_path, nord_area, nord_polygon):
    rows = [  # Lambert-93: Arras, Boulogne-sur-Mer, a row of 62 without coordinates, Lille
        ("62041", "684900", "7022400"), ("62160", "599700", "7067700"), ("62041", "", ""),
        ("59350", "704100", "7059300")]
    xy = gpd.GeoSeries(gpd.points_from_xy([684_900, 599_700], [7_022_400, 7_067_700]),
                       crs=2154)
    dist = xy.distance(nord_polygon).to_numpy()
    assert dist[0] < 30_000 < dist[1]
    f = tmp_path / "bpe.csv"
    f.write_text("AN;DEPCOM;TYPEQU;LAMBERT_X;LAMBERT_Y;QUALITE_XY\n" + "".join(
        f"2021;{c};A206;{x};{y};Bonne\n" for c, x, y in rows), encoding="utf-8")
    res = read_services(f, source="bpe", area=nord_area)
    pts = res.points
    assert sorted(zip(pts["commune_code"], pts["hors_departement"], strict=True)) == [
        ("59350", False), ("62041", True)]
    assert len(pts) == 2 and res.other_departements == 2 and not res.excluded
