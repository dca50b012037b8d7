"""Network model against networkx shortest paths (hand-made file and real Monaco network)."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from sdaasp.travel.network import (
    CAR_SPEEDS,
    NetworkConfig,
    NetworkError,
    NetworkModel,
    haversine_m,
    read_osm,
)

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "travel" / "tiny.osm"


def _nx_graph(m: NetworkModel) -> nx.DiGraph:
    g = nx.DiGraph()  # the search graph (turn costs expanded at junctions)
    g.add_nodes_from(range(m.n_vertices))
    g.add_weighted_edges_from(zip(m.edge_u.tolist(), m.edge_v.tolist(),
                                  m.edge_seconds.tolist(), strict=True))
    return g


def _entries(ptr: np.ndarray, node: int) -> range:
    return range(int(ptr[node]), int(ptr[node + 1]))


def _nx_trip(m: NetworkModel, g: nx.DiGraph, onode: int, snode: int) -> tuple[float, float]:
    """(seconds, metres) of the fastest trip from node ``onode`` to node ``snode`` by
    networkx on the search graph: leave from any departure vertex of ``onode``, arrive through
    any arrival entry of ``snode`` (plain nodes: the node itself; junctions: their ports)."""
    deps = {int(m.dep_vtx[e]) for e in _entries(m.dep_ptr, onode)}
    if not deps:
        return np.inf, np.inf
    dist, paths = nx.multi_source_dijkstra(g, deps)
    best = (np.inf, np.inf)
    for e in _entries(m.arr_ptr, snode):
        a = int(m.arr_vtx[e])
        if a in dist and dist[a] + m.arr_s[e] < best[0]:
            metres = sum(float(m.lengths[u, v]) for u, v in itertools.pairwise(paths[a]))
            best = (dist[a] + float(m.arr_s[e]), metres + float(m.arr_m[e]))
    return best


def _node(m: NetworkModel, osm_id: int) -> int:
    return int(np.searchsorted(m.node_id, osm_id))


def test_tiny_file_classes_oneway_and_access():
    ways = read_osm(FIXTURE, NetworkConfig())
    m = NetworkModel(ways, NetworkConfig())
    assert set(m.node_id.tolist()) == {1, 2, 3, 4}  # private service road and footway dropped
    edges = {(int(m.node_id[u]), int(m.node_id[v])) for u, v in
             zip(m.edge_u, m.edge_v, strict=True)}
    assert edges == {(1, 2), (2, 1), (2, 3), (4, 3), (4, 1), (1, 4)}
    # the primary edge is timed at the primary speed
    k = next(i for i, (u, v) in enumerate(zip(m.edge_u, m.edge_v, strict=True))
             if (m.node_id[u], m.node_id[v]) == (2, 3))
    length = haversine_m(3.06, 50.63, 3.06, 50.635)
    assert m.edge_seconds[k] == pytest.approx(length / (dict(CAR_SPEEDS)["primary"] / 3.6))


def test_tiny_file_walk_network_ignores_oneway():
    cfg = NetworkConfig.walk()
    m = NetworkModel(read_osm(FIXTURE, cfg), cfg)
    # the footway 5-6 kept, the private road 3-5 dropped
    assert set(m.node_id.tolist()) == {1, 2, 3, 4, 5, 6}
    edges = {(int(m.node_id[u]), int(m.node_id[v])) for u, v in
             zip(m.edge_u, m.edge_v, strict=True)}
    assert (3, 2) in edges and (3, 4) in edges


def test_unreadable_or_empty_file_is_refused(tmp_path):
    with pytest.raises(NetworkError, match="introuvable"):
        read_osm(tmp_path / "absent.osm.pbf", NetworkConfig())
    empty = tmp_path / "empty.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    with pytest.raises(NetworkError, match="Aucune voie"):
        read_osm(empty, NetworkConfig())


def test_tiny_nearest_respects_oneway_and_snapping_bound():
    m = NetworkModel.from_osm(FIXTURE, NetworkConfig(max_snap_m=50))
    g = _nx_graph(m)
    n1, n3 = _node(m, 1), _node(m, 3)
    assert n3 not in m.snappable  # a dead end (no way out) is not in the main component
    sec, _, svc = m.node_times(m.xy[[n1]])
    expected = nx.single_source_dijkstra_path_length(g.reverse(), n1)
    for node in range(m.n_nodes):
        if node in expected:
            assert sec[node] == pytest.approx(expected[node], rel=1e-12)
        else:
            assert np.isinf(sec[node]) and svc[node] == -1
    assert np.isinf(sec[n3])  # 3 has no outgoing edge: nothing is reachable from it
    far = m.xy[[0]] + np.array([[5000.0, 0.0]])
    r = m.nearest(far, m.xy[[n1]])
    assert np.isnan(r.minutes[0, 0]) and r.service[0, 0] == -1


def _check_against_networkx(m: NetworkModel, origins: np.ndarray, services: np.ndarray):
    g = _nx_graph(m)
    r = m.nearest(origins, services)
    onode, _odist, otime = m.snap(origins)
    snode, _sdist, stime = m.snap(services)
    for i in range(origins.shape[0]):
        if onode[i] < 0:
            assert np.isnan(r.minutes[i, 0])
            continue
        best = min((_nx_trip(m, g, int(onode[i]), int(n))[0] + stime[j]
                    for j, n in enumerate(snode) if n >= 0), default=np.inf)
        expected = (best + otime[i]) / 60.0
        if np.isinf(expected):
            assert np.isinf(r.minutes[i, 0])
        else:
            assert r.minutes[i, 0] == pytest.approx(expected, rel=1e-9)
    return r


def test_monaco_matches_networkx(shared_data):
    path = shared_data / "osm" / "monaco.osm.pbf"
    if not path.exists():
        pytest.skip(f"réseau de Monaco absent : {path}")
    m = NetworkModel.from_osm(path)
    rng = np.random.default_rng(3)
    origins = m.xy[rng.choice(m.n_nodes, 60)] + rng.normal(0, 40, (60, 2))
    origins[0] += 50_000  # far away: not placed
    services = m.xy[rng.choice(m.snappable, 6)]
    services = np.vstack([services, services[:1]])  # duplicate point
    r = _check_against_networkx(m, origins, services)
    assert np.isnan(r.minutes[0, 0])
    # the network distance of the chosen path is at least the straight line
    ok = np.isfinite(r.minutes[:, 0])
    straight = np.hypot(*(origins[ok] - services[r.service[ok, 0]]).T)
    assert (r.distance_m[ok, 0] >= straight - 1e-6).all()
    # catchment pairs agree with the nearest times
    p = m.pairs_within(origins, services, max_minutes=np.inf)
    best = np.full(origins.shape[0], np.inf)
    np.minimum.at(best, p.origin, p.minutes)
    np.testing.assert_allclose(best[ok], r.minutes[ok, 0], rtol=1e-12)
    k2 = m.nearest(origins, services, k=2)
    np.testing.assert_allclose(k2.minutes[ok, 0], r.minutes[ok, 0], rtol=1e-12)
    assert (k2.minutes[ok, 1] >= k2.minutes[ok, 0]).all()


# -- missing is not zero: nan (not placed) vs inf (unreachable) vs metres -----------------------

def _tiny():
    return NetworkModel.from_osm(FIXTURE, NetworkConfig(max_snap_m=50))


def test_k_nearest_gives_nan_to_an_origin_not_placed():
    """Regression: the k > 1 path gave +inf ("unreachable") to an origin off the network."""
    m = _tiny()
    n1, n2, n4 = _node(m, 1), _node(m, 2), _node(m, 4)
    far = m.xy[n1] + np.array([5000.0, 0.0])
    origins = np.vstack([m.xy[n4], far])
    r = m.nearest(origins, m.xy[[n1, n2]], k=3)
    assert np.isnan(r.minutes[1]).all() and np.isnan(r.distance_m[1]).all()
    assert (r.service[1] == -1).all()
    # the placed origin: two services reached, the third rank is unreachable (+inf)
    assert np.isfinite(r.minutes[0, :2]).all() and np.isinf(r.minutes[0, 2])
    assert np.isinf(r.distance_m[0, 2]) and r.service[0, 2] == -1
    one = m.nearest(origins, m.xy[[n1, n2]])
    assert r.minutes[0, 0] == pytest.approx(one.minutes[0, 0], rel=1e-12)
    assert np.isnan(one.minutes[1, 0])


def test_no_service_on_the_network_is_not_known_not_unreachable():
    m = _tiny()
    off = m.xy[[0]] + np.array([[0.0, 8000.0]])  # a service 8 km away from every road
    for k in (1, 2):
        r = m.nearest(m.xy[m.snappable], off, k=k)
        assert np.isnan(r.minutes).all() and (r.service == -1).all()


def test_pairs_carry_the_network_metres_of_the_fastest_path():
    """Regression: network ``Pairs.distance_m`` was all NaN."""
    m = _tiny()
    g = _nx_graph(m)
    n1, n2, n4 = _node(m, 1), _node(m, 2), _node(m, 4)
    origins = np.vstack([m.xy[n4] + [0.0, 20.0], m.xy[n2], m.xy[n1] + [9000.0, 0.0]])
    services = m.xy[[n1, n2]] + np.array([[10.0, 0.0], [0.0, -15.0]])
    p = m.pairs_within(origins, services, max_minutes=np.inf)
    onode, odist, _ = m.snap(origins)
    snode, sdist, _ = m.snap(services)
    assert not np.isnan(p.distance_m).any()
    assert set(p.origin.tolist()) == {0, 1}          # origin 2 is not placed
    assert p.placed.tolist() == [True, True, False]
    for i, j, metres in zip(p.origin, p.service, p.distance_m, strict=True):
        expected = _nx_trip(m, g, int(onode[i]), int(snode[j]))[1] + odist[i] + sdist[j]
        assert metres == pytest.approx(expected, rel=1e-12)
    # 4 -> 2 goes through 1 (the one-way 2 -> 3 cannot be taken backwards)
    k = np.flatnonzero((p.origin == 0) & (p.service == 1))[0]
    assert p.distance_m[k] == pytest.approx(
        float(m.lengths[n4, n1] + m.lengths[n1, n2]) + odist[0] + sdist[1], rel=1e-12)
    # a bounded search (few cells reached: the compact layout) gives the same metres
    small = m.pairs_within(origins, services, max_minutes=1.5)
    assert 0 < len(small) < len(p)
    full = {(o, j): metres for o, j, metres in zip(p.origin, p.service, p.distance_m,
                                                   strict=True)}
    for o, j, metres in zip(small.origin, small.service, small.distance_m, strict=True):
        assert metres == pytest.approx(full[(o, j)], rel=1e-12)
    # and the k-nearest path reports the same metres
    r = m.nearest(origins, services, k=2)
    np.testing.assert_allclose(np.sort(r.distance_m[0]),
                               np.sort(p.distance_m[p.origin == 0]), rtol=1e-12)


def test_monaco_pair_metres_match_networkx(shared_data):
    path = shared_data / "osm" / "monaco.osm.pbf"
    if not path.exists():
        pytest.skip(f"réseau de Monaco absent : {path}")
    m = NetworkModel.from_osm(path)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(m.edge_u.tolist(), m.edge_v.tolist(),
                                  m.edge_seconds.tolist(), strict=True))
    rng = np.random.default_rng(5)
    origins = m.xy[rng.choice(m.snappable, 25)] + rng.normal(0, 30, (25, 2))
    services = m.xy[rng.choice(m.snappable, 4)]
    p = m.pairs_within(origins, services, max_minutes=6, batch_cells=3 * m.n_nodes)
    assert len(p) > 20 and np.isfinite(p.distance_m).all()
    onode, odist, _ = m.snap(origins)
    snode, sdist, _ = m.snap(services)
    for i, j, metres in zip(p.origin, p.service, p.distance_m, strict=True):
        expected = _nx_trip(m, g, int(onode[i]), int(snode[j]))[1] + odist[i] + sdist[j]
        assert metres == pytest.approx(expected, rel=1e-9)
    # the nearest of each origin agrees with the k = 1 search (one multi-source Dijkstra)
    r = m.nearest(origins, services)
    best = np.full(len(origins), np.inf)
    np.minimum.at(best, p.origin, p.minutes)
    got = np.isfinite(best)
    for i in np.flatnonzero(got):
        sel = (p.origin == i) & (p.minutes == best[i])
        assert r.distance_m[i, 0] == pytest.approx(p.distance_m[sel][0], rel=1e-9)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_part_of_the_interface(dtype):
    m = _tiny()
    r = m.nearest(m.xy[m.snappable], m.xy[[_node(m, 1)]], dtype=dtype)
    assert r.minutes.dtype == dtype and r.distance_m.dtype == dtype
    r2 = m.nearest(m.xy[m.snappable], m.xy[[_node(m, 1)]], k=2, dtype=dtype)
    assert r2.minutes.dtype == dtype


# -- the multi-source search is SciPy's own Dijkstra; origins snapped once; save / load --------

def test_search_equals_bare_scipy_dijkstra(shared_data):
    """Services exactly on plain nodes (connector 0): the stub-row search gives the times of
    ``scipy.sparse.csgraph.dijkstra(reverse, indices=nodes, min_only=True)``."""
    from scipy.sparse.csgraph import dijkstra

    path = shared_data / "osm" / "monaco.osm.pbf"
    if not path.exists():
        pytest.skip(f"réseau de Monaco absent : {path}")
    m = NetworkModel.from_osm(path)
    rng = np.random.default_rng(8)
    nodes = rng.choice(m.snappable[~m.ported[m.snappable]], 12, replace=False)
    sec, _metres, svc = m.node_times(m.xy[nodes])
    bare, _pred, src = dijkstra(m.reverse, indices=nodes, min_only=True,
                               return_predecessors=True)
    np.testing.assert_allclose(sec, bare, rtol=1e-12)
    reached = np.isfinite(bare)
    # the service found is the one whose node roots the tree
    np.testing.assert_array_equal(nodes[svc[reached]], src[reached])
    # metres: the same as pairs_within's along the same trees (independent pointer jumping)
    o = m.xy[rng.choice(m.snappable, 30)]
    r = m.nearest(o, m.xy[nodes])
    p = m.pairs_within(o, m.xy[nodes], max_minutes=np.inf)
    for i in range(30):
        k = np.flatnonzero((p.origin == i) & (p.service == r.service[i, 0]))
        assert r.distance_m[i, 0] == pytest.approx(p.distance_m[k[0]], rel=1e-9)
    no_m = m.nearest(o, m.xy[nodes], metres=False)
    np.testing.assert_array_equal(no_m.minutes, r.minutes)
    assert np.isnan(no_m.distance_m).all()


def test_origins_are_snapped_once_per_diagnostic(monkeypatch):
    import pandas as pd

    from sdaasp.access.indicators import nearest_by_type

    m = _tiny()
    n1, n2, n4 = _node(m, 1), _node(m, 2), _node(m, 4)
    origins = pd.DataFrame({"origin_id": ["a", "b", "c"],
                            "x": m.xy[[n1, n2, n4], 0] + 3.0, "y": m.xy[[n1, n2, n4], 1]})
    services = pd.DataFrame({"point_id": ["s1", "s2", "s3"], "type_code": ["A", "B", "C"],
                             "x": m.xy[[n1, n2, n4], 0], "y": m.xy[[n1, n2, n4], 1]})
    expected = {t: m.nearest(origins[["x", "y"]].to_numpy(), services.loc[
        services.type_code == t, ["x", "y"]].to_numpy()).minutes[:, 0] for t in "ABC"}
    calls: list[int] = []
    real = m.snap
    monkeypatch.setattr(m, "snap", lambda xy: calls.append(len(xy)) or real(xy))
    r = nearest_by_type(origins, services, m)
    assert calls.count(3) == 1            # the three origins: once, not once per type
    for j, t in enumerate(r.types):
        np.testing.assert_array_equal(r.minutes[:, j], expected[t])
    # other origins are snapped afresh, not taken from the cache
    moved = origins[["x", "y"]].to_numpy() + np.array([0.0, 9000.0])
    assert np.isnan(m.nearest(moved, services[["x", "y"]].to_numpy()).minutes).all()


def test_save_and_load_round_trip(tmp_path, shared_data):
    path = shared_data / "osm" / "monaco.osm.pbf"
    if not path.exists():
        pytest.skip(f"réseau de Monaco absent : {path}")
    m = NetworkModel.from_osm(path)
    saved = m.save(tmp_path / "monaco.npz")
    back = NetworkModel.load(saved)
    assert back.describe() == m.describe()
    assert back.describe()["profile_version"] == m.describe()["profile_version"] is not None
    rng = np.random.default_rng(2)
    o = m.xy[rng.choice(m.n_nodes, 80)] + rng.normal(0, 30, (80, 2))
    s = m.xy[rng.choice(m.snappable, 5)]
    a, b = m.nearest(o, s), back.nearest(o, s)
    np.testing.assert_array_equal(a.minutes, b.minutes)
    np.testing.assert_array_equal(a.distance_m, b.distance_m)
    np.testing.assert_array_equal(a.service, b.service)
    pa = m.pairs_within(o, s, max_minutes=5)
    pb = back.pairs_within(o, s, max_minutes=5)
    np.testing.assert_array_equal(pa.minutes, pb.minutes)


def test_load_refuses_other_versions_and_bad_files(tmp_path, monkeypatch):
    import sdaasp.travel.network as network

    m = _tiny()
    saved = m.save(tmp_path / "g.npz")
    monkeypatch.setattr(network, "FORMAT_VERSION", network.FORMAT_VERSION + 1)
    with pytest.raises(NetworkError, match="format"):
        NetworkModel.load(saved)
    monkeypatch.undo()
    monkeypatch.setattr(network, "PROFILE_VERSION", "autre")
    with pytest.raises(NetworkError, match="profil"):
        NetworkModel.load(saved)
    monkeypatch.undo()
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a graph")
    with pytest.raises(NetworkError, match="illisible"):
        NetworkModel.load(bad)
    with pytest.raises(NetworkError, match="illisible"):
        NetworkModel.load(tmp_path / "absent.npz")
    # the walking network round-trips too (no car profile version needed for its times)
    cfg = NetworkConfig.walk(max_snap_m=50)
    w = NetworkModel.from_osm(FIXTURE, cfg)
    wb = NetworkModel.load(w.save(tmp_path / "walk.npz"))
    assert wb.config == w.config and wb.describe() == w.describe()
