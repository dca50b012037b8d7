"""Scale and speed of the network model, each figure beside its fair peer in the same run.

1. Build: ``NetworkModel.from_osm`` on a SYNTHETIC 150 MB extract (``synthetic_osm.py``; no such
   real extract is available offline), then ``save`` / ``load`` of the built graph.
2. On that SYNTHETIC Nord-size graph: 647 "commune" origins and a 200 m grid over its extent
   (~142,000 cells), 200 SYNTHETIC service types (5–2,000 points): nearest of one type, and of
   all 200 types through ``nearest_by_type`` (origins snapped once), wall time and peak memory.
3. The multi-source search against bare SciPy ``dijkstra(reverse, indices=nodes,
   min_only=True)`` on the same graph, and against networkx ``multi_source_dijkstra_path_length``
   (one call) and pandana ``nearest_pois`` (``pip install pandana``), on the SYNTHETIC graph and
   on the real networks of ../shared/data: same times asserted (services on plain nodes, so
   the connector is 0 for everyone).

Run: .venv/bin/python bench/bench_network_scale.py [--pbf /tmp/sdaasp-synthetic-nord.osm.pbf]
     [--types 200] [--skip-peers-synthetic]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, peak_rss_gib
from sdaasp.access.indicators import nearest_by_type
from sdaasp.travel.network import NetworkConfig, NetworkModel
from synthetic_osm import write_synthetic_pbf

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
REAL = {"monaco": SHARED / "osm" / "monaco.osm.pbf",
        "liechtenstein": SHARED / "osm" / "liechtenstein-latest.osm.pbf",
        "helsinki": SHARED / "osm" / "helsinki.osm.pbf",
        "porto-alegre": SHARED / "transit-porto-alegre" / "poa_osm.pbf"}


def timed(fn, repeat: int = 1):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def search_vs_scipy(m: NetworkModel, nodes: np.ndarray) -> None:
    """Our stub-row search (times and service index; metres off, then on) vs bare SciPy."""
    sinks = nodes  # plain nodes: a trip ending there arrives at the node's own vertex
    sxy = m.xy[nodes]
    # alternate the runs so that load on the machine hits both alike
    t_bare = t_ours = t_metres = np.inf
    for _ in range(3):
        t, bare = timed(lambda: dijkstra(m.reverse, indices=sinks, min_only=True))
        t_bare = min(t_bare, t)
        t, ours = timed(lambda: m.search(sxy, metres=False))
        t_ours = min(t_ours, t)
        t, _ = timed(lambda: m.search(sxy, metres=True))
        t_metres = min(t_metres, t)
    np.testing.assert_allclose(ours[0], bare, rtol=1e-12)
    print(f"  search, {nodes.size} services: sdaasp {t_ours:.3f} s (with metres "
          f"{t_metres:.3f} s), bare SciPy dijkstra(min_only) {t_bare:.3f} s: "
          f"ratio {t_ours / t_bare:.2f} (with metres {t_metres / t_bare:.2f}); same times")


def peers(m: NetworkModel, nodes: np.ndarray) -> None:
    """networkx (one multi-source call) and pandana nearest_pois, same graph, same times.

    pandana's horizon is its fastest use that still gives every time: one minute above the
    largest finite time (a horizon of an hour makes each of its per-node searches cover the
    whole of a département)."""
    import networkx as nx

    sinks = nodes
    t_ours, ours = timed(lambda: m.search(m.xy[nodes], metres=False), repeat=3)
    t, graph = timed(lambda: _nx_reverse(m))
    t_nx, ref = timed(lambda: nx.multi_source_dijkstra_path_length(graph,
                                                                   set(sinks.tolist())))
    graph.clear()
    vid = np.fromiter(ref.keys(), dtype=np.int64, count=len(ref))
    val = np.fromiter(ref.values(), dtype=np.float64, count=len(ref))
    np.testing.assert_allclose(ours[0][vid], val, rtol=1e-9)
    assert np.isinf(np.delete(ours[0], vid)).all()
    print(f"  networkx multi_source_dijkstra_path_length (one call): {t_nx:.2f} s "
          f"(graph built in {t:.1f} s) vs sdaasp {t_ours:.3f} s: **{t_nx / t_ours:.0f}×**, "
          f"same times")
    try:
        import pandana
    except ImportError:
        print("  pandana: not installed (pip install pandana)")
        return
    finite = ours[0][np.isfinite(ours[0])]
    max_s = float(np.ceil(finite.max())) + 60.0
    xy = _vertex_xy(m)
    t_pre, net = timed(lambda: pandana.Network(
        pd.Series(xy[:, 0]), pd.Series(xy[:, 1]), pd.Series(m.edge_u), pd.Series(m.edge_v),
        pd.DataFrame({"s": m.edge_seconds}), twoway=False))
    pois = pd.DataFrame({"x": xy[sinks, 0], "y": xy[sinks, 1]})

    def pandana_nearest():
        net.set_pois("svc", max_s, 1, pois.x, pois.y)
        return net.nearest_pois(max_s, "svc", num_pois=1)

    t_pd, res = timed(pandana_nearest, repeat=2)
    got = res[1].to_numpy()
    mine = ours[0][:m.n_vertices]
    ok = mine < max_s * 0.999
    diff = float(np.max(np.abs(got[ok] - mine[ok])))
    assert diff < 0.5, diff  # pandana works in float32: a fraction of a second
    assert (got[~ok] >= max_s * 0.999).all()
    print(f"  pandana nearest_pois (set_pois + query, max {max_s:.0f} s): {t_pd:.2f} s "
          f"(contraction {t_pre:.1f} s) vs sdaasp {t_ours:.3f} s: **{t_pd / t_ours:.0f}×**, "
          f"same times (max difference {diff:.3f} s: pandana computes in float32)")


def _nx_reverse(m: NetworkModel):
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(m.n_vertices))
    g.add_weighted_edges_from(zip(m.edge_v.tolist(), m.edge_u.tolist(),
                                  m.edge_seconds.tolist(), strict=True))
    return g


def _vertex_xy(m: NetworkModel) -> np.ndarray:
    """A point per search vertex, all distinct (pandana maps POIs to the nearest vertex): an
    out-port sits a few millimetres beside its junction."""
    xy = np.empty((m.n_vertices, 2))
    xy[:m.n_nodes] = m.xy
    owner = np.repeat(np.arange(m.n_nodes), np.diff(m.dep_ptr))
    port = m.dep_vtx >= m.n_nodes
    rank = np.arange(port.sum()) % 997 + 1
    xy[m.dep_vtx[port]] = m.xy[owner[port]] + np.column_stack([rank * 1e-3, rank * 7e-4])
    return xy


def snap_once() -> None:
    """nearest_by_type with origins snapped once (prepare_origins) vs once per type, real
    Liechtenstein network, 100,000 random origins, 20 types of 50 services."""
    m = NetworkModel.from_osm(REAL["liechtenstein"], NetworkConfig(crs=3857))
    rng = np.random.default_rng(6)
    lo, hi = m.xy.min(axis=0), m.xy.max(axis=0)
    xy = lo + rng.random((100_000, 2)) * (hi - lo)
    origins = pd.DataFrame({"origin_id": np.arange(xy.shape[0]), "x": xy[:, 0], "y": xy[:, 1]})
    pts = m.xy[rng.choice(m.snappable, 1000)]
    services = pd.DataFrame({"point_id": np.arange(1000).astype(str),
                             "type_code": np.repeat([f"T{k:02d}" for k in range(20)], 50),
                             "x": pts[:, 0], "y": pts[:, 1]})
    once = per_type = np.inf
    for _ in range(3):
        m._prepared = None
        t, a = timed(lambda: nearest_by_type(origins, services, m))
        once = min(once, t)
        m._prepared = None
        real = m.prepare_origins
        m.prepare_origins = lambda xy: None  # type: ignore[method-assign]
        t, b = timed(lambda: nearest_by_type(origins, services, m))
        m.prepare_origins = real  # type: ignore[method-assign]
        per_type = min(per_type, t)
    np.testing.assert_array_equal(a.minutes, b.minutes)
    print(f"\nsnap once: nearest_by_type, 20 types × 100,000 origins (Liechtenstein): "
          f"{once:.2f} s snapped once, {per_type:.2f} s snapped per type "
          f"({per_type / once:.1f}×), same results")


def real_networks() -> None:
    for name, path in REAL.items():
        if not path.exists():
            print(f"\n{name}: absent ({path})")
            continue
        t, m = timed(lambda p=path: NetworkModel.from_osm(p, NetworkConfig(crs=3857)))
        print(f"\n{name} (real): {m.n_nodes:,} nodes, {m.n_vertices:,} search vertices, "
              f"{m.edge_u.size:,} search edges, built in {t:.1f} s")
        rng = np.random.default_rng(4)
        plain = m.snappable[~m.ported[m.snappable]]
        nodes = rng.choice(plain, min(50, plain.size), replace=False)
        search_vs_scipy(m, nodes)
        peers(m, nodes)


def synthetic(pbf: Path, n_types: int, with_peers: bool) -> None:
    if not pbf.exists():
        print(f"writing the SYNTHETIC extract {pbf} …")
        print(write_synthetic_pbf(pbf))
    print(f"\nSYNTHETIC extract {pbf}: {pbf.stat().st_size / 1e6:.0f} MB")
    t_build, m = timed(lambda: NetworkModel.from_osm(pbf))
    print(f"  build (read + graph): {t_build:.1f} s (goal < 180 s); {m.n_nodes:,} nodes, "
          f"{m.n_segments:,} road segments, {m.n_vertices:,} search vertices, "
          f"{m.edge_u.size:,} search edges; peak RSS {peak_rss_gib():.2f} GiB")
    saved = Path(str(pbf) + ".graph.npz")
    t_save, _ = timed(lambda: m.save(saved))
    t_load, m2 = timed(lambda: NetworkModel.load(saved))
    print(f"  save {t_save:.1f} s ({saved.stat().st_size / 1e6:.0f} MB), load {t_load:.1f} s")
    del m2
    rng = np.random.default_rng(1)
    lo, hi = m.xy[m.snappable].min(axis=0), m.xy[m.snappable].max(axis=0)
    gx, gy = np.meshgrid(np.arange(lo[0] + 100, hi[0], 200), np.arange(lo[1] + 100, hi[1], 200))
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    communes = lo + rng.random((647, 2)) * (hi - lo)
    print(f"  origins: {cells.shape[0]:,} cells of 200 m (SYNTHETIC extent) + 647 SYNTHETIC "
          "communes")
    sizes = np.exp(rng.uniform(np.log(5), np.log(2000), n_types)).astype(int)
    sizes[0] = 647
    pts = m.xy[rng.choice(m.snappable, int(sizes.sum()))] + rng.normal(0, 20, (sizes.sum(), 2))
    services = pd.DataFrame({
        "point_id": np.arange(sizes.sum()).astype(str),
        "type_code": np.repeat([f"S{k:03d}" for k in range(n_types)], sizes),
        "x": pts[:, 0], "y": pts[:, 1]})
    one = services[services.type_code == "S000"][["x", "y"]].to_numpy()
    for label, o in (("647 communes", communes), ("200 m cells", cells)):
        m.prepare_origins(o)
        t1, r = timed(lambda o=o: m.nearest(o, one), repeat=3)
        t2, _ = timed(lambda o=o: m.nearest(o, one, metres=False), repeat=3)
        print(f"  nearest of one type (647 services) for the {label}: {t1:.2f} s with metres, "
              f"{t2:.2f} s without (goal < 2 s); {np.isfinite(r.minutes).mean():.1%} reached")
    origins = pd.DataFrame({"origin_id": np.arange(cells.shape[0] + 647),
                            "x": np.r_[cells[:, 0], communes[:, 0]],
                            "y": np.r_[cells[:, 1], communes[:, 1]]})
    t_all, res = timed(lambda: nearest_by_type(origins, services, m, dtype=np.float32))
    print(f"  nearest of each of the {n_types} types for all {len(origins):,} origins: "
          f"{t_all:.0f} s (goal < 600 s), {t_all / n_types:.2f} s per type; peak RSS "
          f"{peak_rss_gib():.2f} GiB")
    del res
    nodes = rng.choice(m.snappable[~m.ported[m.snappable]], 647, replace=False)
    search_vs_scipy(m, nodes)
    if with_peers:
        peers(m, nodes)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pbf", type=Path, default=Path("/tmp/sdaasp-synthetic-nord.osm.pbf"))
    ap.add_argument("--types", type=int, default=200)
    ap.add_argument("--skip-peers-synthetic", action="store_true")
    ap.add_argument("--only", choices=("real", "synthetic", "build", "snap", "synthetic-peers"))
    args = ap.parse_args()
    print(machine())
    if args.only == "snap":
        snap_once()
        return
    if args.only == "synthetic-peers":  # on the graph saved by a full synthetic run
        m = NetworkModel.load(Path(str(args.pbf) + ".graph.npz"))
        rng = np.random.default_rng(1)
        nodes = rng.choice(m.snappable[~m.ported[m.snappable]], 647, replace=False)
        print(f"SYNTHETIC graph: {m.n_nodes:,} nodes, {m.n_vertices:,} search vertices")
        search_vs_scipy(m, nodes)
        peers(m, nodes)
        return
    if args.only != "synthetic":
        real_networks()
    if args.only == "build":
        t_build, m = timed(lambda: NetworkModel.from_osm(args.pbf))
        print(f"SYNTHETIC extract {args.pbf} ({args.pbf.stat().st_size / 1e6:.0f} MB): build "
              f"(read + graph) {t_build:.1f} s (goal < 180 s); {m.n_nodes:,} nodes, "
              f"{m.n_vertices:,} search vertices; peak RSS {peak_rss_gib():.2f} GiB")
    elif args.only != "real":
        synthetic(args.pbf, args.types, not args.skip_peers_synthetic)


if __name__ == "__main__":
    main()
