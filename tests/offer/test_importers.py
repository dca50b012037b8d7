"""Each importer on hand-written fixtures in the official formats and on the real files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.errors import InputFileError
from sdaasp.offer import POINT_COLUMNS, read_services
from sdaasp.offer.importers.anct import repair_mojibake


def _check_contract(df: pd.DataFrame) -> None:
    assert list(df.columns[: len(POINT_COLUMNS)]) == POINT_COLUMNS
    assert df["point_id"].is_unique
    assert df["x"].dtype == float and df["y"].dtype == float and df["capacity"].dtype == float
    assert df["approximate"].dtype == bool and df["hors_departement"].dtype == bool
    # a point beyond the border may have an unknown commune (None), never the text "None"
    own = ~df["hors_departement"]
    assert all(isinstance(v, str) for v in df.loc[own, "commune_code"])
    assert all(v is None or (isinstance(v, str) and v != "None")
               for v in df.loc[~own, "commune_code"])


# BPE ------------------------------------------------------------------------------------------

def test_bpe_detailed_fixture(fixtures, nord_area, nord):
    res = read_services(fixtures / "bpe_detail.csv", source="bpe", area=nord_area)
    pts = res.points.set_index("point_id", drop=False)
    _check_contract(res.points)
    # the Pas-de-Calais row (Ablain-Saint-Nazaire, 16 km from the Nord) is kept beyond the
    # border with its commune; before the border buffer it was skipped as another département's
    assert res.rows_read == 7 and res.other_departements == 0 and res.year == 2021
    assert len(pts) == 7 and not res.excluded and res.border_points == 1
    away = pts[pts["hors_departement"]]
    assert list(away["commune_code"]) == ["62001"] and not away["approximate"].any()
    pts = pts[~pts["hors_departement"]]
    assert len(pts) == 6
    assert [w.found.split()[1] for w in res.warnings] == ["B999"]  # well-formed, undescribed
    lille = pts[pts["commune_code"] == "59350"]
    assert len(lille) == 2 and lille["point_id"].nunique() == 2  # two post offices, same spot
    assert np.allclose(lille[["x", "y"]].to_numpy(), [[705100.0, 7059400.0]] * 2)
    cambrai = pts[pts["commune_code"] == "59122"].iloc[0]  # "Non géolocalisé"
    com = nord.communes.set_index("code").geometry["59122"]
    assert cambrai["approximate"] and com.contains(shapely.Point(cambrai["x"], cambrai["y"]))
    assert pts[pts["commune_code"] == "59606"].iloc[0]["approximate"]  # QUALITE_XY Mauvaise
    assert not pts[pts["commune_code"] == "59183"].iloc[0]["approximate"]
    again = read_services(fixtures / "bpe_detail.csv", source="bpe", area=nord_area)
    assert list(again.points["point_id"]) == list(res.points["point_id"])  # stable ids


def test_bpe_rows_without_coordinates_stay_distinct(tmp_path, nord_area):
    f = tmp_path / "bpe.csv"
    f.write_text("AN;DEPCOM;DCIRIS;TYPEQU;LAMBERT_X;LAMBERT_Y;QUALITE_XY\n"
                 + "2021;59122;59122;D201;;;Non géolocalisé\n" * 3, encoding="utf-8")
    res = read_services(f, source="bpe", area=nord_area)
    assert len(res.points) == 3 and res.points["point_id"].is_unique
    assert res.points["approximate"].all()
    again = read_services(f, source="bpe", area=nord_area)
    assert list(again.points["point_id"]) == list(res.points["point_id"])


def test_bpe_coordinates_with_spaces_or_decimal_comma(tmp_path, nord_area):
    f = tmp_path / "bpe.csv"
    f.write_text("AN;DEPCOM;DCIRIS;TYPEQU;LAMBERT_X;LAMBERT_Y;QUALITE_XY\n"
                 "2021;59350;59350;A206; 705100,5 ;7059400.25;Bonne\n", encoding="utf-8")
    p = read_services(f, source="bpe", area=nord_area).points.iloc[0]
    assert (p["x"], p["y"]) == (705100.5, 7059400.25)


def test_bpe_cp1252_zipped(fixtures, nord_area, tmp_path):
    text = (fixtures / "bpe_detail.csv").read_text(encoding="utf-8")
    z = tmp_path / "bpe21_ensemble_xy_csv.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("bpe21_ensemble_xy.csv", text.encode("cp1252"))
    res = read_services(z, source="bpe", area=nord_area, year=2021)
    plain = read_services(fixtures / "bpe_detail.csv", source="bpe", area=nord_area)
    pd.testing.assert_frame_equal(res.points, plain.points)
    assert res.file_name.endswith(":bpe21_ensemble_xy.csv")


def test_bpe_refused_with_every_problem(fixtures, nord_area):
    with pytest.raises(InputFileError) as exc:
        read_services(fixtures / "bpe_detail_bad.csv", source="bpe", area=nord_area)
    (p,) = exc.value.problems
    assert (p.line, p.field) == (8, "TYPEQU") and "X999" in p.found
    with pytest.raises(InputFileError) as exc:
        read_services(fixtures / "bpe_detail.csv", source="bpe", area=nord_area, year=2020)
    assert len(exc.value.problems) == 7 and {p.field for p in exc.value.problems} == {"AN"}


def test_bpe_aggregated_fixture(fixtures, nord_area, nord):
    res = read_services(fixtures / "bpe_agrege.csv", source="bpe", area=nord_area)
    pts = res.points
    _check_contract(pts)
    assert len(pts) == 2 + 1 + 3 + 1 and res.other_departements == 1
    assert pts["approximate"].all()
    assert Counter(pts["type_code"]) == {"C101": 3, "C104": 3, "C201": 1}
    geoms = nord.communes.set_index("code").geometry
    for r in pts.itertuples():
        assert geoms[r.commune_code].contains(shapely.Point(r.x, r.y))


def test_bpe_aggregated_uses_iris_points(fixtures, nord_area):
    from sdaasp.offer.importers.bpe import read_bpe

    iris = pd.DataFrame({"x": [705500.0], "y": [7059500.0]}, index=["59350_0101"])
    res = read_bpe(fixtures / "bpe_agrege.csv", area=nord_area, iris_points=iris)
    at_iris = res.points[res.points["point_id"].str.contains("59350_0101")]
    assert len(at_iris) == 5 and (at_iris["x"] == 705500.0).all()


@pytest.mark.shared_data
def test_bpe_2018_teaching_counts_of_nord(shared_data, nord_area):
    path = shared_data / "bpe" / "bpe18_enseignement_dep59.csv"
    res = read_services(path, source="bpe", area=nord_area, year=2018)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    known = set(nord_area.communes["code"])
    expected = Counter()
    for r in rows:  # independent count: NB_EQUIP per TYPEQU, communes of today's territory
        if r["DEPCOM"] in known:
            expected[r["TYPEQU"]] += int(r["NB_EQUIP"])
    assert Counter(res.points["type_code"]) == expected
    assert sum(expected.values()) == 2890  # 2,891 equipments, one in a commune since merged
    lost = {r["DEPCOM"] for r in rows} - known
    assert len(res.excluded) == sum(int(r["NB_EQUIP"]) for r in rows if r["DEPCOM"] in lost)
    assert all(c in str(res.excluded) for c in lost)
    assert res.points["approximate"].all()


# France Services -------------------------------------------------------------------------------

def test_france_services_fixture(fixtures, nord_area):
    res = read_services(fixtures / "france_services.geojson", source="france-services",
                        area=nord_area)
    pts = res.points.set_index("point_id")
    _check_contract(res.points)
    assert list(pts.index) == ["fs:9001", "fs:9002", "fs:9003", "fs:9005"]
    assert list(pts["type_code"]) == ["FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "FS_FIXE"]
    # the Pas-de-Calais one (16 km away) is a destination beyond the border, not skipped
    assert list(pts["hors_departement"]) == [False, False, False, True]
    assert pts.loc["fs:9005", "commune_code"] == "62001" and res.other_departements == 0
    assert len(res.excluded) == 1 and "Point mal géocodé" in str(res.excluded[0])
    lille = pts.loc["fs:9001"]
    assert lille["hours_per_week"] == 6.5 + 6.5 + 3 + 8.5 + 6.5 + 3  # worked by hand
    assert lille["saturday_open"] and lille["evening_open"] and lille["days_open"] == 6
    assert pts.loc["fs:9002", "itinerant"] and pd.isna(pts.loc["fs:9002", "hours_per_week"])
    assert pd.isna(pts.loc["fs:9003", "hours_per_week"])  # nothing filled in: unknown
    with pytest.raises(InputFileError) as exc:
        read_services(fixtures / "france_services.geojson", source="france-services",
                      area=nord_area, strict=True)
    assert "Point mal géocodé" in str(exc.value) and "--strict" in str(exc.value)


@pytest.mark.shared_data
def test_france_services_of_nord(shared_data, nord_area):
    d = shared_data / "france-services-2020"
    sub = read_services(d / "france_services_dep59.geojson", source="france-services",
                        area=nord_area)
    nat = read_services(d / "france_services.geojson", source="france-services",
                        area=nord_area)
    assert len(sub.points) == 10 and not sub.excluded and sub.border_points == 0
    own = nat.points[~nat.points["hors_departement"]].reset_index(drop=True)
    # the neighbours (test_border.py) make some columns float (NaN where theirs are unknown)
    pd.testing.assert_frame_equal(sub.points, own, check_dtype=False)
    raw = json.loads((d / "france_services_dep59.geojson").read_text(encoding="utf-8"))
    assert sorted(sub.points["commune_code"]) == sorted(
        f["properties"]["insee_com"] for f in raw["features"])
    assert nat.other_departements == 908 - 10 - nat.border_points
    everything = read_services(d / "france_services.geojson", source="france-services")
    assert len(everything.points) + len(everything.excluded) == 908
    assert {"FS_FIXE", "FS_ITINERANT", "FS_ANTENNE"} == set(everything.points["type_code"])


# MSAP ------------------------------------------------------------------------------------------

def _msap_shapefile(tmp_path):
    pts = gpd.GeoDataFrame(
        {"locatin": ["1 place du Général de Gaulle, 59350 Lille, France",
                     "Place Charles Valentin, 59140 Dunkerque, France",
                     "551 Grande Rue, 1580 Izernore, France"],
         "postcod": ["59000", "59140", "1500-554"],
         "name": ["Place du GÃ©nÃ©ral de Gaulle", "", ""]},
        geometry=[shapely.Point(705050, 7059300), shapely.Point(656200, 7104800),
                  shapely.Point(-362913.1, 5818244.5)], crs=2154)
    path = tmp_path / "MSAP-test.shp"
    pts.to_file(path, engine="pyogrio")
    return path


def test_msap_fixture(tmp_path, nord_area):
    path = _msap_shapefile(tmp_path)
    res = read_services(path, source="msap", area=nord_area)
    assert list(res.points["nom"]) == ["MSAP de Lille", "MSAP de Dunkerque"]
    assert list(res.points["commune_code"]) == ["59350", "59183"]
    assert res.other_departements == 1
    whole = read_services(path, source="msap")
    assert len(whole.points) == 2 and "Izernore" in str(whole.excluded)
    with pytest.raises(InputFileError):
        read_services(path, source="msap", strict=True)
    assert repair_mojibake("Place du GÃ©nÃ©ral") == "Place du Général"


@pytest.mark.shared_data
def test_msap_of_nord_and_bad_geocodes(shared_data, nord_area):
    shp = shared_data / "msap-2018" / "MSAP-20180627_geolocalisation_pole_emploi.shp"
    res = read_services(shp, source="msap", area=nord_area)
    own = res.points[~res.points["hors_departement"]]
    assert len(own) == 13  # the MSAP beyond the border: see test_border.py
    assert not [p for p in res.excluded if "(59" in p.expected]  # none of the Nord's excluded
    names = set(own["nom"])
    assert {"MSAP de Anor", "MSAP de Cassel", "MSAP de Hondschoote"} <= names
    nat = read_services(shp, source="msap")
    assert len(nat.points) + len(nat.excluded) == 980
    text = "\n".join(map(str, nat.excluded))
    assert "Izernore" in text and "lon -9.1778" in text  # geocoded in Lisbon
    assert "Allos" in text  # "4260 Allos" lost its leading zero and was geocoded elsewhere
    lonlat = nat.points[["x", "y"]].to_numpy()
    assert np.isfinite(lonlat).all()
    for p in nat.excluded:
        assert "exclu" in p.found and "MSAP de" in p.found  # reported by name


# generic formats -------------------------------------------------------------------------------

def test_generic_csv(fixtures, nord_area, nord):
    res = read_services(fixtures / "partenaires.csv", source="csv", area=nord_area)
    pts = res.points.set_index("point_id")
    _check_contract(res.points)
    assert list(pts.index) == ["csv:partenaires:caf-1", "csv:partenaires:cnum-1",
                               "csv:partenaires:bus-1"]
    assert list(pts["capacity"].fillna(-1)) == [4.0, 1.0, -1]
    cnum = pts.loc["csv:partenaires:cnum-1"]
    assert abs(cnum["x"] - 711400) < 0.01 and abs(cnum["y"] - 7069700) < 0.01
    assert cnum["hours_per_week"] == 4.5 * 2 + 3 and cnum["evening_open"]
    bus = pts.loc["csv:partenaires:bus-1"]
    assert bus["approximate"] and bus["itinerant"] and bus["commune_code"] == "59606"
    assert pts.loc["csv:partenaires:caf-1", "hours_per_week"] == 5 * 6.5


def test_generic_geojson(fixtures, nord_area):
    res = read_services(fixtures / "partenaires.geojson", source="geojson", area=nord_area)
    assert list(res.points["type_code"]) == ["A206", "PERMANENCE"]
    assert list(res.points["commune_code"]) == ["59009", "59183"]
    assert res.points["capacity"].iloc[1] == 2.0


def test_generic_csv_collects_every_problem(tmp_path, nord_area):
    f = tmp_path / "p.csv"
    f.write_text("nom,type,lon,lat,capacite,itinerant,horaires,identifiant\n"
                 ",A206,3.05,50.6,,,,a\n"
                 "X,ZZZZ,3.05,50.6,-1,peut-être,lundi,a\n"
                 "Y,MAIRIE,abc,,,,,\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_services(f, source="csv", area=nord_area)
    fields = Counter(p.field for p in exc.value.problems)
    assert fields == {"nom": 1, "type": 1, "capacite": 1, "itinerant": 1,  # unreadable horaires
                      "identifiant": 1, "lon": 1, "lon/lat ou x/y": 1}  # are kept (test_hours)
    assert {p.line for p in exc.value.problems} == {2, 3, 4}


def test_nul_characters_never_reach_the_database(tmp_path, fixtures, nord_area):
    f = tmp_path / "p.csv"
    f.write_bytes(b"nom;type;commune\nA\x00B;MAIRIE;59350\n")
    with pytest.raises(InputFileError, match="caractère nul"):
        read_services(f, source="csv", area=nord_area)
    g = tmp_path / "p.geojson"
    g.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
                 '{"type": "Point", "coordinates": [3.07, 50.63]}, "properties": '
                 '{"nom": "A\\u0000B", "type": "MAIRIE"}}]}', encoding="utf-8")
    assert read_services(g, source="geojson", area=nord_area).points["nom"].tolist() == ["AB"]


def test_unknown_source_and_missing_file(tmp_path):
    from sdaasp.errors import SdaaspError

    with pytest.raises(SdaaspError):
        read_services(tmp_path / "x.csv", source="osm")
    with pytest.raises(InputFileError):
        read_services(tmp_path / "absent.csv", source="bpe")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError):
        read_services(empty, source="bpe")
    assert io  # keep the import for readers of the test
