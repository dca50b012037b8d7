"""The car profile as data: which OSM ways a car may use, at what speed, and what a node or a
turn costs.

Every table below names its source. The reference is OSRM's own car profile
(``profiles/car.lua`` and ``profiles/lib/*.lua`` of Project-OSRM/osrm-backend, as shipped in the
``osrm-bindings`` 26.10 wheel) because its times are the ones a user compares against; where we
depart from it the comment says so and why (the issue's exclusions of parking aisles, driveways
and private roads follow OSMnx's ``drive_service`` filter, ``osmnx/_osm_filters.py``).

Only plain values and small pure functions live here, so that each rule can be tested on a
hand-written OSM file and recorded with a run (:func:`describe`). Speeds are km/h, penalties
seconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cached_property

#: Bumped whenever a rule changes a time: recorded in ``NetworkModel.describe()`` and checked
#: when a saved graph is loaded.
PROFILE_VERSION = "car-osrm-2026.11-1"

Tags = Mapping[str, str]

#: Default speed by ``highway`` class (car.lua ``speeds.highway``), used when a way has no
#: usable ``maxspeed``. A class absent from this table is routable only when an access tag
#: explicitly lets cars in (then at ``default_kmh``, car.lua ``default_speed``).
HIGHWAY_KMH: tuple[tuple[str, float], ...] = (
    ("motorway", 90), ("motorway_link", 45), ("trunk", 85), ("trunk_link", 40),
    ("primary", 65), ("primary_link", 30), ("secondary", 55), ("secondary_link", 25),
    ("tertiary", 40), ("tertiary_link", 20), ("unclassified", 25), ("residential", 25),
    ("living_street", 10), ("service", 15),
)

#: Implicit limits of ``maxspeed=CC:kind`` values (km/h). The kinds and their defaults are
#: those of the OpenStreetMap wiki page « Speed limits » and of car.lua
#: (``maxspeed_table_default``: urban 50, rural 90, trunk 110, motorway 130); the country rows
#: are the legal limits of the countries of the project's networks and of France's neighbours
#: (France: rural 80 since the décret n° 2018-487; zone 30 per the Code de la route
#: R. 110-2; Switzerland and Liechtenstein: rural 80, motorway 120; Finland: rural 80).
#: ``FR:zone30`` is 30 here while car.lua ignores it (it reads only letters after the colon):
#: a legal limit, and close to the residential default anyway.
MAXSPEED_KIND_DEFAULT: tuple[tuple[str, float], ...] = (
    ("urban", 50), ("rural", 90), ("trunk", 110), ("motorway", 130),
    ("living_street", 20), ("zone30", 30), ("zone20", 20), ("walk", 0),
)
MAXSPEED_CODES: tuple[tuple[str, float], ...] = (
    ("fr:rural", 80), ("fr:zone30", 30), ("fr:zone20", 20), ("fr:living_street", 20),
    ("fr:motorway", 130), ("fr:urban", 50), ("fr:trunk", 110),
    ("be:motorway", 120), ("be-vlg:rural", 70), ("be-bru:rural", 70), ("be-bru:urban", 30),
    ("ch:rural", 80), ("ch:trunk", 100), ("ch:motorway", 120),
    ("li:rural", 80), ("li:motorway", 120),
    ("de:living_street", 7), ("de:rural", 100), ("de:motorway", 0),
    ("lu:rural", 90), ("lu:motorway", 130),
    ("fi:rural", 80), ("fi:motorway", 120),
    ("nl:rural", 80), ("nl:trunk", 100), ("at:rural", 100), ("at:trunk", 100),
    ("br:urban", 50), ("br:rural", 90),
    ("gb:nsl_single", 60 * 1.609), ("gb:nsl_dual", 70 * 1.609), ("gb:motorway", 70 * 1.609),
    ("none", 140),
)
MILE_KM = 1.609  # car.lua's lib/measure.lua


@dataclass(frozen=True)
class CarProfile:
    """Parameters of the car profile (all from car.lua unless said otherwise).

    ``speed_factor``: car.lua drives at 80 % of a posted ``maxspeed`` (``speed_reduction``), a
    posted limit REPLACING the class default (it is not a cap). ``maxspeed_keys``: the keys read,
    first found wins, each also with ``:forward`` / ``:backward``.
    """

    version: str = PROFILE_VERSION
    highway_kmh: tuple[tuple[str, float], ...] = HIGHWAY_KMH
    default_kmh: float = 10.0
    speed_factor: float = 0.8
    maxspeed_keys: tuple[str, ...] = ("maxspeed:advisory", "maxspeed", "source:maxspeed",
                                      "maxspeed:type")
    maxspeed_codes: tuple[tuple[str, float], ...] = MAXSPEED_CODES
    maxspeed_kind_default: tuple[tuple[str, float], ...] = MAXSPEED_KIND_DEFAULT
    # access: the first of these keys present decides (car.lua access_tags_hierarchy)
    access_keys: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")
    access_allowed: frozenset[str] = frozenset({
        "yes", "motorcar", "motor_vehicle", "vehicle", "permissive", "designated", "hov"})
    # car.lua access_tag_blacklist minus the « restricted » values it lets a trip start or end
    # on (destination, delivery, customers, permit, residents), which stay routable here;
    # ``private`` is excluded, as the issue asks (car.lua only forbids through traffic on it).
    access_denied: frozenset[str] = frozenset({
        "no", "private", "agricultural", "forestry", "emergency", "psv", "taxi", "share_taxi",
        "minibus", "bus", "foot", "emergency_vehicle", "restricted", "military", "official"})
    # service=* excluded: OSMnx drive_service filter (emergency_access, parking, parking_aisle,
    # private) plus driveway (OSMnx drive); car.lua keeps them at half weight, except
    # emergency_access which it forbids too.
    service_excluded: frozenset[str] = frozenset({
        "parking_aisle", "parking", "driveway", "emergency_access", "private"})
    # car.lua ``avoid`` (highway classes never routed) and ``blocked_ways``
    highway_excluded: frozenset[str] = frozenset({"steps", "construction", "proposed"})
    construction_ok: frozenset[str] = frozenset({"no", "widening", "minor"})
    surface_kmh: tuple[tuple[str, float], ...] = (
        ("cement", 80), ("compacted", 80), ("fine_gravel", 80), ("paving_stones", 60),
        ("metal", 60), ("bricks", 60), ("grass", 40), ("wood", 40), ("sett", 40),
        ("grass_paver", 40), ("gravel", 40), ("unpaved", 40), ("ground", 40), ("dirt", 40),
        ("pebblestone", 40), ("tartan", 40), ("cobblestone", 30), ("clay", 30), ("earth", 20),
        ("stone", 20), ("rocky", 20), ("sand", 20), ("laterite", 15), ("mud", 10), ("ice", 20),
        ("snow", 30))
    tracktype_kmh: tuple[tuple[str, float], ...] = (
        ("grade1", 60), ("grade2", 40), ("grade3", 30), ("grade4", 25), ("grade5", 20))
    smoothness_kmh: tuple[tuple[str, float], ...] = (
        ("intermediate", 80), ("bad", 40), ("very_bad", 20), ("horrible", 10),
        ("very_horrible", 5), ("impassable", 0))
    # nodes (lib/obstacles.lua, car.lua process_node)
    signal_s: float = 2.0
    stop_s: float = 2.0
    give_way_s: float = 1.0
    barrier_passable: frozenset[str] = frozenset({
        "cattle_grid", "border_control", "toll_booth", "sally_port", "no", "entrance",
        "height_restrictor", "arch"})
    barrier_penalty_s: tuple[tuple[str, float], ...] = (("gate", 60.0), ("lift_gate", 60.0))
    # turns (car.lua process_turn): sigmoid of the angle, maxing at turn_penalty
    turn_penalty_s: float = 7.5
    turn_bias: float = 1.075
    oncoming_turn_s: float = 2.0
    left_hand_driving: bool = False

    @cached_property
    def tables(self) -> dict[str, dict[str, float]]:
        """The pair tables as dicts, built once (read for every way of a file)."""
        return {"highway": dict(self.highway_kmh), "codes": dict(self.maxspeed_codes),
                "kinds": dict(self.maxspeed_kind_default), "surface": dict(self.surface_kmh),
                "tracktype": dict(self.tracktype_kmh), "smoothness": dict(self.smoothness_kmh),
                "barrier": dict(self.barrier_penalty_s)}

    def describe(self) -> dict[str, object]:
        d = asdict(self)
        return {k: (sorted(v) if isinstance(v, frozenset) else
                    dict(v) if isinstance(v, tuple) and v and isinstance(v[0], tuple) else v)
                for k, v in d.items()}


# -- ways ------------------------------------------------------------------------------------

def directed_value(tags: Tags, keys: tuple[str, ...]) -> tuple[str | None, str | None]:
    """(forward, backward) value of the first keys present, ``key:forward`` / ``key:backward``
    before ``key`` (car.lua lib/tags.lua ``get_forward_backward_by_set``)."""
    fwd = bwd = None
    for key in keys:
        if fwd is None:
            fwd = tags.get(key + ":forward")
        if bwd is None:
            bwd = tags.get(key + ":backward")
        if fwd is None or bwd is None:
            common = tags.get(key)
            fwd = fwd if fwd is not None else common
            bwd = bwd if bwd is not None else common
        if fwd is not None and bwd is not None:
            break
    return fwd, bwd


def resolve_access(value: str | None, p: CarProfile) -> str | None:
    """``a;b`` lists keep the most permissive part (car.lua lib/access.lua)."""
    if value is None or ";" not in value:
        return value
    parts = [s.strip() for s in value.split(";")]
    def rank(s: str) -> int:
        return 2 if s in p.access_allowed else 1 if s not in p.access_denied else 0
    return max(parts, key=rank)


_LEADING_INT = re.compile(r"\s*(\d+)")


def parse_maxspeed(value: str | None, p: CarProfile) -> float:
    """Posted limit in km/h, 0 when unusable (``signals``, ``walk``, unknown code).

    Numbers read as car.lua does: the leading integer (``30;50`` → 30), ``mph`` converted;
    ``none`` → 140; ``CC:kind`` from the country table, else the kind's default.
    """
    if not value:
        return 0.0
    m = _LEADING_INT.match(value)
    if m:
        n = float(m.group(1))
        return n * MILE_KM if ("mph" in value or "mp/h" in value) else n
    v = value.strip().lower()
    codes = p.tables["codes"]
    if v in codes:
        return float(codes[v])
    kind = v.split(":", 1)[1] if ":" in v else ""
    return float(p.tables["kinds"].get(kind, 0.0))


def way_blocked(tags: Tags, p: CarProfile) -> bool:
    """Ways never routed whatever the access: areas, steps, works, reversible one-ways,
    impassable ways, excluded service roads (car.lua ``blocked_ways`` / ``avoid``; OSMnx)."""
    hw = tags.get("highway")
    construction = tags.get("construction")
    return (tags.get("area") == "yes" or hw in p.highway_excluded
            or (construction is not None and construction not in p.construction_ok)
            or tags.get("oneway") == "reversible" or tags.get("impassable") == "yes"
            or tags.get("status") == "impassable"
            or tags.get("service") in p.service_excluded)


def oneway(tags: Tags) -> int:
    """1 forward only, -1 backward only, 0 both (car.lua ``oneway``): ``oneway:motorcar`` /
    ``oneway:motor_vehicle`` / ``oneway:vehicle`` before ``oneway``; implied on motorways and
    roundabouts unless ``oneway=no`` (not on motorway links, as car.lua)."""
    value = (tags.get("oneway:motorcar") or tags.get("oneway:motor_vehicle")
             or tags.get("oneway:vehicle") or tags.get("oneway"))
    if value == "-1":
        return -1
    if value in ("yes", "1", "true"):
        return 1
    if value != "no" and (tags.get("highway") == "motorway"
                          or tags.get("junction") in ("roundabout", "circular")):
        return 1
    return 0


def _direction_kmh(hw_kmh: float | None, access: str | None, posted: float,
                   p: CarProfile) -> float:
    """Speed of one direction before the surface caps; 0 when a car may not use it."""
    if access in p.access_denied:
        return 0.0
    if hw_kmh is None:  # class without a default speed: only when access lets cars in
        if access is None:
            return 0.0
        hw_kmh = p.default_kmh
    return posted * p.speed_factor if posted > 0 else float(hw_kmh)


def way_speeds(tags: Tags, p: CarProfile) -> tuple[float, float]:
    """(forward, backward) car speed in km/h of a way, 0 where a car may not go."""
    hw = tags.get("highway")
    if not hw or way_blocked(tags, p):
        return 0.0, 0.0
    acc_f, acc_b = directed_value(tags, p.access_keys)
    acc_f, acc_b = resolve_access(acc_f, p), resolve_access(acc_b, p)
    ms_f, ms_b = directed_value(tags, p.maxspeed_keys)
    hw_kmh = p.tables["highway"].get(hw)
    fwd = _direction_kmh(hw_kmh, acc_f, parse_maxspeed(ms_f, p), p)
    bwd = _direction_kmh(hw_kmh, acc_b, parse_maxspeed(ms_b, p), p)
    cap = surface_cap(tags, p)
    fwd, bwd = min(fwd, cap), min(bwd, cap)
    direction = oneway(tags)
    if direction == 1:
        bwd = 0.0
    elif direction == -1:
        fwd = 0.0
    return fwd, bwd


def surface_cap(tags: Tags, p: CarProfile) -> float:
    """Lowest of the surface, track type and smoothness limits (car.lua ``surface``)."""
    cap = math.inf
    for key in ("surface", "tracktype", "smoothness"):
        value = tags.get(key)
        v = None if value is None else p.tables[key].get(value)
        if v is not None:
            cap = min(cap, float(v))
    return cap


def is_roundabout(tags: Tags) -> bool:
    return tags.get("junction") in ("roundabout", "circular")


# -- nodes -----------------------------------------------------------------------------------

def node_effect(tags: Tags, p: CarProfile) -> tuple[bool, float]:
    """(blocked, penalty in seconds) of passing through a node (car.lua ``process_node``):
    a node whose access denies cars, or a barrier not known to be passable, blocks; gates cost
    60 s; traffic signals 2 s, stop signs 2 s, give-way 1 s (lib/obstacles.lua). Traffic signal
    and stop directions are not modelled: the penalty applies both ways."""
    access = None
    for key in p.access_keys:
        if key in tags:
            access = resolve_access(tags[key], p)
            break
    penalty = {"traffic_signals": p.signal_s, "stop": p.stop_s,
               "give_way": p.give_way_s}.get(tags.get("highway", ""), 0.0)
    if access is not None:
        return access in p.access_denied and access != "private", penalty
    barrier = tags.get("barrier")
    if barrier is None:
        return False, penalty
    gate = p.tables["barrier"].get(barrier)
    if gate is not None:
        return False, penalty + gate
    exempt = (barrier in p.barrier_passable or tags.get("bollard") == "rising"
              or tags.get("kerb") in ("lowered", "flush")
              or (barrier == "kerb" and tags.get("highway") == "crossing")
              or (barrier == "fence" and tags.get("sensory") in ("audible", "audio")))
    return not exempt, penalty


# -- turns -----------------------------------------------------------------------------------

def turn_seconds(angle_deg, number_of_roads, roundabout, p: CarProfile):
    """Seconds of turning at a junction (car.lua ``process_turn``), vectorised.

    ``angle_deg``: deviation from straight on, positive to the right, in [-180, 180];
    ``number_of_roads``: roads meeting at the node (no penalty below 3, OSRM's rule);
    ``roundabout``: either leg is a roundabout (then no oncoming-traffic penalty).
    """
    import numpy as np

    a = np.asarray(angle_deg, dtype=np.float64)
    bias = 1.0 / p.turn_bias if p.left_hand_driving else p.turn_bias
    right = p.turn_penalty_s / (1 + np.exp(-((13 / bias) * a / 180 - 6.5 * bias)))
    left = p.turn_penalty_s / (1 + np.exp(-((13 * bias) * -a / 180 - 6.5 / bias)))
    out = np.where(a >= 0, right, left)
    crosses = (a > 0) if p.left_hand_driving else (a < 0)
    sharp = 1 / (1 + np.exp(-(13 * np.abs(a) / 180 - 3.25)))
    out = out + np.where(crosses & ~np.asarray(roundabout, dtype=bool),
                         p.oncoming_turn_s * sharp, 0.0)
    return np.where(np.asarray(number_of_roads) > 2, out, 0.0)
