"""Calibrated straight-line model: the formula against a hand-written version, the candidate
search against a brute-force minimum over every service, monotonicity, the configuration
round trip, the shipped calibration, and bounds from published orders of magnitude."""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np
import pytest

from sdaasp.travel import WALK, CrowflyConfig, CrowflyModel
from sdaasp.travel.crowfly import CONTEXTS, LABEL, calibration

#: Parameters with a strong density effect (denser ends slower, over longer stretches), so
#: that the nearest service in distance is often not the nearest in time.
MIXED = CrowflyConfig(long_speed_kmh=80.0, end_speed_kmh=(8.0, 20.0, 45.0),
                      end_zone_m=(6000.0, 2000.0, 500.0), detour_short=2.0,
                      detour_long=1.25, detour_scale_m=1500.0, calibration="")


def _minutes_by_hand(d: float, ci: int, cj: int, cfg: CrowflyConfig) -> float:
    """The documented formula, one pair at a time, in plain Python."""
    c0, c1, lc = cfg.detour_short, cfg.detour_long, cfg.detour_scale_m
    r = c1 * d + (c0 - c1) * lc * (1 - math.exp(-d / lc))
    per_m = lambda kmh: 60.0 / (kmh * 1000.0)  # noqa: E731 (minutes per metre)
    t = r * per_m(cfg.long_speed_kmh)
    for c in (ci, cj):
        zone = cfg.end_zone_m[c]
        t += 0.5 * (per_m(cfg.end_speed_kmh[c]) - per_m(cfg.long_speed_kmh)) * zone * (
            1 - math.exp(-r / zone))
    return t


def _brute(o, s, oc, sc, cfg):
    """Every origin × service: straight distance, road distance and time (by hand)."""
    d = np.hypot(o[:, None, 0] - s[None, :, 0], o[:, None, 1] - s[None, :, 1])
    t = np.array([[_minutes_by_hand(d[i, j], oc[i], sc[j], cfg) for j in range(len(s))]
                  for i in range(len(o))])
    return d, t


@pytest.fixture
def pts():
    rng = np.random.default_rng(1)
    o = rng.uniform(0, 20_000, (300, 2))
    s = rng.uniform(0, 20_000, (25, 2))
    s[3] = s[2]  # duplicate service point
    o[0] = s[5]  # an origin exactly on a service
    return o, s, rng.integers(0, 3, 300), rng.integers(0, 3, 25)


def test_formula_matches_the_hand_written_one():
    m = CrowflyModel(MIXED)
    for d in (0.0, 1.0, 250.0, 1_800.0, 36_000.0):
        for ci in range(3):
            for cj in range(3):
                assert m.pair_minutes(np.array([d]), ci, cj)[0] == pytest.approx(
                    _minutes_by_hand(d, ci, cj, MIXED), rel=1e-12, abs=1e-15)
    assert m.pair_minutes(np.array([0.0]), 0, 2)[0] == 0.0  # no distance, no time


def test_nearest_matches_brute_force(pts):
    """Updated (was: one speed per origin context, detour × distance): k fastest services with
    both ends' contexts, against every service by hand."""
    o, s, oc, sc = pts
    r = CrowflyModel(MIXED).nearest(o, s, k=3, origin_context=oc, service_context=sc)
    d, t = _brute(o, s, oc, sc, MIXED)
    np.testing.assert_allclose(r.minutes, np.sort(t, axis=1)[:, :3], rtol=1e-12)
    rows = np.arange(len(o))[:, None]
    np.testing.assert_allclose(t[rows, r.service], r.minutes, rtol=1e-12)
    np.testing.assert_allclose(r.distance_m,
                               CrowflyModel(MIXED).road_metres(d[rows, r.service]), rtol=1e-12)
    assert r.minutes[0, 0] == 0.0 and r.distance_m[0, 0] == 0.0
    # the test means something: the nearest in distance is often not the fastest
    assert (d.argmin(axis=1) != t.argmin(axis=1)).sum() > 20


@pytest.mark.parametrize("seed", range(8))
def test_candidate_search_is_exact_on_random_cases(seed):
    """Clustered services with mixed contexts, few candidates at first: the search must widen
    until proven, and find the brute-force minimum every time."""
    rng = np.random.default_rng(seed)
    cfg = CrowflyConfig(**{**asdict(MIXED), "candidates": 2})
    n, m = 200, int(rng.integers(5, 60))
    o = rng.uniform(0, 30_000, (n, 2))
    centres = rng.uniform(0, 30_000, (4, 2))
    s = centres[rng.integers(0, 4, m)] + rng.normal(0, 1500, (m, 2))
    oc, sc = rng.integers(0, 3, n), rng.integers(0, 3, m)
    k = int(rng.integers(1, 4))
    r = CrowflyModel(cfg).nearest(o, s, k=k, origin_context=oc, service_context=sc)
    _, t = _brute(o, s, oc, sc, cfg)
    np.testing.assert_allclose(r.minutes[:, :min(k, m)], np.sort(t, axis=1)[:, :k], rtol=1e-12)


def test_pairs_within_matches_brute_force_and_keeps_zero(pts):
    """Updated (contexts at both ends): the same pairs and times as the brute force."""
    o, s, oc, sc = pts
    for cfg in (MIXED, CrowflyConfig()):
        p = CrowflyModel(cfg).pairs_within(o, s, max_minutes=12, origin_context=oc,
                                           service_context=sc)
        _, t = _brute(o, s, oc, sc, cfg)
        oi, sj = np.nonzero(t <= 12)
        assert set(zip(p.origin.tolist(), p.service.tolist(), strict=True)) == set(
            zip(oi.tolist(), sj.tolist(), strict=True))
        np.testing.assert_allclose(p.minutes, t[p.origin, p.service], rtol=1e-12)
        assert (p.minutes == 0).any()


def test_unknown_service_context_is_the_default():
    o = np.array([[0.0, 0.0]])
    s = np.array([[5000.0, 0.0]])
    m = CrowflyModel(MIXED)
    unknown = m.nearest(o, s, origin_context=[2], service_context=np.array([-1])).minutes
    default = m.nearest(o, s, origin_context=[2],
                        service_context=np.array([MIXED.default_context])).minutes
    none = m.nearest(o, s, origin_context=[2]).minutes
    assert unknown[0, 0] == default[0, 0] == none[0, 0]
    with pytest.raises(ValueError):
        m.nearest(o, s, service_context=np.array([3]))
    with pytest.raises(ValueError):
        m.nearest(o, s, service_context=np.array([0, 1]))


@pytest.mark.parametrize("cfg", [MIXED, CrowflyConfig(), WALK], ids=["mixed", "shipped", "walk"])
def test_time_and_road_distance_increase_with_distance(cfg):
    m = CrowflyModel(cfg)
    d = np.r_[0.0, np.geomspace(1.0, 300_000.0, 4000)]
    assert (np.diff(m.road_metres(d)) > 0).all() and (m.road_metres(d) >= d).all()
    for ci in range(3):
        for cj in range(3):
            t = m.pair_minutes(d, ci, cj)
            assert t[0] == 0.0 and (np.diff(t) > 0).all()
            # speeds rise with the length of the trip (short trips slow, long at road speed)
            v = d[1:] / t[1:]
            assert (np.diff(v) > -1e-9 * v[1:]).all()


def test_walk_is_one_speed_and_one_detour():
    d = np.array([10.0, 800.0, 5000.0])
    np.testing.assert_allclose(CrowflyModel(WALK).pair_minutes(d, 0, 2), d * 1.3 / (5000 / 60),
                               rtol=1e-12)


def test_no_service_is_not_available_and_fewer_than_k_is_unreachable(pts):
    o, s, _, _ = pts
    m = CrowflyModel()
    empty = m.nearest(o, np.empty((0, 2)), k=2)
    assert np.isnan(empty.minutes).all() and (empty.service == -1).all()
    two = m.nearest(o, s[:2], k=3)
    assert np.isinf(two.minutes[:, 2]).all() and np.isfinite(two.minutes[:, :2]).all()


def test_config_is_validated():
    """Updated for the new parameters (was: detour and one speed per context)."""
    with pytest.raises(ValueError):
        CrowflyConfig(detour_long=0.9)
    with pytest.raises(ValueError):
        CrowflyConfig(end_speed_kmh=(10.0, 0.0, 5.0))
    with pytest.raises(ValueError):
        CrowflyConfig(end_zone_m=(10.0, 20.0))
    with pytest.raises(ValueError):
        CrowflyConfig(default_context=3)


def test_origin_without_coordinates_is_not_placed():
    """nan coordinates give nan (not known), never a time or a crash; others are unchanged."""
    o = np.array([[0.0, 0.0], [np.nan, np.nan], [3000.0, 4000.0]])
    s = np.array([[0.0, 0.0], [6000.0, 8000.0]])
    m = CrowflyModel(MIXED)
    r = m.nearest(o, s, k=3, origin_context=np.array([0, 1, 2]), service_context=[2, 0],
                  dtype=np.float32)
    assert r.minutes.dtype == np.float32
    assert np.isnan(r.minutes[1]).all() and (r.service[1] == -1).all()
    assert r.minutes[0, 0] == 0.0 and np.isinf(r.minutes[0, 2])  # a real 0; rank 3: none
    full = m.nearest(o[[0, 2]], s, k=3, origin_context=np.array([0, 2]), service_context=[2, 0])
    np.testing.assert_allclose(r.minutes[[0, 2]], full.minutes, rtol=1e-6)
    p = m.pairs_within(o, s, max_minutes=60)
    assert 1 not in p.origin.tolist() and p.placed.tolist() == [True, False, True]


def test_describe_round_trip_and_label():
    for cfg in (CrowflyConfig(), MIXED, WALK):
        d = CrowflyModel(cfg).describe()
        assert d["kind"] == "crowfly" and d["label"] == LABEL
        assert d["label"] == "approximation à vol d'oiseau calibrée"
        rebuilt = CrowflyConfig(**{f.name: d[f.name] for f in fields(CrowflyConfig)})
        assert rebuilt == cfg
        assert CrowflyModel(rebuilt).describe() == d


def test_defaults_are_the_shipped_calibration():
    """The model's defaults are the calibration file's, recorded with its version."""
    path = Path(__file__).resolve().parents[2] / "src/sdaasp/travel/data/crowfly-calibration.toml"
    cal = tomllib.loads(path.read_text(encoding="utf-8"))
    assert cal == calibration()
    cfg = CrowflyConfig()
    assert cfg.calibration == cal["version"] and cal["fitted"]
    for name, value in cal["parameters"].items():
        got = getattr(cfg, name)
        assert (tuple(got) if isinstance(value, list) else got) == pytest.approx(
            tuple(value) if isinstance(value, list) else value)
    lo, hi = cal["bounds"]["long_speed_kmh"]
    assert lo <= cfg.long_speed_kmh <= hi
    lo, hi = cal["bounds"]["detour_long"]
    assert lo <= cfg.detour_long <= hi
    assert {"monaco", "liechtenstein", "helsinki", "porto_alegre"} <= set(cal["networks"])
    assert cal["errors"]["pairs"] and cal["errors"]["nearest"] and cal["sources"]["urls"]


# -- bounds from published orders of magnitude (docs/methods.md, « Sources ») -------------------
#: Slowest: the average speed over the whole road network of Lille, congestion included
#: (TomTom, January–May 2022, 8 h–20 h: 32.2 km/h); a trip of 30–40 km, which leaves the town,
#: is not slower on average.
SLOWEST_ROAD_KMH = 32.2
#: Fastest: 4/5 of the 110 km/h limit of dual carriageways (Code de la route art. R413-2),
#: OSRM's rule for free-flow car speeds; a door-to-door average cannot exceed it.
FASTEST_ROAD_KMH = 0.8 * 110
#: Road distance / straight-line distance for roads: 1.13 (INSEE Metric-OSRM's documented
#: trip) to 1.4 (the upper end of measured road circuity).
DETOUR_RANGE = (1.1, 1.4)


def _implied_speeds(model: CrowflyModel, d: np.ndarray, ci: int, cj: int):
    t = model.pair_minutes(d, ci, cj) / 60
    return model.road_metres(d) / 1000 / t, d / 1000 / t


def test_trips_of_30_to_40_km_take_believable_times():
    """A 36 km trip is not two hours: every context pair, the road and straight-line speeds
    of 30–40 km trips lie within the published bounds."""
    m = CrowflyModel()
    d = np.linspace(30_000, 40_000, 21)
    assert DETOUR_RANGE[0] <= (m.road_metres(d) / d).min() <= (m.road_metres(d) / d).max() \
        <= DETOUR_RANGE[1]
    for ci in range(3):
        for cj in range(3):
            road, crow = _implied_speeds(m, d, ci, cj)
            assert (road >= SLOWEST_ROAD_KMH).all() and (road <= FASTEST_ROAD_KMH).all()
            assert (crow >= SLOWEST_ROAD_KMH / DETOUR_RANGE[1]).all()
            assert (crow <= FASTEST_ROAD_KMH / DETOUR_RANGE[0]).all()


def test_the_published_metric_osrm_trip():
    """INSEE's Metric-OSRM documentation: Aix-en-Provence (urban) → Alleins (rural), 30.1 km
    as the crow flies, 40.65 min by car; the model is within 20 %."""
    from pyproj import Transformer

    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    a = np.array(tr.transform(5.44553, 43.52772))
    b = np.array(tr.transform(5.16171, 43.70377))
    d = np.array([np.hypot(*(a - b))])
    assert 30_000 < d[0] < 30_300
    t = CrowflyModel().pair_minutes(d, CONTEXTS.index("urbain"), CONTEXTS.index("rural"))[0]
    assert abs(t / 40.65 - 1) < 0.20


@pytest.mark.shared_data
def test_nord_to_the_real_france_services_of_2020(nord, shared_data):
    """Every commune of the Nord to its nearest France Services of 2020 (the national file:
    the Pas-de-Calais ones count): times known, and within the published speed bounds for
    every trip beyond 10 km; Halluin (36 km from its nearest) is far below two hours."""
    import geopandas as gpd
    import pandas as pd

    from sdaasp.access import commune_origins, nearest_by_type

    origins = commune_origins(nord.communes)
    fs = gpd.read_file(shared_data / "france-services-2020" / "france_services.geojson")
    fs = fs[fs.geometry.notna()].to_crs(2154)
    services = pd.DataFrame({"point_id": fs["MATRICULE"].astype(str), "type_code": "FS",
                             "x": fs.geometry.x, "y": fs.geometry.y,
                             "commune_code": fs["insee_com"].astype(str)})
    m = CrowflyModel()
    r = nearest_by_type(origins, services, m, types=["FS"])
    minutes = r.minutes[:, 0]
    assert np.isfinite(minutes).all()
    chosen = services.set_index("point_id").loc[r.point_id[:, 0]]
    d = np.hypot(origins["x"].to_numpy() - chosen["x"].to_numpy(),
                 origins["y"].to_numpy() - chosen["y"].to_numpy())
    far = d > 10_000
    assert far.sum() > 100
    road = m.road_metres(d[far]) / 1000 / (minutes[far] / 60)
    assert (road >= SLOWEST_ROAD_KMH).all() and (road <= FASTEST_ROAD_KMH).all()
    halluin = (origins["commune_code"] == "59279").to_numpy()
    assert d[halluin][0] > 30_000 and minutes[halluin][0] < 60
    assert chosen["commune_code"].str.startswith("62").any()  # beyond the border


def test_nearest_by_type_gives_services_the_context_of_their_commune():
    """The context plumbing of sdaasp.access: a service takes the density context of the
    commune it is in (from the origins), -1 (default) outside; checked by brute force with
    strongly different contexts."""
    import pandas as pd

    from sdaasp.access import catchment, commune_origins, nearest_by_type
    from sdaasp.testing import synthetic_services, synthetic_territory

    terr = synthetic_territory(5, 4, commune_m=3000.0)
    origins = commune_origins(terr.communes)
    origins["context"] = np.arange(len(origins)) % 3  # every context, whatever the density
    services = synthetic_services(terr, ["A"], per_type=12, seed=3)
    codes = origins["commune_code"].to_numpy()
    services["commune_code"] = [codes[i % len(codes)] for i in range(len(services))]
    services.loc[0, "commune_code"] = "62001"  # beyond the territory: default context
    m = CrowflyModel(MIXED)
    r = nearest_by_type(origins, services, m, types=["A"])
    ctx = dict(zip(codes, origins["context"], strict=True))
    sc = np.array([ctx.get(c, -1) for c in services["commune_code"]])
    o = origins[["x", "y"]].to_numpy()
    _, t = _brute(o, services[["x", "y"]].to_numpy(), origins["context"].to_numpy(),
                  np.where(sc < 0, MIXED.default_context, sc), MIXED)
    np.testing.assert_allclose(r.minutes[:, 0], t.min(axis=1), rtol=1e-12)
    # a services table may carry its own contexts
    own = services.assign(context=2)
    r2 = nearest_by_type(origins, own, m, types=["A"])
    _, t2 = _brute(o, services[["x", "y"]].to_numpy(), origins["context"].to_numpy(),
                   np.full(len(services), 2), MIXED)
    np.testing.assert_allclose(r2.minutes[:, 0], t2.min(axis=1), rtol=1e-12)
    p = catchment(origins, services, m, max_minutes=15)
    got = pd.Series(p.minutes, index=pd.MultiIndex.from_arrays([p.origin, p.service]))
    oi, sj = np.nonzero(t <= 15)
    assert len(got) == len(oi)
    np.testing.assert_allclose(got.loc[list(zip(oi, sj, strict=True))].to_numpy(), t[oi, sj],
                               rtol=1e-12)
