"""The core diagnostic pipeline on a synthetic territory: origins, basket, hashes, exports."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from sdaasp.access.diagnostic import BASKET_CODE, build_origins, frame_hash, run_diagnostic
from sdaasp.access.export import export_csv, export_gpkg
from sdaasp.errors import SdaaspError
from sdaasp.testing import synthetic_services, synthetic_territory
from sdaasp.travel import CrowflyModel, model_from_spec


@pytest.fixture(scope="module")
def terr():
    return synthetic_territory(4, 3)


@pytest.fixture(scope="module")
def services(terr):
    return synthetic_services(terr, ["A", "B"], per_type=3, seed=5)


def test_grid_diagnostic_with_basket(terr, services):
    origins, info = build_origins(terr, "grid", cell_m=500)
    assert info["approximate"] is True
    r = run_diagnostic(terr, services, CrowflyModel(), origins=origins, origins_info=info,
                       basket=["A", "B"])
    assert r.nearest.types == ["A", "B", BASKET_CODE]
    np.testing.assert_allclose(r.nearest.minutes[:, 2],
                               np.maximum(r.nearest.minutes[:, 0], r.nearest.minutes[:, 1]))
    dep = r.summaries[(r.summaries["niveau"] == "departement")].set_index("type_code")
    total = float(terr.communes["population"].astype(float).sum())
    assert dep.loc["A", "population"] == pytest.approx(total)
    # the basket is never reached faster than its slowest type
    assert dep.loc[BASKET_CODE, "moyenne_min"] >= dep.loc["A", "moyenne_min"]
    # summaries per commune add up to the département (population)
    com = r.summaries[(r.summaries["niveau"] == "commune") & (r.summaries["type_code"] == "A")]
    assert com["population"].sum() == pytest.approx(total)
    h = r.headline()
    assert set(h["niveau"]) == {"scot", "departement"} and "part_plus_30" in h


def test_hashes_follow_the_inputs(terr, services):
    origins, info = build_origins(terr, "commune")
    r1 = run_diagnostic(terr, services, CrowflyModel(), origins=origins, origins_info=info)
    moved = services.copy()
    moved.loc[0, "x"] += 1.0
    r2 = run_diagnostic(terr, moved, CrowflyModel(), origins=origins, origins_info=info)
    assert r1.inputs["services"]["sha256"] != r2.inputs["services"]["sha256"]
    assert r1.inputs["territory"]["sha256"] == r2.inputs["territory"]["sha256"]
    assert frame_hash(services) == frame_hash(services.iloc[::-1])  # row order does not matter
    assert r1.travel["kind"] == "crowfly" and r1.travel["calibration"]
    assert r1.travel["label"] == "approximation à vol d'oiseau calibrée"


def test_exports(terr, services, tmp_path):
    origins, info = build_origins(terr, "commune")
    r = run_diagnostic(terr, services, CrowflyModel(), origins=origins, origins_info=info,
                       types=["A", "VIDE"])
    gpkg = export_gpkg(r, terr, tmp_path / "d.gpkg")
    pts = gpd.read_file(gpkg, layer="origines")
    assert len(pts) == len(origins) and pts["min_VIDE"].isna().all()
    com = gpd.read_file(gpkg, layer="communes")
    assert len(com) == 2 * len(terr.communes)
    csv = pd.read_csv(export_csv(r, tmp_path / "d.csv"), sep=";", decimal=",")
    assert len(csv) == len(r.summaries)
    with pytest.raises(SdaaspError, match="n'existe pas"):
        export_csv(r, tmp_path / "absent" / "d.csv")


def test_bad_choices_are_refused_in_french(terr):
    with pytest.raises(SdaaspError, match="IRIS"):
        build_origins(terr, "iris")
    with pytest.raises(SdaaspError, match="Modèle de déplacement inconnu"):
        model_from_spec("avion")
    with pytest.raises(SdaaspError, match="introuvable"):
        model_from_spec("network:/nulle/part.osm.pbf")


def test_e2sfca_in_the_diagnostic_conserves_supply(terr, services):
    from sdaasp.access.fca import DREES_APL_2015, enhanced_two_stage_fca, supply_reached
    from sdaasp.access.indicators import catchment

    origins, info = build_origins(terr, "commune")
    no_cap = services.copy()
    no_cap.loc[no_cap["type_code"] == "B", "capacity"] = np.nan
    r = run_diagnostic(terr, no_cap, CrowflyModel(), origins=origins, origins_info=info,
                       e2sfca=DREES_APL_2015)
    dep = r.summaries[r.summaries["niveau"] == "departement"].set_index("type_code")
    assert np.isnan(dep.loc["B", "e2sfca"]) and any("capacité" in w for w in r.warnings)
    sv = services[services["type_code"] == "A"]
    pop = origins["population"].to_numpy()
    pairs = catchment(origins, sv, CrowflyModel(), max_minutes=20)
    a = enhanced_two_stage_fca(pairs, pop, sv["capacity"].to_numpy(), decay=DREES_APL_2015)
    reached = supply_reached(pairs, pop, sv["capacity"].to_numpy(), DREES_APL_2015(pairs.minutes))
    assert dep.loc["A", "e2sfca"] * pop.sum() == pytest.approx(reached, rel=1e-12)
    assert (a * pop).sum() == pytest.approx(reached, rel=1e-12)
    assert r.parameters["e2sfca"]["name"] == "drees_apl_2015"


def test_network_far_from_the_territory_is_reported_not_zero(terr, services, shared_data):
    from sdaasp.travel.network import NetworkModel

    path = shared_data / "osm" / "monaco.osm.pbf"
    if not path.exists():
        pytest.skip(f"réseau de Monaco absent : {path}")
    origins, info = build_origins(terr, "commune")
    r = run_diagnostic(terr, services, NetworkModel.from_osm(path), origins=origins,
                       origins_info=info)
    assert np.isnan(r.nearest.minutes).all()
    assert any("équipement(s) trop loin du réseau" in w for w in r.warnings)
    assert any("origine(s) trop loin du réseau" in w for w in r.warnings)
    dep = r.summaries[r.summaries["niveau"] == "departement"]
    assert (dep["population_disponible"] == 0).all() and dep["part_plus_20"].isna().all()


def test_result_tables_carry_their_index(terr, services):
    """Accessors give tables indexed by origin id and by (level, code, type): nothing to align
    by hand; they agree with the compact arrays they come from."""
    origins, info = build_origins(terr, "grid", cell_m=1000)
    shuffled = origins.sample(frac=1.0, random_state=1).reset_index(drop=True)
    r = run_diagnostic(terr, services, CrowflyModel(), origins=shuffled, origins_info=info,
                       basket=["A", "B"])
    t = r.times()
    assert t.index.name == "origin_id" and list(t.columns) == ["A", "B", BASKET_CODE]
    assert list(t.index) == list(shuffled["origin_id"])
    np.testing.assert_array_equal(t.to_numpy(), r.nearest.minutes)
    one = shuffled.iloc[7]
    sv = services[services["type_code"] == "A"]
    d = np.hypot(sv["x"] - one["x"], sv["y"] - one["y"]).to_numpy()
    # synthetic services have no commune: their context is unknown (-1, the default)
    expected = CrowflyModel().pair_minutes(d, int(one["context"]), -1).min()
    assert t.loc[one["origin_id"], "A"] == pytest.approx(expected, rel=1e-12)
    ids = r.times("point_id")
    assert ids.loc[one["origin_id"], "A"] in set(sv["point_id"])
    assert ids[BASKET_CODE].isna().all()
    assert set(r.times("status").stack()) == {"calculé"}
    long = r.nearest.to_frame()
    assert len(long) == 3 * len(shuffled) and long["origin_id"].iloc[0] == shuffled["origin_id"][0]
    assert r.origin_table().loc[one["origin_id"], "population"] == one["population"]
    s = r.summary()
    assert s.index.names == ["niveau", "code", "type_code"] and s.index.is_unique
    assert s.loc[("departement", "99", "A"), "population"] == pytest.approx(
        shuffled["population"].sum())
    com = r.summary("commune")
    assert com.index.names == ["code", "type_code"]
    assert len(com) == 3 * len(terr.communes)
    assert r.scores().empty and list(r.scores().index) == list(shuffled["origin_id"])
    with pytest.raises(ValueError):
        r.summary("region")
    with pytest.raises(ValueError):
        r.times("secondes")


def test_empty_inventory_gives_not_available_not_a_crash(terr, services):
    """No service at all for the asked type (the table is empty): « non disponible » and a
    warning, never a zero nor a traceback (the CLI refuses this case before computing)."""
    origins, info = build_origins(terr, "commune")
    none = services.iloc[0:0]
    r = run_diagnostic(terr, none, CrowflyModel(), origins=origins, origins_info=info,
                       types=["A206"])
    assert np.isnan(r.nearest.minutes).all()
    assert r.warnings == ["Type A206 : aucun équipement dans l'inventaire, indicateur non "
                          "disponible."]
    dep = r.summary("departement").loc[("99", "A206")]
    assert dep["population_disponible"] == 0 and np.isnan(dep["moyenne_min"])
