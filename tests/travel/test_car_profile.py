"""One test per rule of the car profile (sdaasp.travel.car_profile), on tag dictionaries and on
tiny hand-written OSM files read by the real reader; expected values worked out by hand from
car.lua's rules (cited in the module)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from sdaasp.travel.car_profile import (
    CarProfile,
    node_effect,
    oneway,
    parse_maxspeed,
    turn_seconds,
    way_speeds,
)
from sdaasp.travel.network import NetworkConfig, NetworkModel, haversine_m

P = CarProfile()


@pytest.mark.parametrize(("value", "kmh"), [
    ("50", 50), ("30 mph", 30 * 1.609), ("30;50", 30), ("FR:urban", 50), ("FR:rural", 80),
    ("FR:zone30", 30), ("FR:motorway", 130), ("none", 140), ("walk", 0), ("signals", 0),
    ("CH:urban", 50), ("CH:rural", 80), ("CH:motorway", 120), ("LI:rural", 80),
    ("FI:urban", 50), ("FI:rural", 80), ("BR:urban", 50), ("BR:rural", 90), ("DE:rural", 100),
    ("XX:rural", 90), ("fr:RURAL", 80), (None, 0), ("", 0), ("unknown", 0),
])
def test_maxspeed_values(value, kmh):
    assert parse_maxspeed(value, P) == pytest.approx(kmh)


@pytest.mark.parametrize(("tags", "expected"), [
    # class defaults (car.lua speeds.highway)
    ({"highway": "residential"}, (25, 25)),
    ({"highway": "primary"}, (65, 65)),
    # a posted limit replaces the class speed, driven at 80 %
    ({"highway": "residential", "maxspeed": "50"}, (40, 40)),
    ({"highway": "primary", "maxspeed": "FR:rural"}, (64, 64)),
    ({"highway": "primary", "maxspeed:forward": "80", "maxspeed:backward": "60"}, (64, 48)),
    ({"highway": "primary", "maxspeed": "90", "maxspeed:advisory": "50"}, (40, 40)),
    ({"highway": "primary", "maxspeed": "signals"}, (65, 65)),
    # one-way streets
    ({"highway": "residential", "oneway": "yes"}, (25, 0)),
    ({"highway": "residential", "oneway": "-1"}, (0, 25)),
    ({"highway": "motorway"}, (90, 0)),
    ({"highway": "motorway", "oneway": "no"}, (90, 90)),
    ({"highway": "motorway_link"}, (45, 45)),
    ({"highway": "primary", "junction": "roundabout"}, (65, 0)),
    ({"highway": "residential", "oneway": "yes", "oneway:motorcar": "no"}, (25, 25)),
    # access hierarchy motorcar > motor_vehicle > vehicle > access
    ({"highway": "residential", "access": "private"}, (0, 0)),
    ({"highway": "residential", "access": "no"}, (0, 0)),
    ({"highway": "residential", "access": "no", "motorcar": "yes"}, (25, 25)),
    ({"highway": "residential", "motor_vehicle": "no"}, (0, 0)),
    ({"highway": "residential", "motorcar": "no"}, (0, 0)),
    ({"highway": "residential", "access": "agricultural"}, (0, 0)),
    ({"highway": "residential", "access": "destination"}, (25, 25)),
    ({"highway": "residential", "access": "no;yes"}, (25, 25)),
    ({"highway": "residential", "motor_vehicle:backward": "no"}, (25, 0)),
    # service roads: parking aisles, driveways… excluded; alleys kept
    ({"highway": "service", "service": "parking_aisle"}, (0, 0)),
    ({"highway": "service", "service": "driveway"}, (0, 0)),
    ({"highway": "service", "service": "parking"}, (0, 0)),
    ({"highway": "service", "service": "emergency_access"}, (0, 0)),
    ({"highway": "service", "service": "alley"}, (15, 15)),
    # never routed
    ({"highway": "pedestrian", "area": "yes", "motor_vehicle": "yes"}, (0, 0)),
    ({"highway": "steps"}, (0, 0)),
    ({"highway": "construction"}, (0, 0)),
    ({"highway": "primary", "construction": "yes"}, (0, 0)),
    ({"highway": "primary", "construction": "minor"}, (65, 65)),
    ({"highway": "primary", "oneway": "reversible"}, (0, 0)),
    ({"highway": "primary", "impassable": "yes"}, (0, 0)),
    # classes without a default speed: only when access lets cars in, at 10 km/h
    ({"highway": "track"}, (0, 0)),
    ({"highway": "footway"}, (0, 0)),
    ({"highway": "track", "motor_vehicle": "yes"}, (10, 10)),
    # surfaces cap the speed
    ({"highway": "primary", "surface": "gravel"}, (40, 40)),
    ({"highway": "residential", "maxspeed": "50", "surface": "cobblestone"}, (30, 30)),
    ({"highway": "primary", "tracktype": "grade3"}, (30, 30)),
    ({"highway": "primary", "smoothness": "impassable"}, (0, 0)),
])
def test_way_rules(tags, expected):
    assert way_speeds(tags, P) == pytest.approx(expected)


def test_oneway_values():
    assert oneway({"oneway": "1"}) == 1 and oneway({"oneway": "true"}) == 1
    assert oneway({"highway": "trunk"}) == 0
    assert oneway({"junction": "circular"}) == 1


@pytest.mark.parametrize(("tags", "blocked", "seconds"), [
    ({"highway": "traffic_signals"}, False, 2.0),
    ({"highway": "stop"}, False, 2.0),
    ({"highway": "give_way"}, False, 1.0),
    ({"barrier": "gate"}, False, 60.0),
    ({"barrier": "lift_gate"}, False, 60.0),
    ({"barrier": "bollard"}, True, 0.0),
    ({"barrier": "cycle_barrier"}, True, 0.0),
    ({"barrier": "bollard", "bollard": "rising"}, False, 0.0),
    ({"barrier": "kerb", "kerb": "lowered"}, False, 0.0),
    ({"barrier": "kerb", "highway": "crossing"}, False, 0.0),
    ({"barrier": "toll_booth"}, False, 0.0),
    ({"barrier": "cattle_grid"}, False, 0.0),
    ({"barrier": "bollard", "access": "yes"}, False, 0.0),     # access decides first
    ({"barrier": "gate", "access": "private"}, False, 0.0),
    ({"access": "no"}, True, 0.0),
    ({"highway": "crossing"}, False, 0.0),
])
def test_node_rules(tags, blocked, seconds):
    assert node_effect(tags, P) == (blocked, pytest.approx(seconds))


def test_turn_penalty_curve():
    a = np.array([0.0, 90.0, -90.0, 45.0, -45.0, 150.0, -150.0])
    t = turn_seconds(a, np.full(a.size, 3), np.zeros(a.size, bool), P)
    # hand-worked: right 90° = 7.5 / (1 + exp(-(13/1.075 · 0.5 − 6.5 · 1.075)))
    assert t[1] == pytest.approx(7.5 / (1 + math.exp(-(13 / 1.075 * 0.5 - 6.5 * 1.075))))
    # left 90° adds the oncoming-traffic term 2 / (1 + exp(-(6.5 − 3.25)))
    left = 7.5 / (1 + math.exp(-(13 * 1.075 * 0.5 - 6.5 / 1.075)))
    assert t[2] == pytest.approx(left + 2 / (1 + math.exp(-3.25)))
    assert t[0] < 0.01                       # straight on costs (almost) nothing
    assert t[1] < t[2] and t[3] < t[4]       # right turns are cheaper (right-hand traffic)
    assert t[1] < t[5] and t[2] < t[6]       # sharper is dearer
    assert t[6] <= 7.5 + 2.0
    # two roads: not a junction, no turn penalty (car.lua: number_of_roads > 2)
    assert turn_seconds(a, np.full(a.size, 2), np.zeros(a.size, bool), P).max() == 0
    # on a roundabout leg, no oncoming-traffic term
    rb = turn_seconds(np.array([-90.0]), np.array([3]), np.array([True]), P)
    assert rb[0] == pytest.approx(left)
    # left-hand traffic mirrors the curve
    lh = CarProfile(left_hand_driving=True)
    b = a[1:]  # (straight on is on the "right" branch of car.lua's curve in both cases)
    np.testing.assert_allclose(turn_seconds(-b, np.full(b.size, 3), np.zeros(b.size, bool), lh),
                               t[1:])


# -- the rules on hand-written OSM files, through the real reader and graph --------------------

LAT0, LON0 = 50.63, 3.06
STEP = 0.002  # ≈ 142 m in longitude, 222 m in latitude at Lille


def _osm(tmp_path: Path, nodes: dict[int, tuple[float, float, dict[str, str]]],
         ways: list[tuple[list[int], dict[str, str]]]) -> Path:
    """Write a hand-made OSM XML file: nodes id -> (dx, dy in grid steps, tags)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, (dx, dy, tags) in nodes.items():
        tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<node id="{nid}" version="1" lat="{LAT0 + dy * STEP:.7f}" '
                   f'lon="{LON0 + dx * STEP:.7f}">{tg}</node>')
    for i, (refs, tags) in enumerate(ways):
        nd = "".join(f'<nd ref="{r}"/>' for r in refs)
        tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        out.append(f'<way id="{100 + i}" version="1">{nd}{tg}</way>')
    out.append("</osm>")
    p = tmp_path / "t.osm"
    p.write_text("\n".join(out), encoding="utf-8")
    return p


def _seg_s(m: NetworkModel, a: int, b: int, kmh: float) -> float:
    i, j = np.searchsorted(m.node_id, [a, b])
    return float(haversine_m(m.lon[i], m.lat[i], m.lon[j], m.lat[j]) / (kmh / 3.6))


def _time_s(m: NetworkModel, a: int, b: int) -> float:
    i, j = np.searchsorted(m.node_id, [a, b])
    r = m.nearest(m.xy[[i]], m.xy[[j]])
    return float(r.minutes[0, 0] * 60)


def _grid(extra: dict[int, dict[str, str]] | None = None):
    """A T junction: 1 — 2 — 3 west to east, 4 north of 2; plus a loop 3-5-4 so that every
    node is in one strongly connected component."""
    extra = extra or {}
    nodes = {1: (0, 0, extra.get(1, {})), 2: (1, 0, extra.get(2, {})),
             3: (2, 0, extra.get(3, {})), 4: (1, 1, extra.get(4, {})),
             5: (2, 1, extra.get(5, {}))}
    return nodes


def test_file_left_and_right_turns_at_a_junction(tmp_path):
    nodes = _grid()
    ways = [([1, 2, 3], {"highway": "residential"}), ([2, 4], {"highway": "residential"}),
            ([3, 5, 4], {"highway": "residential"})]
    m = NetworkModel.from_osm(_osm(tmp_path, nodes, ways), NetworkConfig(crs=3857))
    n2 = int(np.searchsorted(m.node_id, 2))
    assert m.ported[n2] and m.dep_ptr[n2 + 1] - m.dep_ptr[n2] == 3  # one port per way out
    # 1 → 4: east then north at 2, a 90° left turn across oncoming traffic
    left = float(turn_seconds(np.array([-90.0]), np.array([3]), np.array([False]), P)[0])
    assert _time_s(m, 1, 4) == pytest.approx(_seg_s(m, 1, 2, 25) + _seg_s(m, 2, 4, 25) + left,
                                             rel=1e-3)
    # 4 → 1: south then west at 2, a 90° right turn
    right = float(turn_seconds(np.array([90.0]), np.array([3]), np.array([False]), P)[0])
    assert _time_s(m, 4, 1) == pytest.approx(_seg_s(m, 4, 2, 25) + _seg_s(m, 2, 1, 25) + right,
                                             rel=1e-3)
    # 1 → 3 straight through: almost nothing
    assert _time_s(m, 1, 3) == pytest.approx(_seg_s(m, 1, 2, 25) + _seg_s(m, 2, 3, 25),
                                             abs=0.01)
    # without turn costs, the same trip 1 → 4 is the bare segment times
    flat = NetworkModel.from_osm(_osm(tmp_path, nodes, ways),
                                 NetworkConfig(crs=3857, turn_costs=False))
    assert _time_s(flat, 1, 4) == pytest.approx(_seg_s(m, 1, 2, 25) + _seg_s(m, 2, 4, 25),
                                                rel=1e-9)


def test_file_no_u_turn_to_dodge_a_left_turn(tmp_path):
    """Node 3 is 10 m east of junction 2: going straight on to 3, turning round there and
    coming back to turn right (≈ 2 × 1.4 s + 2.1 s) would beat the left turn 1 → 2 → 4
    (≈ 7.3 s). OSRM turns round only at dead ends; the graph must not allow it either."""
    nodes = _grid()
    nodes[3] = (1.07, 0, {})
    ways = [([1, 2, 3], {"highway": "residential"}), ([2, 4], {"highway": "residential"}),
            ([3, 5, 4], {"highway": "residential"})]
    m = NetworkModel.from_osm(_osm(tmp_path, nodes, ways), NetworkConfig(crs=3857))
    n3 = int(np.searchsorted(m.node_id, 3))
    assert m.ported[n3]                     # expanded: near a junction
    left = float(turn_seconds(np.array([-90.0]), np.array([3]), np.array([False]), P)[0])
    dodge = 2 * _seg_s(m, 2, 3, 25) + 2.2
    assert dodge < left
    assert _time_s(m, 1, 4) == pytest.approx(_seg_s(m, 1, 2, 25) + _seg_s(m, 2, 4, 25) + left,
                                             rel=1e-3)


def test_file_traffic_signal_costs_two_seconds(tmp_path):
    ways = [([1, 2, 3], {"highway": "residential"}), ([3, 5, 4, 1], {"highway": "residential"})]
    plain = NetworkModel.from_osm(_osm(tmp_path, _grid(), ways), NetworkConfig(crs=3857))
    signal = NetworkModel.from_osm(
        _osm(tmp_path, _grid({2: {"highway": "traffic_signals"}}), ways), NetworkConfig(crs=3857))
    assert _time_s(signal, 1, 3) == pytest.approx(_time_s(plain, 1, 3) + 2.0, rel=1e-9)
    stop = NetworkModel.from_osm(
        _osm(tmp_path, _grid({2: {"highway": "give_way"}}), ways), NetworkConfig(crs=3857))
    assert _time_s(stop, 1, 3) == pytest.approx(_time_s(plain, 1, 3) + 1.0, rel=1e-9)


def test_file_gate_costs_a_minute_and_bollard_blocks(tmp_path):
    ways = [([1, 2, 3], {"highway": "residential"}), ([3, 5, 4, 1], {"highway": "residential"})]
    plain = NetworkModel.from_osm(_osm(tmp_path, _grid(), ways), NetworkConfig(crs=3857))
    direct = _time_s(plain, 1, 3)
    gate = NetworkModel.from_osm(_osm(tmp_path, _grid({2: {"barrier": "gate"}}), ways),
                                 NetworkConfig(crs=3857))
    around = _seg_s(plain, 1, 4, 25) + _seg_s(plain, 4, 5, 25) + _seg_s(plain, 5, 3, 25)
    assert _time_s(gate, 1, 3) == pytest.approx(min(direct + 60.0, around), rel=1e-9)
    bollard = NetworkModel.from_osm(_osm(tmp_path, _grid({2: {"barrier": "bollard"}}), ways),
                                    NetworkConfig(crs=3857))
    assert _time_s(bollard, 1, 3) == pytest.approx(around, rel=1e-9)  # the long way round
    # a trip may still end at the bollard's node
    assert np.isfinite(_time_s(bollard, 1, 2))


def test_file_maxspeed_and_excluded_service_roads(tmp_path):
    nodes = _grid()
    nodes[6] = (3, 0, {})
    ways = [([1, 2, 3], {"highway": "secondary", "maxspeed": "FR:rural"}),
            ([3, 5, 4, 1], {"highway": "residential"}),
            ([3, 6], {"highway": "service", "service": "parking_aisle"}),
            ([2, 4], {"highway": "service", "access": "private"})]
    m = NetworkModel.from_osm(_osm(tmp_path, nodes, ways), NetworkConfig(crs=3857))
    assert 6 not in m.node_id                 # only on a parking aisle
    assert not m.ported[np.searchsorted(m.node_id, 2)]  # the private road does not count
    assert _time_s(m, 1, 3) == pytest.approx(_seg_s(m, 1, 2, 64) + _seg_s(m, 2, 3, 64),
                                             rel=1e-9)
