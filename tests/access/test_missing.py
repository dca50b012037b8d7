"""One meaning for "missing" at every seam: model → indicators → aggregation → exports.

``nan`` = not known (origin not placed, no service of the type), ``inf`` = placed but
unreachable, ``0`` = a real zero. Two real models make the cases: the hand-written OSM network
(tests/fixtures/travel/tiny.osm: origins more than 1 km from its roads are not placed) and the
OSRM client against a fake table server with an "island" it cannot join (``null`` answers).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from sdaasp.access import (
    basket_minutes,
    catchment,
    count_within,
    k_nearest,
    nearest_by_type,
)
from sdaasp.access.diagnostic import run_diagnostic
from sdaasp.access.export import export_csv, export_gpkg
from sdaasp.access.fca import StepDecay, enhanced_two_stage_fca
from sdaasp.testing import synthetic_territory
from sdaasp.travel.network import NetworkModel
from sdaasp.travel.osrm import OsrmConfig, OsrmModel
from tests.travel.fake_osrm import FakeOsrm, fake_osrm_server

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "travel" / "tiny.osm"


@pytest.fixture(scope="module")
def net():
    """Three 1 km communes along the tiny network; origins a, b on it, ``loin`` (99001) and
    ``c`` (99003, alone in its commune) more than 1 km from every road."""
    terr = synthetic_territory(3, 1, commune_m=1000.0, x0=703_000.0, y0=7_059_000.0)
    m = NetworkModel.from_osm(TINY)
    n1, n2, n4 = m.xy[0], m.xy[1], m.xy[3]
    origins = pd.DataFrame({
        "origin_id": ["a", "b", "loin", "c"],
        "x": [n4[0], n2[0] - 3.0, n4[0], 705_500.0],
        "y": [n4[1] + 8.0, n2[1] + 4.0, n4[1] + 1_300.0, 7_059_500.0],
        "population": [100.0, 200.0, 50.0, 30.0],
        "commune_code": ["99001", "99002", "99001", "99003"],
    })
    codes = terr.communes.set_index("code")
    origins["epci_code"] = origins["commune_code"].map(codes["epci_code"]).astype(object)
    origins["scot_code"] = origins["commune_code"].map(codes["scot_code"]).astype(object)
    services = pd.DataFrame({
        "point_id": ["A1", "A2", "H1"], "type_code": ["A", "A", "HORS"],
        "nom": ["A près de 1", "A près de 2", "hors réseau"],
        "x": [n1[0] + 5.0, n2[0], 712_000.0], "y": [n1[1], n2[1] - 6.0, 7_059_000.0],
        "capacity": [2.0, 3.0, 1.0], "commune_code": ["99001", "99002", "99003"],
        "approximate": False, "source": "synthétique"})
    return terr, m, origins, services


def test_model_to_indicators_on_a_network(net):
    _, m, origins, services = net
    r = nearest_by_type(origins, services, m, types=["A", "VIDE", "HORS"])
    t = r.table()
    assert t.index.name == "origin_id" and list(t.columns) == ["A", "VIDE", "HORS"]
    assert np.isfinite(t.loc[["a", "b"], "A"]).all()
    assert t.loc[["loin", "c"], "A"].isna().all()          # not placed: not known
    assert t["VIDE"].isna().all() and t["HORS"].isna().all()  # no service (on the network)
    assert list(r.table("status").loc[:, "A"]) == ["calculé", "calculé", "non disponible",
                                                   "non disponible"]
    k = k_nearest(origins, services, m, k=3, type_code="A").set_index(["origin_id", "rank"])
    assert np.isfinite(k.loc["a", "minutes"].loc[[1, 2]]).all()
    assert np.isinf(k.loc[("a", 3), "minutes"])            # placed, only 2 services: inf
    assert k.loc["loin", "minutes"].isna().all() and k.loc["c", "minutes"].isna().all()
    sv = services[services["type_code"] == "A"]
    pairs = catchment(origins, sv, m, max_minutes=30)
    assert pairs.placed.tolist() == [True, True, False, False]
    assert np.isfinite(pairs.distance_m).all() and len(pairs) == 4
    counts = count_within(pairs, 30)
    assert counts[:2].tolist() == [2.0, 2.0] and np.isnan(counts[2:]).all()
    near = count_within(pairs, 0.5)
    assert near[0] == 0.0 and near[1] == 1.0 and np.isnan(near[2])  # a real 0, then 1
    b = basket_minutes(r, ["A", "VIDE"])
    assert np.isnan(b["max"]).all() and np.isnan(b["mean"]).all()
    one_minute = StepDecay(((1.0, 1.0),))
    e2 = enhanced_two_stage_fca(catchment(origins, sv, m, max_minutes=1.0),
                                origins["population"].to_numpy(), sv["capacity"].to_numpy(),
                                decay=one_minute)
    # b is next to A2 (within a minute), a is not: a real 0; loin and c: not known
    assert e2[0] == 0.0 and e2[1] == pytest.approx(3.0 / 200.0) and np.isnan(e2[2:]).all()


def test_aggregation_and_exports_not_placed_is_non_disponible(net, tmp_path):
    terr, m, origins, services = net
    r = run_diagnostic(terr, services, m, origins=origins, types=["A", "VIDE"],
                       e2sfca=StepDecay(((1.0, 1.0),), name="une_minute"))
    com = r.summary("commune")
    a1 = com.loc[("99001", "A")]
    assert (a1["population"], a1["population_disponible"],
            a1["population_non_disponible"], a1["population_sans_acces"]) == (150, 100, 50, 0)
    assert a1["part_plus_10"] == 0.0  # shares on the population with a known time only
    a3 = com.loc[("99003", "A")]
    assert a3["population_non_disponible"] == 30 and a3["population_disponible"] == 0
    assert np.isnan(a3["moyenne_min"]) and np.isnan(a3["part_plus_20"])
    # E2SFCA mean over the origins with a known score: 99001 is a alone (0), 99003 unknown
    assert a1["e2sfca"] == 0.0 and np.isnan(a3["e2sfca"])
    assert r.scores().loc[["loin", "c"], "A"].isna().all()
    assert any("2 origine(s) trop loin du réseau" in w for w in r.warnings)
    csv = pd.read_csv(export_csv(r, tmp_path / "d.csv"), sep=";", dtype=str)
    row = csv[(csv["niveau"] == "commune") & (csv["code"] == "99003")
              & (csv["type_code"] == "A")].iloc[0]
    assert row["moyenne_min"] == "non disponible" and row["population_non_disponible"] == "30,0"
    assert "inaccessible" not in set(csv.to_numpy().ravel())
    pts = gpd.read_file(export_gpkg(r, terr, tmp_path / "d.gpkg"), layer="origines")
    pts = pts.set_index("origin_id")
    assert list(pts["statut_A"]) == ["calculé", "calculé", "non disponible", "non disponible"]
    assert pts.loc[["loin", "c"], "min_A"].isna().all() and pts["min_A"].notna().sum() == 2
    assert (pts["statut_VIDE"] == "non disponible").all()


@pytest.fixture
def island():
    """Three 4 km communes; commune 99001 lies west of ``island_lon``: OSRM has no route
    between it and the rest."""
    with fake_osrm_server() as url:
        yield _island(url)


def _island(url):
    terr = synthetic_territory(3, 1)
    lon_cut, _ = Transformer.from_crs(2154, 4326, always_xy=True).transform(704_000.0,
                                                                            7_002_000.0)
    FakeOsrm.island_lon = lon_cut
    from sdaasp.access import commune_origins

    origins = commune_origins(terr.communes).assign(population=[100.0, 200.0, 300.0])
    services = pd.DataFrame({
        "point_id": ["A1", "A2"], "type_code": "A", "nom": ["A1", "A2"],
        "x": [706_000.0, 710_000.0], "y": [7_002_000.0, 7_002_000.0], "capacity": 1.0,
        "commune_code": ["99002", "99003"], "approximate": False, "source": "synthétique"})
    return terr, OsrmModel(OsrmConfig(url=url)), origins, services


def test_unreachable_is_inf_to_the_exports(island, tmp_path):
    terr, model, origins, services = island
    r = run_diagnostic(terr, services, model, origins=origins, types=["A", "VIDE"])
    t = r.times()
    assert np.isinf(t.loc["99001", "A"]) and np.isfinite(t.loc[["99002", "99003"], "A"]).all()
    assert t["VIDE"].isna().all()
    com = r.summary("commune")
    a1 = com.loc[("99001", "A")]
    assert (a1["population_sans_acces"], a1["population_non_disponible"]) == (100, 0)
    assert np.isinf(a1["moyenne_min"]) and a1["part_plus_30"] == 1.0
    dep = r.summary("departement").loc[("99", "A")]
    assert dep["population_sans_acces"] == 100 and dep["part_plus_30"] == pytest.approx(1 / 6)
    csv = pd.read_csv(export_csv(r, tmp_path / "d.csv"), sep=";", dtype=str)
    csv = csv[csv["niveau"] == "commune"].set_index(["code", "type_code"])
    assert csv.loc[("99001", "A"), "moyenne_min"] == "inaccessible"
    assert csv.loc[("99001", "A"), "p50_min"] == "inaccessible"
    assert csv.loc[("99001", "VIDE"), "moyenne_min"] == "non disponible"
    float(csv.loc[("99002", "A"), "moyenne_min"].replace(",", "."))  # a number
    gpkg = export_gpkg(r, terr, tmp_path / "d.gpkg")
    pts = gpd.read_file(gpkg, layer="origines").set_index("origin_id")
    assert list(pts["statut_A"]) == ["inaccessible", "calculé", "calculé"]
    assert np.isnan(pts.loc["99001", "min_A"]) and pts["min_A"].notna().sum() == 2
    assert (pts["statut_VIDE"] == "non disponible").all()
    communes = gpd.read_file(gpkg, layer="communes").set_index(["code", "type_code"])
    assert communes.loc[("99001", "A"), "statut_moyenne_min"] == "inaccessible"
    assert np.isnan(communes.loc[("99001", "A"), "moyenne_min"])
    assert communes.loc[("99001", "VIDE"), "statut_moyenne_min"] == "non disponible"
    assert communes.loc[("99002", "A"), "statut_moyenne_min"] == "calculé"
