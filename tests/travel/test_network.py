"""Network model against networkx shortest paths (hand-made file and real Monaco network)."""

from __future__ import annotations

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
    g = nx.DiGraph()
    g.add_nodes_from(range(m.n_nodes))
    g.add_weighted_edges_from(zip(m.edge_u.tolist(), m.edge_v.tolist(),
                                  m.edge_seconds.tolist(), strict=True))
    return g


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
        lengths = nx.single_source_dijkstra_path_length(g, int(onode[i]))
        best = min((lengths[int(n)] + stime[j] for j, n in enumerate(snode)
                    if n >= 0 and int(n) in lengths), default=np.inf)
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
