"""Road (car) or footpath (walk) network built from an OpenStreetMap file.

Stages, in the spirit of OSMnx: read the ways (:func:`read_osm`), build a directed graph whose
edge weights are travel times (speeds by road class, one-way streets respected), keep the
largest strongly connected component for snapping, snap points with a KD-tree within a bounded
distance, then answer "nearest service" with ONE multi-source Dijkstra on the reversed graph:
a virtual source joined to every service node (edge weight = the service's connector time) so
that the time of every node to its nearest service comes out of a single search
(``scipy.sparse.csgraph.dijkstra``), never from an origin × destination matrix.

Sources of the defaults are in docs/methods.md (« Modèle réseau »).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from pyproj import Transformer
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from sdaasp.errors import SdaaspError
from sdaasp.travel.base import Nearest, Pairs, TravelModel, as_xy, empty_nearest

#: Car speeds (km/h) by OSM ``highway`` class: the defaults of OSRM's car profile
#: (profiles/car.lua, ``speeds.highway``), used when a way has no usable ``maxspeed``.
CAR_SPEEDS: tuple[tuple[str, float], ...] = (
    ("motorway", 90), ("motorway_link", 45), ("trunk", 85), ("trunk_link", 40),
    ("primary", 65), ("primary_link", 30), ("secondary", 55), ("secondary_link", 25),
    ("tertiary", 40), ("tertiary_link", 20), ("unclassified", 25), ("residential", 25),
    ("living_street", 10), ("service", 15),
)
#: Walking speed (km/h) on every walkable class: 5 km/h, OSRM's foot profile default.
WALK_CLASSES = (
    "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
    "tertiary", "tertiary_link", "unclassified", "residential", "road", "living_street",
    "service", "track", "path", "steps", "pedestrian", "footway", "bridleway", "pier",
)
WALK_SPEEDS: tuple[tuple[str, float], ...] = tuple((c, 5.0) for c in WALK_CLASSES)

_NO = {"no", "private"}
_YES = {"yes", "true", "1"}


class NetworkError(SdaaspError):
    """An OSM file that cannot give a routable network."""


@dataclass(frozen=True)
class NetworkConfig:
    """Parameters of the network model.

    Attributes
    ----------
    mode : ``"car"`` (one-way streets respected) or ``"walk"`` (both directions).
    speeds_kmh : speed by ``highway`` class; classes absent from the table are not routable.
    max_snap_m : a point farther than this from the network is reported as not placed
        (time ``nan``), never given a time of 0.
    connector_kmh : speed on the straight leg between a point and its snapped node (the
        ``service`` class speed for a car, walking speed on foot).
    crs : projected CRS of the points (EPSG code); the graph's nodes are projected into it.
    """

    mode: str = "car"
    speeds_kmh: tuple[tuple[str, float], ...] = CAR_SPEEDS
    max_snap_m: float = 1000.0
    connector_kmh: float = 15.0
    crs: int = 2154

    @classmethod
    def walk(cls, **kw: object) -> NetworkConfig:
        return cls(mode="walk", speeds_kmh=WALK_SPEEDS, connector_kmh=5.0, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class OsmWays:
    """The routable ways of an OSM file as flat arrays (one row per consecutive node pair)."""

    node_id: np.ndarray      # OSM ids of all nodes used, shape (n,)
    lon: np.ndarray
    lat: np.ndarray
    u: np.ndarray            # edge start, index into node_id
    v: np.ndarray
    speed_kmh: np.ndarray
    forward: np.ndarray      # bool: u -> v allowed
    backward: np.ndarray     # bool: v -> u allowed


def read_osm(path: str | Path, config: NetworkConfig) -> OsmWays:
    """Read the routable ways of a ``.osm.pbf`` / ``.osm`` file with pyosmium."""
    import osmium

    path = Path(path)
    if not path.is_file():
        raise NetworkError(f"Fichier OpenStreetMap introuvable : {path}")
    speeds = dict(config.speeds_kmh)
    car = config.mode == "car"
    ids: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    way_speed: list[float] = []
    way_dir: list[int] = []  # 0 both, 1 forward only, -1 backward only
    try:
        fp = (osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
              .with_locations().with_filter(osmium.filter.KeyFilter("highway")))
        for w in fp:
            if not isinstance(w, osmium.osm.Way):
                continue
            tags = w.tags
            hw = tags.get("highway")
            if hw not in speeds or tags.get("area") == "yes":
                continue
            if tags.get("access") in _NO and not (
                (car and tags.get("motor_vehicle") == "yes")
                or (not car and tags.get("foot") in _YES)
            ):
                continue
            if car and (tags.get("motor_vehicle") in _NO or tags.get("motorcar") in _NO):
                continue
            if not car and tags.get("foot") in _NO:
                continue
            nodes = [(n.ref, n.lon, n.lat) for n in w.nodes if n.location.valid()]
            if len(nodes) < 2:
                continue
            arr = np.asarray(nodes, dtype=np.float64)
            ids.append(arr[:, 0].astype(np.int64))
            lons.append(arr[:, 1])
            lats.append(arr[:, 2])
            way_speed.append(float(speeds[hw]))
            way_dir.append(_direction(tags, hw) if car else 0)
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise NetworkError(f"Fichier OpenStreetMap illisible : {path} ({exc})") from exc
    if not ids:
        raise NetworkError(
            f"Aucune voie utilisable ({'voiture' if car else 'piéton'}) dans {path}."
        )
    lengths = np.fromiter((a.size for a in ids), dtype=np.int64, count=len(ids))
    all_ids = np.concatenate(ids)
    all_lon = np.concatenate(lons)
    all_lat = np.concatenate(lats)
    node_id, first, inverse = np.unique(all_ids, return_index=True, return_inverse=True)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    pair = np.ones(all_ids.size, dtype=bool)
    pair[ends - 1] = False          # the last node of a way starts no edge
    src = np.flatnonzero(pair)
    way_of = np.repeat(np.arange(len(ids)), lengths)[src]
    direction = np.asarray(way_dir)[way_of]
    del starts
    return OsmWays(
        node_id=node_id, lon=all_lon[first], lat=all_lat[first],
        u=inverse[src], v=inverse[src + 1],
        speed_kmh=np.asarray(way_speed)[way_of],
        forward=direction >= 0, backward=direction <= 0,
    )


def _direction(tags: object, hw: str) -> int:
    oneway = tags.get("oneway", "")  # type: ignore[attr-defined]
    if oneway in _YES:
        return 1
    if oneway in {"-1", "reverse"}:
        return -1
    if oneway == "no":
        return 0
    if hw in ("motorway", "motorway_link") or tags.get("junction") in ("roundabout", "circular"):  # type: ignore[attr-defined]
        return 1
    return 0


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (mean Earth radius 6,371,008.8 m, IUGG)."""
    r = 6_371_008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


class NetworkModel(TravelModel):
    """Travel times on an OSM road or footpath network (SciPy csgraph Dijkstra)."""

    kind = "network"

    def __init__(self, ways: OsmWays, config: NetworkConfig | None = None, *,
                 source: str = "") -> None:
        self.config = config or NetworkConfig()
        self.source = source
        length = haversine_m(ways.lon[ways.u], ways.lat[ways.u], ways.lon[ways.v], ways.lat[ways.v])
        seconds = length / (ways.speed_kmh / 3.6)
        u = np.concatenate([ways.u[ways.forward], ways.v[ways.backward]])
        v = np.concatenate([ways.v[ways.forward], ways.u[ways.backward]])
        t = np.concatenate([seconds[ways.forward], seconds[ways.backward]])
        m = np.concatenate([length[ways.forward], length[ways.backward]])
        keep = u != v
        u, v, t, m = u[keep], v[keep], t[keep], m[keep]
        # Parallel edges: keep the fastest (a sparse matrix would sum them).
        order = np.lexsort((t, v, u))
        u, v, t, m = u[order], v[order], t[order], m[order]
        first = np.ones(u.size, dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        self.edge_u, self.edge_v = u[first], v[first]
        self.edge_seconds, self.edge_m = t[first], m[first]
        n = ways.node_id.size
        self.n_nodes = n
        self.node_id = ways.node_id
        self.lon, self.lat = ways.lon, ways.lat
        self.graph = sp.csr_matrix((self.edge_seconds, (self.edge_u, self.edge_v)), shape=(n, n))
        self.lengths = sp.csr_matrix((self.edge_m, (self.edge_u, self.edge_v)), shape=(n, n))
        self.reverse = self.graph.T.tocsr()
        tr = Transformer.from_crs(4326, self.config.crs, always_xy=True)
        x, y = tr.transform(ways.lon, ways.lat)
        self.xy = np.column_stack([x, y])
        _, labels = connected_components(self.graph, directed=True, connection="strong")
        biggest = np.bincount(labels).argmax()
        self.snappable = np.flatnonzero(labels == biggest)
        self._tree = cKDTree(self.xy[self.snappable])

    @classmethod
    def from_osm(cls, path: str | Path, config: NetworkConfig | None = None) -> NetworkModel:
        config = config or NetworkConfig()
        return cls(read_osm(path, config), config, source=str(path))

    def describe(self) -> dict[str, object]:
        d = asdict(self.config)
        d["speeds_kmh"] = dict(self.config.speeds_kmh)
        return {"kind": self.kind, "source": self.source, "nodes": int(self.n_nodes),
                "edges": int(self.edge_u.size), **d}

    # -- snapping ------------------------------------------------------------------------------
    def snap(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest node of the main component within ``max_snap_m``.

        Returns node index (-1 when too far), connector length (m) and connector time (s).
        """
        pts = as_xy(xy)
        if pts.shape[0] == 0:
            e = np.array([], dtype=np.int64)
            return e, np.array([]), np.array([])
        d, i = self._tree.query(pts, distance_upper_bound=self.config.max_snap_m)
        ok = np.isfinite(d)
        node = np.full(pts.shape[0], -1, dtype=np.int64)
        node[ok] = self.snappable[i[ok]]
        d = np.where(ok, d, np.nan)
        return node, d, d / (self.config.connector_kmh / 3.6)

    # -- nearest: one multi-source search ------------------------------------------------------
    def node_times(self, services_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Seconds from every node to its nearest service, network metres and service index.

        One Dijkstra on the reversed graph from a virtual source linked to every snapped
        service node (edge = the service's connector time).
        """
        node, dist_c, time_c = self.snap(services_xy)
        n = self.n_nodes
        ok = node >= 0
        if not ok.any():
            return (np.full(n, np.inf), np.full(n, np.inf), np.full(n, -1, dtype=np.int64))
        # Best service per node (several services may share a node).
        cand = np.flatnonzero(ok)
        order = np.lexsort((time_c[cand], node[cand]))
        cand = cand[order]
        firsts = np.ones(cand.size, dtype=bool)
        firsts[1:] = node[cand][1:] != node[cand][:-1]
        best = cand[firsts]
        seed_nodes = node[best]
        aug = sp.bmat([[self.reverse, None],
                       [sp.csr_matrix((time_c[best], (np.zeros(best.size, dtype=np.int64),
                                                      seed_nodes)), shape=(1, n)), None]],
                      format="csr")
        aug.resize((n + 1, n + 1))
        dist, pred = dijkstra(aug, directed=True, indices=n, return_predecessors=True)
        dist, pred = dist[:n], pred[:n]
        # Pointer jumping along the shortest-path tree: network metres and the service node.
        parent = np.where((pred >= 0) & (pred < n), pred, np.arange(n))
        nodes = np.arange(n)
        step = np.asarray(self.lengths[nodes, parent]).ravel()
        step[parent == nodes] = 0.0
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            step = step + step[parent]
            parent = grand
        service_at = np.full(n, -1, dtype=np.int64)
        service_at[seed_nodes] = best
        svc = np.where(np.isfinite(dist), service_at[parent], -1)
        metres = np.where(svc >= 0, step + np.nan_to_num(dist_c[np.maximum(svc, 0)]), np.inf)
        return dist, metres, svc

    def nearest(self, origins_xy, services_xy, *, k=1, origin_context=None,
                dtype=np.float64) -> Nearest:
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        if s.shape[0] == 0 or not (self.snap(s)[0] >= 0).any():
            # No service, or none on the network: the time is not known (nan), not "none
            # reachable" — a network that does not cover the services says nothing of them.
            return empty_nearest(o.shape[0], k, dtype=dtype)
        if k > 1:
            return _k_nearest_from_pairs(
                self.pairs_within(o, s, max_minutes=np.inf), k, dtype=dtype)
        seconds, metres, svc = self.node_times(s)
        onode, odist, otime = self.snap(o)
        placed = onode >= 0
        n_idx = np.maximum(onode, 0)
        minutes = np.where(placed, (seconds[n_idx] + otime) / 60.0, np.nan)
        dist = np.where(placed, metres[n_idx] + odist, np.nan)
        service = np.where(placed, svc[n_idx], -1)
        return Nearest(minutes[:, None].astype(dtype, copy=False),
                       dist[:, None].astype(dtype, copy=False), service[:, None])

    # -- catchments: one bounded search per service node, in batches ---------------------------
    def pairs_within(self, origins_xy, services_xy, *, max_minutes, origin_context=None,
                     batch_cells: int = 20_000_000) -> Pairs:
        """Every (origin, service) pair within ``max_minutes``, with the network metres of the
        time-shortest path (connectors included), from one bounded Dijkstra per service node.
        """
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        onode, odist, otime = self.snap(o)
        snode, sdist, stime = self.snap(s)
        limit = float(max_minutes) * 60.0
        rows, cols, mins, metres = [], [], [], []
        o_ok = np.flatnonzero(onode >= 0)
        s_ok = np.flatnonzero(snode >= 0)
        uniq, inv = np.unique(snode[s_ok], return_inverse=True)
        batch = max(1, batch_cells // max(self.n_nodes, 1))
        for start in range(0, uniq.size, batch):
            block = uniq[start:start + batch]
            d, pred = dijkstra(self.reverse, directed=True, indices=block,
                               limit=limit if np.isfinite(limit) else np.inf,
                               return_predecessors=True)
            sel = (inv >= start) & (inv < start + block.size)
            for_s = s_ok[sel]
            row_in_block = inv[sel] - start
            t = (d[row_in_block][:, onode[o_ok]] + stime[for_s][:, None]
                 + otime[o_ok][None, :]) / 60.0
            si, oi = np.nonzero(t <= max_minutes)
            tree_m = self._tree_metres(d, pred, row_in_block[si], onode[o_ok[oi]])
            del pred
            rows.append(o_ok[oi])
            cols.append(for_s[si])
            mins.append(t[si, oi])
            metres.append(tree_m + sdist[for_s[si]] + odist[o_ok[oi]])
        if rows:
            r, c = np.concatenate(rows), np.concatenate(cols)
            m, dm = np.concatenate(mins), np.concatenate(metres)
        else:
            r = c = np.array([], dtype=np.int64)
            m = dm = np.array([], dtype=np.float64)
        placed = onode >= 0
        return Pairs.sorted_by_origin(r, c, m, dm, o.shape[0], s.shape[0],
                                      None if placed.all() else placed)

    def _tree_metres(self, d: np.ndarray, pred: np.ndarray, row: np.ndarray,
                     node: np.ndarray) -> np.ndarray:
        """Network metres from ``node`` to the source of ``row`` along the shortest-path trees
        of a batched Dijkstra on the reversed graph (``d``, ``pred``: one row per source, as
        SciPy returns them): the metres of the time-shortest path.

        Pointer jumping, as :meth:`node_times` does for one tree, on the reached (row, node)
        cells (all cells when most are reached: unreached ones are their own root): a cell's
        parent is its predecessor in the same row, and ``log2(depth)`` vectorised doublings sum
        the edge lengths up to the root. No loop over origins.
        """
        if row.size == 0:
            return np.zeros(0)
        n = self.n_nodes
        reached = np.flatnonzero(np.isfinite(d.ravel()))
        if reached.size > d.size // 2:  # mostly reached: every cell, no index to build
            reached = np.arange(d.size)
            where = reached
        else:
            where = np.full(d.size, -1, dtype=np.intp)  # cell -> index among reached cells
            where[reached] = np.arange(reached.size)
        pnode = pred.ravel()[reached].astype(np.intp)
        row_of = reached // n
        child = np.flatnonzero(pnode >= 0)               # every reached cell but the roots
        parent = np.arange(reached.size, dtype=np.intp)
        parent[child] = where[row_of[child] * n + pnode[child]]
        step = np.zeros(reached.size)
        # Reversed-graph edge p -> v is the forward edge v -> p: its length is lengths[v, p].
        step[child] = np.asarray(
            self.lengths[reached[child] - row_of[child] * n, pnode[child]]).ravel()
        del pnode, row_of, child
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            step += step[parent]
            parent = grand
        # Roots have a step of 0: a cell pointing at its root holds its whole length.
        return step[where[row.astype(np.intp) * n + node]]


def _k_nearest_from_pairs(p: Pairs, k: int, *, dtype: type = np.float64) -> Nearest:
    """k smallest times per origin from a catchment (vectorised sort, no loop over origins).

    A placed origin with fewer than ``k`` reachable services gets ``inf`` for the missing
    ranks; an origin the model could not place gets ``nan`` on every rank (not known).
    """
    minutes = np.full((p.n_origins, k), np.inf)
    dist = np.full((p.n_origins, k), np.inf)
    service = np.full((p.n_origins, k), -1, dtype=np.int64)
    order = np.lexsort((p.minutes, p.origin))
    o, m, s, d = p.origin[order], p.minutes[order], p.service[order], p.distance_m[order]
    start = np.searchsorted(o, o, side="left")
    rank = np.arange(o.size) - start
    keep = rank < k
    minutes[o[keep], rank[keep]] = m[keep]
    dist[o[keep], rank[keep]] = d[keep]
    service[o[keep], rank[keep]] = s[keep]
    lost = ~p.placed
    minutes[lost] = np.nan
    dist[lost] = np.nan
    return Nearest(minutes.astype(dtype, copy=False), dist.astype(dtype, copy=False), service)
