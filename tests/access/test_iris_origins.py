"""IRIS origins: one point per imported IRIS contour, commune origin elsewhere (synthetic
communes around the hand-made MEL extract of tests/fixtures/needs)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.access.diagnostic import build_origins, run_diagnostic
from sdaasp.errors import SdaaspError
from sdaasp.needs import read_mel_iris
from sdaasp.territory.build import Territory
from sdaasp.travel import CrowflyModel

MEL = (Path(__file__).parents[1] / "fixtures" / "needs"
       / "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson")


def _file_iris() -> pd.DataFrame:
    """IRIS code → population read straight from the GeoJSON (independent of the importer)."""
    feats = json.loads(MEL.read_text(encoding="utf-8"))["features"]
    rows = {f["properties"]["CODE_IRIS"]: f["properties"]["P19_POP"] for f in feats}
    return pd.DataFrame({"code": list(rows), "population": list(rows.values())})


@pytest.fixture(scope="module")
def source():
    return read_mel_iris(MEL)


@pytest.fixture(scope="module")
def terr(source):
    """Synthetic communes: 59512 and 59013 are the union of their IRIS (so covered), 59999 a
    square far away with no IRIS; commune populations differ on purpose from the IRIS sums."""
    g = source.geometry.assign(com=source.geometry["code"].str[:5]).dissolve("com")
    geoms = [g.geometry["59512"], g.geometry["59013"], shapely.box(0, 0, 2000, 2000)]
    communes = gpd.GeoDataFrame({
        "code": ["59512", "59013", "59999"], "nom": ["Roubaix", "Anstaing", "Synthèse"],
        "population": pd.array([99999, 88888, 700], dtype="Int64"),
        "epci_code": ["E1", "E1", "E2"], "scot_code": ["S1", "S1", "S2"],
    }, geometry=geoms, crs=2154)
    empty = gpd.GeoDataFrame({"code": []}, geometry=gpd.GeoSeries([], crs=2154))
    return Territory(departement={"code": "59", "source": "synthétique"},
                     communes=communes, epci=empty, scot=empty, mairies=empty, grouping=None)


def test_origins_are_the_iris_points_with_their_population(terr, source):
    origins, info = build_origins(terr, "iris", iris_sources=[source])
    expected = _file_iris().set_index("code")["population"]
    iris = origins[origins["iris_code"].notna()].set_index("iris_code")
    assert sorted(iris.index) == sorted(expected.index)
    assert np.array_equal(iris["population"].to_numpy(), expected[iris.index].to_numpy())
    poly = source.geometry.set_index("code").geometry[iris.index]
    pts = shapely.points(iris[["x", "y"]].to_numpy())
    assert shapely.contains(poly.to_numpy(), pts).all()
    assert list(iris["commune_code"]) == [c[:5] for c in iris.index]
    # uncovered commune keeps its commune origin and population
    com = origins[origins["iris_code"].isna()]
    assert list(com["origin_id"]) == ["59999"] and list(com["population"]) == [700.0]
    # population per commune = sum of its IRIS populations in the file
    per_com = origins.groupby("commune_code")["population"].sum()
    by_file = expected.groupby(expected.index.str[:5]).sum()
    for c in ("59512", "59013"):
        assert per_com[c] == by_file[c]
    assert info["kind"] == "iris" and info["iris"] == len(expected)
    assert info["sources"][0]["sha256"] == source.sha256
    assert info["sources"][0]["millesime"] == source.vintage


def test_commune_summary_equals_brute_force(terr, source):
    origins, info = build_origins(terr, "iris", iris_sources=[source])
    services = pd.DataFrame({"point_id": ["a", "b"], "type_code": ["MAIRIE", "MAIRIE"],
                             "x": [origins["x"].iloc[0] + 3000, 1000.0],
                             "y": [origins["y"].iloc[0], 1000.0],
                             "capacity": [np.nan, np.nan], "source": ["test", "test"]})
    r = run_diagnostic(terr, services, CrowflyModel(), origins=origins, origins_info=info,
                       types=["MAIRIE"], thresholds=(20, 30))
    assert r.inputs["origins"]["kind"] == "iris"
    minutes = r.nearest.minutes[:, 0]
    pop = origins["population"].to_numpy()
    s = r.summaries[(r.summaries["niveau"] == "commune")].set_index("code")
    for code in ("59512", "59013", "59999"):
        m = (origins["commune_code"] == code).to_numpy()
        assert s.loc[code, "population"] == pytest.approx(pop[m].sum())
        assert s.loc[code, "moyenne_min"] == pytest.approx(
            (minutes[m] * pop[m]).sum() / pop[m].sum())
        beyond = pop[m][minutes[m] > 20].sum() / pop[m].sum()
        assert s.loc[code, "part_plus_20"] == pytest.approx(beyond)


def test_refused_in_french_without_iris_contours(terr, source):
    from dataclasses import replace
    flat = replace(source, geometry=None)  # e.g. the flat CSV: values without contours
    for sources in ([], None, [flat]):
        with pytest.raises(SdaaspError, match="mel-iris-2019") as e:
            build_origins(terr, "iris", iris_sources=sources)
        assert "sdaasp needs import" in str(e.value)
