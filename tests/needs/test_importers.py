"""Importers of INSEE and ANCT files, on hand-written fixtures in the official formats."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.errors import InputFileError, SdaaspError
from sdaasp.needs import (
    read_census,
    read_coverage,
    read_filosofi,
    read_mel_iris,
    read_qpv,
)

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "needs"


def _value(src, indicator, code):
    v = src.values
    row = v[(v["indicator"] == indicator) & (v["code"] == code)]
    assert len(row) == 1, (indicator, code)
    return row.iloc[0]


def test_census_population_base_iris():
    src = read_census(FIX / "base-ic-evol-struct-pop-2019.csv")
    assert (src.kind, src.level, src.vintage) == ("recensement", "iris", "2019")
    assert "2019" in src.label and "IRIS" in src.label
    assert src.indicators() == ["part_65_plus", "part_75_plus", "population"]
    assert _value(src, "population", "595120101")["value"] == 2000
    assert _value(src, "part_75_plus", "595120101")["value"] == pytest.approx(150 / 2000)
    # an empty cell is missing, not zero: the ratio is not available
    assert math.isnan(_value(src, "part_65_plus", "595120102")["value"])
    assert _value(src, "part_75_plus", "595120102")["value"] == pytest.approx(60.02 / 1500.5)
    assert _value(src, "population", "590130000")["commune_code"] == "59013"
    assert len(src.sha256) == 64


@pytest.mark.parametrize(("name", "indicator", "code", "expected"), [
    ("base-ic-logement-2019.csv", "logement_social", "595120101", 400 / 1000),
    ("base-ic-logement-2019.csv", "menages_sans_voiture", "595120101", (1000 - 550) / 1000),
    ("base-ic-logement-2019.csv", "menages_sans_voiture", "590130000", (580 - 551) / 580),
    ("base-ic-activite-residents-2019.csv", "chomage", "595120101", 225 / 900),
    ("base-ic-couples-familles-menages-2019.csv", "monoparentalite", "595120101", 150 / 500),
    ("base-ic-diplomes-formation-2019.csv", "sans_diplome", "595120102", 220 / 1100),
    ("base-cc-logement-2019.csv", "menages_sans_voiture", "59350", (116000 - 74240) / 116000),
])
def test_census_themes(name, indicator, code, expected):
    src = read_census(FIX / name)
    row = _value(src, indicator, code)
    assert row["value"] == pytest.approx(expected)
    assert row["numerator"] / row["denominator"] == pytest.approx(expected)
    assert "2019" in src.definitions[indicator] or "P19" in src.definitions[indicator] \
        or "C19" in src.definitions[indicator]


def test_census_commune_level():
    src = read_census(FIX / "base-cc-logement-2019.csv")
    assert src.level == "commune"
    assert set(src.values["code"]) == {"59512", "59013", "59350"}
    assert (src.values["code"] == src.values["commune_code"]).all()


def test_census_refuses_bad_cells_with_line_and_field():
    with pytest.raises(InputFileError) as err:
        read_census(FIX / "base-ic-evol-struct-pop-2019-erreurs.csv")
    msg = str(err.value)
    assert "rien n'a été enregistré" in msg
    assert "ligne 2, champ « P19_POP65P »" in msg and "'trois cents'" in msg
    assert "ligne 3, champ « IRIS »" in msg and "59512010" in msg
    assert "ligne 3, champ « P19_POP75P »" in msg and "'-60'" in msg
    assert len(err.value.problems) == 3


def test_census_refuses_unknown_file(tmp_path):
    p = tmp_path / "autre.csv"
    p.write_text("IRIS;COM;X\n595120101;59512;1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"au moins une variable|variables du recensement"):
        read_census(p)
    p.write_text("CODE;P19_POP\n59512;1\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"IRIS .* CODGEO"):
        read_census(p)


def test_missing_file_is_a_french_error(tmp_path):
    with pytest.raises(SdaaspError, match="Fichier introuvable"):
        read_census(tmp_path / "absent.csv")


def test_filosofi_communes_decimal_comma_and_secret():
    src = read_filosofi(FIX / "cc_filosofi_2019_COM-extrait.csv")
    assert (src.kind, src.level, src.vintage) == ("filosofi", "commune", "2019")
    roubaix = _value(src, "pauvrete", "59512")
    assert roubaix["value"] == pytest.approx(0.434)
    assert roubaix["denominator"] == 93000  # persons in fiscal households: the weight
    assert roubaix["numerator"] == pytest.approx(0.434 * 93000)
    assert math.isnan(_value(src, "pauvrete", "59013")["value"])  # "s": secret, not 0
    assert _value(src, "pauvrete", "59350")["value"] == pytest.approx(0.252)


def test_filosofi_iris():
    src = read_filosofi(FIX / "BASE_TD_FILO_DISP_IRIS_2019-extrait.csv")
    assert src.level == "iris"
    assert _value(src, "pauvrete", "595120101")["value"] == pytest.approx(0.412)
    assert math.isnan(_value(src, "pauvrete", "595120102")["value"])
    assert "DISP_TP6019" in src.definitions["pauvrete"]


def test_filosofi_refuses_rate_over_100(tmp_path):
    p = tmp_path / "filo.csv"
    p.write_text("CODGEO;TP6019\n59512;143,4\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="ligne 2, champ « TP6019 »"):
        read_filosofi(p)


def test_coverage():
    src = read_coverage(FIX / "couverture-fixe.csv")
    assert _value(src, "sans_bon_debit", "59013")["value"] == pytest.approx(0.3)
    assert src.vintage == "2024T4"


@pytest.mark.parametrize("name", ["IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-extrait.csv",
                                  "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson"])
def test_mel_extract_maps_columns_and_merges_duplicated_iris(name):
    src = read_mel_iris(FIX / name)
    assert src.kind == "mel-iris-2019" and src.level == "iris"
    # 595120102 is on two lines with the same census values: household counts are added
    chom = _value(src, "chomage", "595120102")
    assert chom["value"] == pytest.approx((5 + 5) / (45 + 5 + 25 + 5))
    assert _value(src, "population", "595120102")["value"] == 1500
    assert len(src.notes) == 1 and "595120102" in src.notes[0]
    assert _value(src, "logement_social", "595120101")["value"] == pytest.approx(40 / 80)
    assert _value(src, "part_75_plus", "590130000")["value"] == pytest.approx(120 / 1450)
    assert math.isnan(_value(src, "chomage", "590130000")["value"])  # empty: not zero
    assert "6 à 15 ans" in src.definitions["chomage"]
    if name.endswith(".geojson"):
        assert src.geometry is not None and len(src.geometry) == 3
        assert src.geometry.crs.to_epsg() == 2154


def test_mel_extract_refuses_missing_columns():
    with pytest.raises(InputFileError) as err:
        read_mel_iris(FIX / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-sans-colonnes.csv")
    msg = str(err.value)
    assert "2 colonne(s)" in msg and "LOGSOCIAL" in msg and "NB_FOYERS_COLLEGIENS" in msg


def test_mel_extract_refuses_conflicting_duplicates(tmp_path):
    text = (FIX / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-extrait.csv").read_text()
    p = tmp_path / "mel.csv"
    p.write_text(text.replace("2,595120102,59512,Roubaix,0102,Centre-Ville 2,H,1500.0",
                              "2,595120102,59512,Roubaix,0102,Centre-Ville 2,H,1600.0"))
    with pytest.raises(InputFileError, match="ligne 4, champ « CODE_IRIS »"):
        read_mel_iris(p)


def test_qpv_2024_contours_merged_by_code():
    qpv, meta = read_qpv(FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson")
    assert list(qpv["code"]) == ["QN05901M", "QN05902M"]
    assert qpv.crs.to_epsg() == 2154
    assert qpv.loc[0, "communes"] == "59512,59599"
    assert meta["vintage"] == "2024" and len(meta["sha256"]) == 64
    # the two halves of QN05901M touch: merged into one polygon of their total area
    src = gpd.read_file(FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson").to_crs(2154)
    assert qpv.geometry.iloc[0].area == pytest.approx(src.geometry.iloc[:2].area.sum(),
                                                       rel=1e-6)


def test_qpv_2015_shapefile(tmp_path):
    gdf = gpd.GeoDataFrame({"CODE_QP": ["QP059001"], "NOM_QP": ["Bourgogne"],
                            "COMMUNE_QP": ["Tourcoing"]},
                           geometry=[shapely.box(705000, 7070000, 706000, 7071000)], crs=2154)
    path = tmp_path / "QP_METROPOLE_LB93.shp"
    gdf.to_file(path)
    qpv, meta = read_qpv(path)
    assert meta["vintage"] == "2015"
    assert qpv.loc[0, "nom"] == "Bourgogne"
    assert qpv.geometry.iloc[0].area == pytest.approx(1e6)


def test_qpv_refuses_missing_code(tmp_path):
    gdf = gpd.GeoDataFrame({"nom": ["x"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=2154)
    path = tmp_path / "qpv.geojson"
    gdf.to_file(path, driver="GeoJSON")
    with pytest.raises(InputFileError, match="code_qp"):
        read_qpv(path)


def test_population_in_qpv_areal_weighting():
    from sdaasp.needs import population_in_qpv

    areas = gpd.GeoDataFrame({"population": [1000.0, 400.0, np.nan]},
                             geometry=[shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100),
                                       shapely.box(0, 100, 100, 200)], crs=2154)
    qpv = gpd.GeoDataFrame({"code": ["QN1", "QN2"]},
                           geometry=[shapely.box(50, 0, 150, 50), shapely.box(0, 0, 10, 10)],
                           crs=2154)
    got = population_in_qpv(areas, qpv)
    # area 1: (50×50 + 10×10) / 100² of 1000 = 260; area 2: 50×50 / 100² of 400 = 100
    assert got[0] == pytest.approx(260.0)
    assert got[1] == pytest.approx(100.0)
    assert np.isnan(got[2])


@pytest.mark.shared_data
def test_real_mel_iris_file(shared_data):
    folder = shared_data / "mel-2019"
    geo = read_mel_iris(folder / "IRIS_MEL_PROFILS_SOCIAUX_2019.geojson")
    flat = read_mel_iris(folder / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019.csv")
    pd.testing.assert_frame_equal(geo.values, flat.values)
    mel = pd.read_csv(folder / "LISTE_COMMUNES_MEL.csv", dtype=str)
    assert set(geo.values["commune_code"]) == set(mel["INSEE_COM"])
    assert len(set(geo.values["code"])) == 517  # 526 lines, 9 IRIS on two lines
    # independent check: the extract's own %_LOGSOCIAL for IRIS on a single line
    raw = pd.read_csv(folder / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019.csv",
                      dtype={"CODE_IRIS": str})
    single = raw[~raw["CODE_IRIS"].duplicated(keep=False) & raw["%_LOGSOCIAL"].notna()]
    v = geo.values[geo.values["indicator"] == "logement_social"].set_index("code")["value"]
    np.testing.assert_allclose(v.loc[single["CODE_IRIS"]].to_numpy() * 100,
                               single["%_LOGSOCIAL"].to_numpy(), atol=0.051)
