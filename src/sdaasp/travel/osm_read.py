"""Read the routable ways and the nodes that cost time (signals, barriers) of an OSM file.

One pass of pyosmium over the file (node locations kept in its index, tag filtering in C++ so
that Python sees only ``highway`` / ``barrier`` objects). The car rules are those of
:mod:`sdaasp.travel.car_profile`; the walking network keeps every walkable class at one speed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from sdaasp.errors import SdaaspError
from sdaasp.travel.car_profile import CarProfile, Tags, is_roundabout, node_effect, way_speeds

_NO = {"no", "private"}
_YES = {"yes", "true", "1"}


class NetworkError(SdaaspError):
    """An OSM file that cannot give a routable network."""


@dataclass(frozen=True)
class OsmWays:
    """The routable ways of an OSM file as flat arrays (one row per consecutive node pair).

    ``forward_kmh`` / ``backward_kmh``: speed along / against the way's drawing direction, 0
    where the mode may not go. ``node_blocked`` / ``node_penalty_s``: one per node.
    """

    node_id: np.ndarray      # OSM ids of all nodes used, sorted, shape (n,)
    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray            # segment start, index into node_id
    v: np.ndarray
    forward_kmh: np.ndarray
    backward_kmh: np.ndarray
    roundabout: np.ndarray   # bool, per segment
    node_blocked: np.ndarray
    node_penalty_s: np.ndarray


def walk_speeds(speeds: dict[str, float]) -> Callable[[Tags], tuple[float, float]]:
    """Walking rule: walkable classes both ways, unless foot or general access says no."""
    def rule(tags: Tags) -> tuple[float, float]:
        hw = tags.get("highway")
        if hw not in speeds or tags.get("area") == "yes" or tags.get("foot") in _NO:
            return 0.0, 0.0
        if tags.get("access") in _NO and tags.get("foot") not in _YES:
            return 0.0, 0.0
        return float(speeds[hw]), float(speeds[hw])
    return rule


def read_ways(path: str | Path, speeds_of: Callable[[Tags], tuple[float, float]],
              profile: CarProfile | None, label: str) -> OsmWays:
    """Read ``path`` with pyosmium; ``speeds_of`` gives a way's (forward, backward) km/h;
    ``profile`` (car only) gives the node rules."""
    import osmium

    path = Path(path)
    if not path.is_file():
        raise NetworkError(f"Fichier OpenStreetMap introuvable : {path}")
    coords: list[np.ndarray] = []
    way_fwd: list[float] = []
    way_bwd: list[float] = []
    way_rb: list[bool] = []
    node_ids: list[int] = []
    node_blk: list[bool] = []
    node_pen: list[float] = []
    try:
        fp = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
              .with_locations().with_filter(osmium.filter.KeyFilter("highway", "barrier")))
        for obj in fp:
            if isinstance(obj, osmium.osm.Node):
                if profile is not None:
                    blocked, pen = node_effect(cast(Tags, obj.tags), profile)
                    if blocked or pen:
                        node_ids.append(obj.id)
                        node_blk.append(blocked)
                        node_pen.append(pen)
                continue
            if not isinstance(obj, osmium.osm.Way):
                continue
            tags = cast(Tags, obj.tags)  # pyosmium's TagList reads like a mapping
            fwd, bwd = speeds_of(tags)
            if fwd <= 0 and bwd <= 0:
                continue
            nodes = [(n.ref, n.lon, n.lat) for n in obj.nodes if n.location.valid()]
            if len(nodes) < 2:
                continue
            coords.append(np.asarray(nodes, dtype=np.float64))
            way_fwd.append(fwd)
            way_bwd.append(bwd)
            way_rb.append(is_roundabout(tags))
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise NetworkError(f"Fichier OpenStreetMap illisible : {path} ({exc})") from exc
    if not coords:
        raise NetworkError(f"Aucune voie utilisable ({label}) dans {path}.")
    return _flatten(coords, np.asarray(way_fwd), np.asarray(way_bwd), np.asarray(way_rb),
                    np.asarray(node_ids, dtype=np.int64), np.asarray(node_blk, dtype=bool),
                    np.asarray(node_pen, dtype=np.float64))


def _flatten(coords: list[np.ndarray], fwd: np.ndarray, bwd: np.ndarray, rb: np.ndarray,
             tagged_id: np.ndarray, tagged_blocked: np.ndarray,
             tagged_penalty: np.ndarray) -> OsmWays:
    lengths = np.fromiter((a.shape[0] for a in coords), dtype=np.int64, count=len(coords))
    allc = np.concatenate(coords)
    all_ids = allc[:, 0].astype(np.int64)
    node_id, first, inverse = np.unique(all_ids, return_index=True, return_inverse=True)
    ends = np.cumsum(lengths)
    pair = np.ones(all_ids.size, dtype=bool)
    pair[ends - 1] = False          # the last node of a way starts no segment
    src = np.flatnonzero(pair)
    way_of = np.repeat(np.arange(len(coords)), lengths)[src]
    blocked = np.zeros(node_id.size, dtype=bool)
    penalty = np.zeros(node_id.size)
    if tagged_id.size:
        pos = np.searchsorted(node_id, tagged_id)
        pos = np.minimum(pos, node_id.size - 1)
        hit = node_id[pos] == tagged_id
        blocked[pos[hit]] = tagged_blocked[hit]
        penalty[pos[hit]] = tagged_penalty[hit]
    return OsmWays(
        node_id=node_id, lon=allc[first, 1], lat=allc[first, 2],
        u=inverse[src], v=inverse[src + 1],
        forward_kmh=fwd[way_of], backward_kmh=bwd[way_of], roundabout=rb[way_of],
        node_blocked=blocked, node_penalty_s=penalty,
    )


def car_speeds(profile: CarProfile) -> Callable[[Tags], tuple[float, float]]:
    def rule(tags: Tags) -> tuple[float, float]:
        return way_speeds(tags, profile)
    return rule
