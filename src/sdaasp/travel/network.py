"""Road (car) or footpath (walk) network built from an OpenStreetMap file.

Stages, in the spirit of OSMnx: read the ways (:func:`read_osm`, rules of
:mod:`sdaasp.travel.car_profile`), build the search graph (:mod:`sdaasp.travel.graph`: segment
times from ``maxspeed`` or the class speed, node penalties, turn costs at junctions), keep its
largest strongly connected component for snapping, snap points with a KD-tree within a bounded
distance, then answer "nearest service" with ONE multi-source Dijkstra on the reversed graph
(``scipy.sparse.csgraph.dijkstra`` with ``min_only``), each service a stub row whose single edge
carries its connector time, never an origin × destination matrix.

A built model can be saved and loaded (:meth:`NetworkModel.save`, :meth:`NetworkModel.load`)
without reading the OSM file again. Sources of the defaults are in docs/methods.md
(« Modèle réseau »).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from pyproj import Transformer
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from sdaasp.travel.base import Nearest, Pairs, TravelModel, as_xy, empty_nearest
from sdaasp.travel.car_profile import HIGHWAY_KMH, PROFILE_VERSION, CarProfile
from sdaasp.travel.graph import (
    StubRows,
    best_of_groups,
    build_search_graph,
    csr,
    directed_segments,
    expand,
)
from sdaasp.travel.osm_read import NetworkError, OsmWays, car_speeds, read_ways, walk_speeds

__all__ = ["CAR_SPEEDS", "FORMAT_VERSION", "WALK_SPEEDS", "NetworkConfig", "NetworkError",
           "NetworkModel", "OsmWays", "haversine_m", "read_osm"]

#: Car speeds (km/h) by OSM ``highway`` class when a way has no usable ``maxspeed``.
CAR_SPEEDS = HIGHWAY_KMH
#: Walking speed (km/h) on every walkable class: 5 km/h, OSRM's foot profile default.
WALK_CLASSES = (
    "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link",
    "tertiary", "tertiary_link", "unclassified", "residential", "road", "living_street",
    "service", "track", "path", "steps", "pedestrian", "footway", "bridleway", "pier",
)
WALK_SPEEDS: tuple[tuple[str, float], ...] = tuple((c, 5.0) for c in WALK_CLASSES)
#: Version of the saved-graph format (:meth:`NetworkModel.save`).
FORMAT_VERSION = 1


@dataclass(frozen=True)
class NetworkConfig:
    """Parameters of the network model.

    Attributes
    ----------
    mode : ``"car"`` (car profile: access, one-way streets, ``maxspeed``, node penalties, turn
        costs) or ``"walk"`` (both directions, one speed).
    speeds_kmh : speed by ``highway`` class when no ``maxspeed`` applies; for a car, classes
        absent from the table are routable only when an access tag lets cars in.
    max_snap_m : a point farther than this from the network is reported as not placed
        (time ``nan``), never given a time of 0.
    connector_kmh : speed on the straight leg between a point and its snapped node (the
        ``service`` class speed for a car, walking speed on foot).
    crs : projected CRS of the points (EPSG code); the graph's nodes are projected into it.
    turn_costs : car only; charge turns at junctions as car.lua does.
    profile : the car profile (rules and penalties, :mod:`sdaasp.travel.car_profile`).
    """

    mode: str = "car"
    speeds_kmh: tuple[tuple[str, float], ...] = CAR_SPEEDS
    max_snap_m: float = 1000.0
    connector_kmh: float = 15.0
    crs: int = 2154
    turn_costs: bool = True
    profile: CarProfile = field(default_factory=CarProfile)

    @classmethod
    def walk(cls, **kw: object) -> NetworkConfig:
        return cls(mode="walk", speeds_kmh=WALK_SPEEDS, connector_kmh=5.0, turn_costs=False,
                   **kw)  # type: ignore[arg-type]

    def car_profile(self) -> CarProfile | None:
        """The car profile with this configuration's class speeds; ``None`` on foot."""
        if self.mode != "car":
            return None
        return replace(self.profile, highway_kmh=tuple(self.speeds_kmh))

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["speeds_kmh"] = dict(self.speeds_kmh)
        profile = self.car_profile()
        d["profile"] = profile.describe() if profile is not None else None
        return d


def read_osm(path: str | Path, config: NetworkConfig) -> OsmWays:
    """Read the routable ways (and, for a car, the nodes that cost time) of an OSM file."""
    profile = config.car_profile()
    if profile is not None:
        return read_ways(path, car_speeds(profile), profile, "voiture")
    return read_ways(path, walk_speeds(dict(config.speeds_kmh)), None, "piéton")


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres (mean Earth radius 6,371,008.8 m, IUGG)."""
    r = 6_371_008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


_SAVED = ("node_id", "lon", "lat", "xy", "edge_u", "edge_v", "edge_seconds", "edge_m", "ported",
          "dep_ptr", "dep_vtx", "arr_ptr", "arr_vtx", "arr_s", "arr_m", "snappable")


class NetworkModel(TravelModel):
    """Travel times on an OSM road or footpath network (SciPy csgraph Dijkstra).

    Vertices ``0 .. n_nodes - 1`` of the search graph are the OSM nodes (``node_id``, ``xy``);
    a trip starting or ending at a junction or a barrier (``ported``) leaves from its out-ports
    and arrives through its incoming segments (``dep_*`` / ``arr_*``, see
    :mod:`sdaasp.travel.graph`). ``edge_*`` are the search graph's edges, ``graph`` /
    ``lengths`` its seconds / metres as CSR matrices.
    """

    kind = "network"

    def __init__(self, ways: OsmWays, config: NetworkConfig | None = None, *,
                 source: str = "") -> None:
        config = config or NetworkConfig()
        length = haversine_m(ways.lon[ways.u], ways.lat[ways.u], ways.lon[ways.v],
                             ways.lat[ways.v])
        seg = directed_segments(ways.u, ways.v, length, ways.forward_kmh, ways.backward_kmh,
                                ways.roundabout)
        tr = Transformer.from_crs(4326, config.crs, always_xy=True)
        x, y = tr.transform(ways.lon, ways.lat)
        xy = np.column_stack([x, y])
        profile = config.car_profile() if config.turn_costs else None
        g = build_search_graph(seg, xy, ways.node_blocked, ways.node_penalty_s, profile)
        arrays = {"node_id": ways.node_id, "lon": ways.lon, "lat": ways.lat, "xy": xy,
                  "edge_u": g.u, "edge_v": g.v, "edge_seconds": g.seconds, "edge_m": g.metres,
                  "ported": g.ported, "dep_ptr": g.dep_ptr, "dep_vtx": g.dep_vtx,
                  "arr_ptr": g.arr_ptr, "arr_vtx": g.arr_vtx, "arr_s": g.arr_s,
                  "arr_m": g.arr_m}
        self._setup(config, source, arrays, g.n_vertices, n_segments=int(seg.u.size))

    def _setup(self, config: NetworkConfig, source: str, a: dict[str, np.ndarray],
               n_vertices: int, n_segments: int) -> None:
        self.config = config
        self.source = source
        self.node_id, self.lon, self.lat, self.xy = a["node_id"], a["lon"], a["lat"], a["xy"]
        self.edge_u, self.edge_v = a["edge_u"], a["edge_v"]
        self.edge_seconds, self.edge_m = a["edge_seconds"], a["edge_m"]
        self.ported = a["ported"]
        self.dep_ptr, self.dep_vtx = a["dep_ptr"], a["dep_vtx"]
        self.arr_ptr, self.arr_vtx = a["arr_ptr"], a["arr_vtx"]
        self.arr_s, self.arr_m = a["arr_s"], a["arr_m"]
        self.n_nodes = int(self.node_id.size)
        self.n_vertices = int(n_vertices)
        self.n_segments = n_segments
        nv = self.n_vertices
        self.graph = csr(self.edge_u, self.edge_v, self.edge_seconds, nv)
        self.lengths = csr(self.edge_u, self.edge_v, self.edge_m, nv)
        self.reverse = csr(self.edge_v, self.edge_u, self.edge_seconds, nv)
        # forward edges sorted by (u, v): the metres of a tree edge found by one search
        key = self.edge_u.astype(np.int64) * nv + self.edge_v
        order = np.argsort(key)
        self._edge_key = key[order]
        self._edge_key_m = self.edge_m[order]
        self._stubs = StubRows(self.reverse)
        self.snappable = a["snappable"] if "snappable" in a else self._main_component()
        self._tree = cKDTree(self.xy[self.snappable])
        self._prepared: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def _main_component(self) -> np.ndarray:
        """Nodes from which a trip can leave into, and at which one can arrive from, the
        largest strongly connected component of the search graph."""
        _, labels = connected_components(self.graph, directed=True, connection="strong")
        biggest = np.bincount(labels).argmax()
        nodes = np.arange(self.n_nodes)
        ok = np.zeros(self.n_nodes, dtype=bool)
        for ptr, vtx in ((self.dep_ptr, self.dep_vtx), (self.arr_ptr, self.arr_vtx)):
            entry, owner = expand(ptr, nodes)
            hit = np.zeros(self.n_nodes, dtype=bool)
            hit[owner[labels[vtx[entry]] == biggest]] = True
            ok = hit if ptr is self.dep_ptr else ok & hit
        return np.flatnonzero(ok)

    def _stub_entries(self, snode: np.ndarray, sdist: np.ndarray, stime: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Stub rows of the snapped services: per service, its entry count, and for each entry
        the vertex reached, seconds (connector + arrival) and metres."""
        entry, owner = expand(self.arr_ptr, snode)
        counts = np.bincount(owner, minlength=snode.size)
        return (counts, self.arr_vtx[entry], stime[owner] + self.arr_s[entry],
                sdist[owner] + self.arr_m[entry])

    def _departure(self, values: np.ndarray, onode: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Best value over the departure vertices of each origin node (last axis of
        ``values`` indexed by vertex) and the vertex holding it (-1 when none)."""
        entry, owner = expand(self.dep_ptr, onode)
        vtx = self.dep_vtx[entry]
        best, arg = best_of_groups(values[..., vtx], owner, onode.size)
        return best, np.where(arg >= 0, vtx[np.maximum(arg, 0)], -1)

    @classmethod
    def from_osm(cls, path: str | Path, config: NetworkConfig | None = None) -> NetworkModel:
        config = config or NetworkConfig()
        return cls(read_osm(path, config), config, source=str(path))

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "source": self.source, "nodes": self.n_nodes,
                "edges": self.n_segments, "search_vertices": self.n_vertices,
                "search_edges": int(self.edge_u.size), "format_version": FORMAT_VERSION,
                "profile_version": PROFILE_VERSION if self.config.mode == "car" else None,
                **self.config.to_dict()}

    # -- save / load ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the built graph to one ``.npz`` file (arrays + a JSON description)."""
        path = Path(path)
        meta = {"format_version": FORMAT_VERSION, "profile_version": PROFILE_VERSION,
                "source": self.source, "n_vertices": self.n_vertices,
                "n_segments": self.n_segments, "config": _config_json(self.config)}
        with path.open("wb") as f:
            np.savez(f, meta=np.array(json.dumps(meta)),
                     **{k: getattr(self, k) for k in _SAVED})
        return path

    @classmethod
    def load(cls, path: str | Path) -> NetworkModel:
        """Read a graph written by :meth:`save`; refuse another format or profile version."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                arrays = {k: z[k] for k in _SAVED}
        except (OSError, ValueError, KeyError) as exc:
            raise NetworkError(f"Graphe routier enregistré illisible : {path} ({exc})") from exc
        if meta.get("format_version") != FORMAT_VERSION:
            raise NetworkError(
                f"Graphe routier enregistré au format {meta.get('format_version')} : {path} ; "
                f"format attendu {FORMAT_VERSION}, reconstruire le graphe.")
        if meta.get("profile_version") != PROFILE_VERSION:
            raise NetworkError(
                f"Graphe routier enregistré avec le profil {meta.get('profile_version')} : "
                f"{path} ; profil actuel {PROFILE_VERSION}, reconstruire le graphe.")
        model = cls.__new__(cls)
        model._setup(_config_from_json(meta["config"]), meta["source"], arrays,
                     meta["n_vertices"], meta["n_segments"])
        return model

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

    def prepare_origins(self, origins_xy: np.ndarray) -> None:
        """Snap these origins once; later calls with equal origins reuse the snapping."""
        o = as_xy(origins_xy)
        self._prepared = (o.copy(), *self.snap(o))

    def _snap_origins(self, o: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = self._prepared
        if p is not None and p[0].shape == o.shape and np.array_equal(p[0], o):
            return p[1], p[2], p[3]
        return self.snap(o)

    # -- nearest: one multi-source search ------------------------------------------------------
    def search(self, services_xy: np.ndarray, *, metres: bool = True
               ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Seconds from every vertex to its nearest service, network metres (when asked) and
        service index (-1 where none is reachable): one Dijkstra on the reversed graph from one
        stub row per snapped service, whose edges reach the vertices the service is arrived at
        from (weight = connector time + arrival time)."""
        return self._search_snapped(*self.snap(services_xy), metres=metres)

    def _search_snapped(self, snode: np.ndarray, sdist: np.ndarray, stime: np.ndarray, *,
                        metres: bool) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        nv = self.n_vertices
        ok = np.flatnonzero(snode >= 0)
        if ok.size == 0:
            return np.full(nv, np.inf), (np.full(nv, np.inf) if metres else None), \
                np.full(nv, -1, dtype=np.int64)
        counts, targets, weights, stub_m = self._stub_entries(snode[ok], sdist[ok], stime[ok])
        g = self._stubs.with_stubs(counts, targets, weights)
        stubs = np.arange(nv, nv + ok.size)
        dist, pred, src = dijkstra(g, directed=True, indices=stubs, min_only=True,
                                   return_predecessors=True)
        svc = src[:nv] - nv          # stub row -> index among the snapped services
        svc[svc < 0] = -1
        if ok.size != snode.size:    # back to the caller's service index
            svc = np.where(svc >= 0, ok[np.maximum(svc, 0)], -1)
        out_m = None
        if metres:
            out_m = self._tree_metres_from(pred, counts, targets, stub_m)[:nv]
            out_m[svc < 0] = np.inf
        return dist[:nv], out_m, svc

    def node_times(self, services_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Seconds, metres and service index for every search vertex (see :meth:`search`)."""
        sec, metres, svc = self.search(services_xy, metres=True)
        assert metres is not None
        return sec, metres, svc

    def _stub_keys(self, counts: np.ndarray, targets: np.ndarray, stub_m: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Sorted keys (stub row × vertices + target) of the stub entries and their metres."""
        total = self.n_vertices + counts.size
        key = np.repeat(np.arange(counts.size), counts).astype(np.int64) * total + targets
        order = np.argsort(key)
        return key[order], stub_m[order]

    def _step_metres(self, v: np.ndarray, p: np.ndarray, n_stubs: int,
                     stub_keys: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Metres of the tree edge p -> v of a search on the reversed graph with stub rows:
        the forward edge v -> p, or a stub's entry when p is a stub row."""
        nv = self.n_vertices
        out = np.empty(v.size)
        road = p < nv
        pos = np.searchsorted(self._edge_key, v[road].astype(np.int64) * nv + p[road])
        out[road] = self._edge_key_m[pos]
        stub = ~road
        keys, metres = stub_keys
        pos = np.searchsorted(keys, (p[stub] - nv).astype(np.int64) * (nv + n_stubs) + v[stub])
        out[stub] = metres[pos]
        return out

    def _tree_metres_from(self, pred: np.ndarray, counts: np.ndarray, targets: np.ndarray,
                          stub_m: np.ndarray) -> np.ndarray:
        """Metres from every vertex to the root of its shortest-path tree (pointer jumping):
        ``log2(depth)`` vectorised doublings of (parent, metres to parent)."""
        total = pred.size
        has = np.flatnonzero(pred >= 0)
        parent = np.arange(total)
        parent[has] = pred[has]
        step = np.zeros(total)
        step[has] = self._step_metres(has, pred[has], counts.size,
                                      self._stub_keys(counts, targets, stub_m))
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            step = step + step[parent]
            parent = grand
        return step

    def nearest(self, origins_xy, services_xy, *, k=1, origin_context=None,
                dtype=np.float64, metres: bool = True) -> Nearest:
        """Nearest service by time; ``metres=False`` skips the network distances (``nan``)."""
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        snapped = self.snap(s)
        if s.shape[0] == 0 or not (snapped[0] >= 0).any():
            # No service, or none on the network: the time is not known (nan), not "none
            # reachable" — a network that does not cover the services says nothing of them.
            return empty_nearest(o.shape[0], k, dtype=dtype)
        if k > 1:
            return _k_nearest_from_pairs(
                self.pairs_within(o, s, max_minutes=np.inf), k, dtype=dtype)
        seconds, net_m, svc = self._search_snapped(*snapped, metres=metres)
        onode, odist, otime = self._snap_origins(o)
        placed = np.flatnonzero(onode >= 0)
        best, vtx = self._departure(seconds, onode[placed])
        got = vtx >= 0
        minutes = np.full(o.shape[0], np.nan)
        minutes[placed] = (best + otime[placed]) / 60.0
        dist = np.full(o.shape[0], np.nan)
        if net_m is not None:
            dist[placed] = np.where(got, net_m[np.maximum(vtx, 0)] + odist[placed], np.inf)
        service = np.full(o.shape[0], -1, dtype=np.int64)
        service[placed] = np.where(got, svc[np.maximum(vtx, 0)], -1)
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
        onode, odist, otime = self._snap_origins(o)
        snode, sdist, stime = self.snap(s)
        limit = float(max_minutes) * 60.0
        rows, cols, mins, metres = [], [], [], []
        o_ok = np.flatnonzero(onode >= 0)
        s_ok = np.flatnonzero(snode >= 0)
        nv, k = self.n_vertices, s_ok.size
        counts, targets, weights, stub_m = self._stub_entries(snode[s_ok], sdist[s_ok],
                                                              stime[s_ok])
        g = self._stubs.with_stubs(counts, targets, weights)
        stub_keys = self._stub_keys(counts, targets, stub_m)
        entry, owner = expand(self.dep_ptr, onode[o_ok])
        dep_v = self.dep_vtx[entry]
        batch = max(1, batch_cells // (nv + k))
        for start in range(0, k, batch):
            block = np.arange(start, min(k, start + batch))
            d, pred = dijkstra(g, directed=True, indices=nv + block,
                               limit=limit if np.isfinite(limit) else np.inf,
                               return_predecessors=True)
            best, arg = best_of_groups(d[:, dep_v], owner, o_ok.size)
            t = (best + otime[o_ok][None, :]) / 60.0
            si, oi = np.nonzero(t <= max_minutes)
            tree_m = self._tree_metres(d, pred, si, dep_v[arg[si, oi]], k, stub_keys)
            del pred
            rows.append(o_ok[oi])
            cols.append(s_ok[block[si]])
            mins.append(t[si, oi])
            metres.append(tree_m + odist[o_ok[oi]])
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
                     node: np.ndarray, n_stubs: int,
                     stub_keys: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """Network metres from ``node`` to the source of ``row`` along the shortest-path trees
        of a batched Dijkstra on the reversed graph (``d``, ``pred``: one row per source, as
        SciPy returns them): the metres of the time-shortest path.

        Pointer jumping, as :meth:`_tree_metres_from` does for one tree, on the reached
        (row, vertex) cells (all cells when most are reached: unreached ones are their own
        root): a cell's parent is its predecessor in the same row, and ``log2(depth)``
        vectorised doublings sum the edge lengths up to the root. No loop over origins.
        """
        if row.size == 0:
            return np.zeros(0)
        n = d.shape[1]
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
        # Reversed-graph edge p -> v is the forward edge v -> p (or a stub's entry).
        vtx = reached[child] - row_of[child] * n
        step[child] = self._step_metres(vtx, pnode[child], n_stubs, stub_keys)
        del pnode, row_of, child, vtx
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            step += step[parent]
            parent = grand
        # Roots have a step of 0: a cell pointing at its root holds its whole length.
        return step[where[row.astype(np.intp) * n + node]]


def _config_json(c: NetworkConfig) -> dict[str, object]:
    d = asdict(c)
    d["speeds_kmh"] = [list(p) for p in c.speeds_kmh]
    d["profile"] = {k: (sorted(v) if isinstance(v, frozenset) else v)
                    for k, v in asdict(c.profile).items()}
    return d


def _config_from_json(d: dict[str, object]) -> NetworkConfig:
    prof = dict(d.pop("profile"))  # type: ignore[call-overload]
    defaults = CarProfile()
    kw: dict[str, object] = {}
    for k, v in prof.items():
        ref = getattr(defaults, k)
        if isinstance(ref, frozenset):
            kw[k] = frozenset(v)
        elif isinstance(ref, tuple):
            kw[k] = tuple(tuple(x) if isinstance(x, list) else x for x in v)
        else:
            kw[k] = v
    d["speeds_kmh"] = tuple(tuple(p) for p in d["speeds_kmh"])  # type: ignore[attr-defined]
    return NetworkConfig(profile=CarProfile(**kw), **d)  # type: ignore[arg-type]


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
