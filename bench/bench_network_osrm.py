"""Car times of the network model against OSRM's own car.lua, same origin–destination pairs.

For each real network (Monaco, Liechtenstein in ../shared/data/osm): origins and destinations
are drawn among the graph's nodes that are not junctions (so both engines start on the same
road, at the same point); sdaasp's times come from ``pairs_within`` (unbounded), OSRM's from
its table service (``osrm-bindings`` 26.10 in a separate Python 3.12 venv, data prepared with
the wheel's ``osrm-extract -p car.lua``, ``osrm-partition``, ``osrm-customize``; MLD), called
by ``bench/osrm_table_py312.py``. Prints the median and 90th percentile of
|ours − OSRM| / OSRM, for the full profile and with parts switched off (to show what each part
brings).

Prepare OSRM once (paths are the defaults below):
    B=/tmp/osrm312/lib/python3.12/site-packages/osrm
    $B/bin/osrm-extract -p $B/share/profiles/car.lua /tmp/osrm-monaco/monaco.osm.pbf
    $B/bin/osrm-partition /tmp/osrm-monaco/monaco.osrm
    $B/bin/osrm-customize /tmp/osrm-monaco/monaco.osrm
Run: .venv/bin/python bench/bench_network_osrm.py [--origins 150 --destinations 40]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine
from sdaasp.travel.network import NetworkConfig, NetworkModel, read_osm

ROOT = Path(__file__).resolve().parent.parent
OSM = ROOT.parent / "shared" / "data" / "osm"
NETWORKS = {"monaco": "/tmp/osrm-monaco/monaco.osrm",
            "liechtenstein-latest": "/tmp/osrm-liechtenstein-latest/liechtenstein-latest.osrm"}


def osrm_table(py: Path, data: str, lonlat_o: np.ndarray, lonlat_d: np.ndarray) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        job, res = Path(tmp) / "job.json", Path(tmp) / "res.json"
        job.write_text(json.dumps({"osrm": data, "sources": lonlat_o.tolist(),
                                   "destinations": lonlat_d.tolist()}), encoding="utf-8")
        subprocess.run([str(py), str(ROOT / "bench" / "osrm_table_py312.py"), str(job),
                        str(res)], check=True)
        out = json.loads(res.read_text(encoding="utf-8"))
    return np.array([[np.nan if v is None else v for v in row] for row in out["durations"]])


def ours_table(m: NetworkModel, o: np.ndarray, d: np.ndarray) -> np.ndarray:
    p = m.pairs_within(m.xy[o], m.xy[d], max_minutes=np.inf)
    t = np.full((o.size, d.size), np.nan)
    t[p.origin, p.service] = p.minutes * 60
    return t


def stats(ours: np.ndarray, theirs: np.ndarray) -> tuple[int, float, float, float]:
    both = np.isfinite(ours) & np.isfinite(theirs) & (theirs > 30)
    rel = (ours[both] - theirs[both]) / theirs[both]
    return (int(both.sum()), float(np.median(rel)), float(np.median(np.abs(rel))),
            float(np.quantile(np.abs(rel), 0.9)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--origins", type=int, default=150)
    ap.add_argument("--destinations", type=int, default=40)
    ap.add_argument("--osrm-python", default="/tmp/osrm312/bin/python")
    args = ap.parse_args()
    print(machine())
    py = Path(args.osrm_python)
    base = NetworkConfig(crs=3857)
    variants = {
        "full profile": base,
        "without turn costs": replace(base, turn_costs=False),
        "without maxspeed": replace(base, profile=replace(base.profile, maxspeed_keys=())),
        "without node penalties": replace(base, profile=replace(
            base.profile, signal_s=0.0, stop_s=0.0, give_way_s=0.0)),
    }
    for name, data in NETWORKS.items():
        path = OSM / f"{name}.osm.pbf"
        if not path.exists() or not Path(data + ".mldgr").exists() or not py.exists():
            print(f"{name}: skipped ({path}, {data}.* or {py} absent)")
            continue
        full = NetworkModel.from_osm(path, base)
        rng = np.random.default_rng(11)
        pool = full.snappable[~full.ported[full.snappable]]
        o = rng.choice(pool, args.origins, replace=False)
        d = rng.choice(pool, args.destinations, replace=False)
        lonlat = np.column_stack([full.lon, full.lat])
        theirs = osrm_table(py, data, lonlat[o], lonlat[d])
        print(f"\n{name}: {full.n_nodes:,} nodes, {full.n_segments:,} road segments, "
              f"{full.n_vertices:,} search vertices; {o.size} × {d.size} pairs")
        for label, cfg in variants.items():
            m = full if cfg is base else NetworkModel(read_osm(path, cfg), cfg)
            # same OSM nodes in every variant (node ids are the sorted OSM ids)
            oi = np.searchsorted(m.node_id, full.node_id[o])
            di = np.searchsorted(m.node_id, full.node_id[d])
            n, med, mabs, p90 = stats(ours_table(m, oi, di), theirs)
            print(f"  {label:24s} pairs {n:5d}  median diff {med:+6.1%}  "
                  f"median |diff| {mabs:5.1%}  p90 |diff| {p90:5.1%}")


if __name__ == "__main__":
    main()
