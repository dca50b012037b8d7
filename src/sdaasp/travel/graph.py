"""The search graph: road segments plus turn costs, as one SciPy CSR matrix.

Turn costs need an edge-based view of the network (OSRM builds one for the whole graph). Here
only the nodes where a turn can cost something are expanded, which keeps the graph close to the
size of the plain node graph: the ``ported`` nodes are the junctions (three roads or more, where
car.lua charges a turn), the nodes close enough to a junction that turning round there could
dodge a turn (:func:`near_junction`), and the blocking barriers (where no turn is allowed at
all). Every other node stays one vertex, and a chain of such nodes is an ordinary path.

A ported node ``x`` keeps no vertex of its own; it gets one *out-port* vertex per segment
leaving it. A segment ``a → x`` into a ported node has no vertex either: its tail is joined
directly to the out-ports of ``x`` with weight = segment time + turn cost + node penalty (no
U-turn, as OSRM outside dead ends; nothing through a blocking barrier). A trip starting at
``x`` leaves from any of its out-ports; a trip ending at ``x`` arrives from the tail of any
segment into ``x`` after that segment's time (the ``dep_*`` / ``arr_*`` tables of
:class:`SearchGraph`, used when seeding a search and reading its result), so a search never
turns for free at a junction and the graph carries no hub vertex.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from sdaasp.travel.car_profile import CarProfile, turn_seconds


@dataclass(frozen=True)
class Segments:
    """Directed road segments between OSM nodes (node indices), after parallel-edge removal."""

    u: np.ndarray
    v: np.ndarray
    seconds: np.ndarray
    metres: np.ndarray
    roundabout: np.ndarray


@dataclass(frozen=True)
class SearchGraph:
    """Vertices ``0..n_nodes-1`` are the plain OSM nodes (a ported node's own index is left
    without edges), then the out-ports.

    ``dep_ptr`` / ``dep_vtx`` (CSR by node): the vertices a trip starting at a node can leave
    from (the node itself, or the out-ports of a ported node). ``arr_ptr`` / ``arr_vtx`` /
    ``arr_s`` / ``arr_m``: how a trip ending at a node arrives there — from vertex ``arr_vtx``
    after ``arr_s`` seconds and ``arr_m`` metres (the node itself with 0, or the tail of each
    segment into a ported node with that segment's time and length).
    """

    n_vertices: int
    u: np.ndarray
    v: np.ndarray
    seconds: np.ndarray
    metres: np.ndarray
    ported: np.ndarray
    dep_ptr: np.ndarray
    dep_vtx: np.ndarray
    arr_ptr: np.ndarray
    arr_vtx: np.ndarray
    arr_s: np.ndarray
    arr_m: np.ndarray


def directed_segments(u: np.ndarray, v: np.ndarray, metres: np.ndarray, fwd_kmh: np.ndarray,
                      bwd_kmh: np.ndarray, roundabout: np.ndarray) -> Segments:
    """One row per allowed direction; for parallel segments the fastest is kept."""
    f, b = fwd_kmh > 0, bwd_kmh > 0
    uu = np.concatenate([u[f], v[b]])
    vv = np.concatenate([v[f], u[b]])
    with np.errstate(divide="ignore"):
        t = np.concatenate([metres[f] / (fwd_kmh[f] / 3.6), metres[b] / (bwd_kmh[b] / 3.6)])
    m = np.concatenate([metres[f], metres[b]])
    rb = np.concatenate([roundabout[f], roundabout[b]])
    keep = uu != vv
    uu, vv, t, m, rb = uu[keep], vv[keep], t[keep], m[keep], rb[keep]
    n = int(max(uu.max(initial=0), vv.max(initial=0))) + 1
    key = uu.astype(np.int64) * n + vv
    order = np.lexsort((t, key))
    uu, vv, t, m, rb, key = uu[order], vv[order], t[order], m[order], rb[order], key[order]
    first = np.ones(uu.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    return Segments(uu[first], vv[first], t[first], m[first], rb[first])


def road_degree(seg: Segments, n: int) -> np.ndarray:
    """Number of distinct neighbouring nodes (roads meeting at a node, either direction)."""
    a, b = np.minimum(seg.u, seg.v), np.maximum(seg.u, seg.v)
    key = np.sort(a.astype(np.int64) * n + b)
    key = key[np.concatenate([[True], key[1:] != key[:-1]])] if key.size else key
    return np.bincount(key // n, minlength=n) + np.bincount(key % n, minlength=n)


def build_search_graph(seg: Segments, xy: np.ndarray, blocked: np.ndarray,
                       penalty_s: np.ndarray, profile: CarProfile | None) -> SearchGraph:
    """Expand junctions (when ``profile`` is given: turn costs) and blocking barriers."""
    n = xy.shape[0]
    deg = road_degree(seg, n)
    ported = blocked.copy()
    if profile is not None:
        ported |= deg >= 3
        ported |= near_junction(seg, deg >= 3, n, (profile.turn_penalty_s
                                                  + profile.oncoming_turn_s) / 2)
    tail_ported = ported[seg.u]
    out_seg = np.flatnonzero(tail_ported)
    outport = np.full(seg.u.size, -1, dtype=np.int64)
    outport[out_seg] = n + np.arange(out_seg.size)
    tail = np.where(tail_ported, outport, seg.u)
    n_vertices = n + out_seg.size

    plain = ~ported[seg.v]
    # node penalties (signals, stops, gates) are paid when passing a node: on arrival at a
    # plain node, on the turn at a ported one
    parts_u = [tail[plain]]
    parts_v = [seg.v[plain]]
    parts_t = [seg.seconds[plain] + penalty_s[seg.v[plain]]]
    parts_m = [seg.metres[plain]]
    e1, e2 = _turn_pairs(seg, ported & ~blocked, n)
    if e1.size:
        x = seg.v[e1]
        turn = np.zeros(e1.size)
        if profile is not None:
            turn = turn_seconds(_turn_angle(xy[seg.u[e1]], xy[x], xy[seg.v[e2]]), deg[x],
                                seg.roundabout[e1] | seg.roundabout[e2], profile)
        parts_u.append(tail[e1])
        parts_v.append(outport[e2])
        parts_t.append(seg.seconds[e1] + turn + penalty_s[x])
        parts_m.append(seg.metres[e1])
    nodes = np.flatnonzero(~ported)
    dep_node = np.concatenate([nodes, seg.u[out_seg]])
    dep_vtx = np.concatenate([nodes, outport[out_seg]])
    into = np.flatnonzero(ported[seg.v])
    arr_node = np.concatenate([nodes, seg.v[into]])
    arr_vtx = np.concatenate([nodes, tail[into]])
    arr_s = np.concatenate([np.zeros(nodes.size), seg.seconds[into]])
    arr_m = np.concatenate([np.zeros(nodes.size), seg.metres[into]])
    dep_ptr, dep_order = _by_node(dep_node, n)
    arr_ptr, arr_order = _by_node(arr_node, n)
    return SearchGraph(n_vertices, np.concatenate(parts_u), np.concatenate(parts_v),
                       np.concatenate(parts_t), np.concatenate(parts_m), ported,
                       dep_ptr, dep_vtx[dep_order], arr_ptr, arr_vtx[arr_order],
                       arr_s[arr_order], arr_m[arr_order])


def _by_node(node: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR pointer and order of entries grouped by node."""
    order = np.argsort(node, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(node, minlength=n), out=ptr[1:])
    return ptr, order


def expand(ptr: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Entries of ``nodes`` in a by-node CSR: (entry index, position in ``nodes``)."""
    start, count = ptr[nodes], ptr[nodes + 1] - ptr[nodes]
    owner = np.repeat(np.arange(nodes.size), count)
    first = np.repeat(np.cumsum(count) - count, count)
    return np.repeat(start, count) + np.arange(owner.size) - first, owner


def best_of_groups(values: np.ndarray, owner: np.ndarray, n_groups: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Smallest value of each group along the last axis and the index (into ``values``' last
    axis) that holds it, -1 for an empty group; ``owner`` (sorted) gives each entry's group."""
    shape = (*values.shape[:-1], n_groups)
    best = np.full(shape, np.inf)
    arg = np.full(shape, -1, dtype=np.int64)
    if owner.size == 0:
        return best, arg
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    groups = owner[starts]
    mins = np.minimum.reduceat(values, starts, axis=-1)
    idx = np.broadcast_to(np.arange(owner.size), values.shape)
    at_min = np.where(values == np.repeat(mins, np.diff(np.r_[starts, owner.size]), axis=-1),
                      idx, np.iinfo(np.int64).max)
    first = np.minimum.reduceat(at_min, starts, axis=-1)
    best[..., groups] = mins
    arg[..., groups] = np.where(np.isfinite(mins), first, -1)
    return best, arg


def near_junction(seg: Segments, junction: np.ndarray, n: int, seconds: float) -> np.ndarray:
    """Nodes less than ``seconds`` (either direction) from a junction.

    Turning round at a plain node is not a turn the graph can forbid; one within this reach of
    a junction could replace a costly turn there (go straight on, turn round, come back and
    turn the cheap way), which OSRM never does. Those nodes are expanded too, so that their
    only transitions go straight on; farther away, turning round costs more than any turn it
    could save (twice ``seconds`` = the dearest turn).
    """
    src = np.flatnonzero(junction)
    if src.size == 0:
        return np.zeros(n, dtype=bool)
    g = sp.csr_matrix((np.concatenate([seg.seconds, seg.seconds]) + 1e-9,
                       (np.concatenate([seg.u, seg.v]), np.concatenate([seg.v, seg.u]))),
                      shape=(n, n))
    d = dijkstra(g, directed=True, indices=src, min_only=True, limit=seconds)
    return np.isfinite(d) & ~junction


def _turn_pairs(seg: Segments, through: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every (segment into x, segment out of x) pair at the nodes ``x`` one may pass through,
    U-turns excluded; vectorised (no loop over nodes)."""
    ins = np.flatnonzero(through[seg.v])
    outs = np.flatnonzero(through[seg.u])
    outs = outs[np.argsort(seg.u[outs], kind="stable")]
    count = np.bincount(seg.u[outs], minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    reps = count[seg.v[ins]]
    e1 = np.repeat(ins, reps)
    offset = np.arange(e1.size) - np.repeat(np.cumsum(reps) - reps, reps)
    e2 = outs[np.repeat(start[seg.v[ins]], reps) + offset]
    keep = seg.v[e2] != seg.u[e1]
    return e1[keep], e2[keep]


def _turn_angle(a: np.ndarray, x: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Deviation from straight on at ``x`` coming from ``a`` and leaving to ``c``, in degrees,
    positive to the right (OSRM's convention), from projected coordinates."""
    d1 = x - a
    d2 = c - x
    cross = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
    dot = (d1 * d2).sum(axis=1)
    return -np.degrees(np.arctan2(cross, dot))


def csr(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> sp.csr_matrix:
    """CSR matrix keeping explicit zero weights (zero-cost hub edges are edges); the edges
    must be distinct (u, v) pairs, which the graph builder guarantees."""
    idx_t = np.int32 if n < 2**31 else np.int64
    order = np.argsort(u, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(u, minlength=n), out=indptr[1:])
    return sp.csr_matrix((w[order].astype(np.float64), v[order].astype(idx_t),
                          indptr.astype(idx_t)), shape=(n, n))


class StubRows:
    """The reversed graph with room for extra rows at its end, one per service ("stub"), each
    with edges to the vertices from which the service is reached, weighted by the connector
    and arrival times.

    The base arrays are copied once into buffers with spare capacity, so that a query writes
    only its stub entries and hands SciPy views: no augmented matrix rebuilt per type.
    """

    def __init__(self, reverse: sp.csr_matrix, capacity: int = 1024) -> None:
        self.n = reverse.shape[0]
        self.nnz = reverse.nnz
        self._base = reverse
        self._alloc(capacity, capacity)

    def _alloc(self, rows: int, entries: int) -> None:
        r = self._base
        self.rows, self.entries = rows, entries
        idx_t = r.indices.dtype
        self.indptr = np.empty(self.n + 1 + rows, dtype=idx_t)
        self.indptr[:self.n + 1] = r.indptr
        self.indices = np.empty(self.nnz + entries, dtype=idx_t)
        self.indices[:self.nnz] = r.indices
        self.data = np.empty(self.nnz + entries, dtype=np.float64)
        self.data[:self.nnz] = r.data

    def with_stubs(self, counts: np.ndarray, targets: np.ndarray,
                   weights: np.ndarray) -> sp.csr_matrix:
        """The reversed graph plus stub rows ``n .. n+k-1``, row ``i`` holding ``counts[i]``
        consecutive entries of ``targets`` / ``weights``."""
        k, e_k = int(counts.size), int(targets.size)
        if k > self.rows or e_k > self.entries:
            self._alloc(max(k, 2 * self.rows), max(e_k, 2 * self.entries))
        n, e = self.n, self.nnz
        self.indptr[n + 1:n + 1 + k] = e + np.cumsum(counts)
        self.indices[e:e + e_k] = targets
        self.data[e:e + e_k] = weights
        return sp.csr_matrix((self.data[:e + e_k], self.indices[:e + e_k],
                              self.indptr[:n + 1 + k]), shape=(n + k, n + k), copy=False)
