"""Cost of the network metres of catchment pairs (``NetworkModel.pairs_within``).

Each pair carries the metres of its time-shortest path, found by pointer jumping on the
predecessor trees of the batched Dijkstra (``NetworkModel._tree_metres``). This measures, in
the same run and alternately, the catchment with its metres and the same search without them
(the Dijkstra alone, as before the metres were computed), on the real Liechtenstein network of
../shared/data/osm; the metres of a sample of pairs are checked against networkx paths.

Run: .venv/bin/python bench/bench_pair_metres.py [--origins 2000] [--services 400]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, peak_rss_gib
from sdaasp.travel.network import NetworkModel

ROOT = Path(__file__).resolve().parent.parent
NETWORK = ROOT.parent / "shared" / "data" / "osm" / "liechtenstein-latest.osm.pbf"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--origins", type=int, default=2000)
    ap.add_argument("--services", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not NETWORK.exists():
        sys.exit(f"absent: {NETWORK}")
    print(machine())
    m = NetworkModel.from_osm(NETWORK)
    print(f"graph: {m.n_nodes:,} nodes, {m.edge_u.size:,} search-graph edges")
    rng = np.random.default_rng(0)
    o = m.xy[rng.choice(m.snappable, args.origins)] + rng.normal(0, 30, (args.origins, 2))
    s = m.xy[rng.choice(m.snappable, args.services)]
    with_metres = m._tree_metres

    def without_metres(d, pred, row, node, *stubs):
        return np.full(row.size, np.nan)

    for minutes in (10, 30, np.inf):
        times = {"with metres": [], "without": []}
        for _ in range(args.repeat):
            for name, fn in (("with metres", with_metres), ("without", without_metres)):
                m._tree_metres = fn
                t = time.perf_counter()
                p = m.pairs_within(o, s, max_minutes=minutes)
                times[name].append(time.perf_counter() - t)
        m._tree_metres = with_metres
        a, b = min(times["with metres"]), min(times["without"])
        print(f"within {minutes} min: {len(p):,} pairs; {a:.2f} s with metres, {b:.2f} s "
              f"without (x{a / b:.1f})")
    # independent check of the metres on a sample of pairs
    p = m.pairs_within(o[:200], s[:20], max_minutes=20)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(m.edge_u.tolist(), m.edge_v.tolist(),
                                  m.edge_seconds.tolist(), strict=True))
    onode, odist, _ = m.snap(o[:200])
    snode, sdist, _ = m.snap(s[:20])
    worst = 0.0
    for k in rng.choice(len(p), min(300, len(p)), replace=False):
        i, j = p.origin[k], p.service[k]
        # leave from any departure vertex of the origin's node, arrive through the best
        # arrival entry of the service's node (junctions are expanded for turn costs)
        deps = m.dep_vtx[m.dep_ptr[onode[i]]:m.dep_ptr[onode[i] + 1]]
        dist, paths = nx.multi_source_dijkstra(g, set(deps.tolist()))
        e = min((e for e in range(m.arr_ptr[snode[j]], m.arr_ptr[snode[j] + 1])
                 if int(m.arr_vtx[e]) in dist),
                key=lambda e: dist[int(m.arr_vtx[e])] + m.arr_s[e])
        path = paths[int(m.arr_vtx[e])]
        ref = sum(float(m.lengths[u, v]) for u, v in itertools.pairwise(path)) + odist[i] \
            + sdist[j] + m.arr_m[e]
        worst = max(worst, abs(p.distance_m[k] - ref) / max(ref, 1.0))
    print(f"metres vs networkx paths on 300 pairs: max relative difference {worst:.1e}")
    print(f"peak memory {peak_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
