"""Network model on the real Monaco OSM network (../shared/data/osm/monaco.osm.pbf).

1. Nearest service for many origins: sdaasp (ONE multi-source Dijkstra on the reversed graph,
   SciPy csgraph) vs per-origin Dijkstra with networkx (as OSMnx users do), same graph, same
   snapping: times must be identical.
2. Our car times vs OSRM (``osrm-bindings`` in a separate Python 3.12 venv, car profile,
   MLD) on sampled origin–service pairs: median and 90th percentile relative difference.

Run: .venv/bin/python bench/bench_network.py [--origins 500] [--osrm-python /tmp/osrm312/bin/python
     --osrm-data /tmp/osrm-monaco/monaco.osrm]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np
from pyproj import Transformer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine
from sdaasp.travel.network import NetworkModel

ROOT = Path(__file__).resolve().parent.parent
MONACO = ROOT.parent / "shared" / "data" / "osm" / "monaco.osm.pbf"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--origins", type=int, default=500)
    ap.add_argument("--services", type=int, default=10)
    ap.add_argument("--osrm-python", default="/tmp/osrm312/bin/python")
    ap.add_argument("--osrm-data", default="/tmp/osrm-monaco/monaco.osrm")
    args = ap.parse_args()
    if not MONACO.exists():
        sys.exit(f"absent: {MONACO}")
    print(machine())
    t_build, model = best_of(lambda: NetworkModel.from_osm(MONACO), repeat=1)
    print(f"graph: {model.n_nodes:,} nodes, {model.edge_u.size:,} search-graph edges, "
          f"read and built in {t_build:.2f} s")
    rng = np.random.default_rng(0)
    origins = model.xy[rng.choice(model.snappable, args.origins)] + rng.normal(0, 25,
                                                                           (args.origins, 2))
    services = model.xy[rng.choice(model.snappable, args.services)]

    t_ours, r = best_of(lambda: model.nearest(origins, services), repeat=3)

    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(model.edge_u.tolist(), model.edge_v.tolist(),
                                  model.edge_seconds.tolist(), strict=True))
    onode, _, otime = model.snap(origins)
    snode, _, stime = model.snap(services)

    def per_origin():
        out = np.full(args.origins, np.inf)
        for i in range(args.origins):
            if onode[i] < 0:
                out[i] = np.nan
                continue
            # leave from any departure vertex of the origin's node, arrive through any
            # arrival entry of the service's node (junctions are expanded: turn costs)
            deps = model.dep_vtx[model.dep_ptr[onode[i]]:model.dep_ptr[onode[i] + 1]]
            lengths = nx.multi_source_dijkstra_path_length(g, set(deps.tolist()))
            best = np.inf
            for j, n in enumerate(snode):
                for e in range(model.arr_ptr[n], model.arr_ptr[n + 1]):
                    a = int(model.arr_vtx[e])
                    if a in lengths:
                        best = min(best, lengths[a] + model.arr_s[e] + stime[j])
            out[i] = (best + otime[i]) / 60.0
        return out

    t_nx, ref = best_of(per_origin, repeat=1)
    ok = np.isfinite(ref)
    diff = np.max(np.abs(r.minutes[ok, 0] - ref[ok]) / ref[ok])
    assert diff < 1e-9 and (np.isinf(r.minutes[~ok, 0]) == np.isinf(ref[~ok])).all()
    print(f"nearest of {args.services} services for {args.origins} origins:")
    print(f"  sdaasp (one multi-source Dijkstra)   {t_ours:8.3f} s")
    print(f"  networkx (one Dijkstra per origin)   {t_nx:8.3f} s")
    print(f"  ratio {t_nx / t_ours:.0f}x (target >= 20x); max relative difference {diff:.1e}")

    # ---- comparison with OSRM on sampled pairs --------------------------------------------
    osrm_py, osrm_data = Path(args.osrm_python), Path(args.osrm_data)
    if not (osrm_py.exists() and Path(str(osrm_data) + ".mldgr").exists()):
        print(f"OSRM comparison skipped: {osrm_py} or {osrm_data}.* absent "
              "(see docs/benchmarks.md)")
        return
    n_s = 100
    src = origins[:n_s]
    t0 = time.perf_counter()
    pairs = model.pairs_within(src, services, max_minutes=np.inf)
    t_pairs = time.perf_counter() - t0
    ours = np.full((n_s, services.shape[0]), np.nan)
    ours[pairs.origin, pairs.service] = pairs.minutes * 60
    tr = Transformer.from_crs(2154, 4326, always_xy=True)
    lon_o, lat_o = tr.transform(src[:, 0], src[:, 1])
    lon_s, lat_s = tr.transform(services[:, 0], services[:, 1])
    with tempfile.TemporaryDirectory() as tmp:
        job, res = Path(tmp) / "job.json", Path(tmp) / "res.json"
        job.write_text(json.dumps({
            "osrm": str(osrm_data),
            "sources": np.column_stack([lon_o, lat_o]).tolist(),
            "destinations": np.column_stack([lon_s, lat_s]).tolist()}), encoding="utf-8")
        subprocess.run([str(osrm_py), str(ROOT / "bench" / "osrm_table_py312.py"), str(job),
                        str(res)], check=True)
        out = json.loads(res.read_text(encoding="utf-8"))
    theirs = np.array([[np.nan if v is None else v for v in row] for row in out["durations"]])
    both = np.isfinite(ours) & np.isfinite(theirs) & (theirs > 0)
    rel = (ours[both] - theirs[both]) / theirs[both]
    print(f"car times vs OSRM (osrm-bindings, car.lua, MLD) on {both.sum()} origin–service pairs:")
    print(f"  median relative difference {np.median(rel):+.1%}, median |diff| "
          f"{np.median(np.abs(rel)):.1%}, "
          f"90th percentile |diff| {np.quantile(np.abs(rel), 0.9):.1%}")
    print(f"  (sdaasp {t_pairs:.3f} s for the {n_s}×{services.shape[0]} table, OSRM "
          f"{out['seconds']:.3f} s)")


if __name__ == "__main__":
    main()
