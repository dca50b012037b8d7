"""Scale: a SYNTHETIC national run, 2.3 million cells × 100 service types, crowfly model.

Cells are clustered synthetic points over a 1,000 km square (like the 200 m cells of
metropolitan France); populations random; 100 synthetic service types of 10 to 5,000 points.
Measures wall time and peak memory (must stay under 8 GB) of: nearest service of every type
for every cell (float32 results), then population-weighted summaries by "département"
(96 synthetic groups). Everything here is synthetic.

Run: .venv/bin/python bench/bench_scale.py [--cells 2300000] [--types 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine, peak_rss_gib
from sdaasp.access import nearest_by_type, summarise_by_type
from sdaasp.testing import SYNTHETIC, synthetic_points
from sdaasp.travel import CrowflyModel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cells", type=int, default=2_300_000)
    ap.add_argument("--types", type=int, default=100)
    args = ap.parse_args()
    print(machine())
    rng = np.random.default_rng(0)
    xy = synthetic_points(args.cells, seed=1)
    origins = pd.DataFrame({
        "origin_id": np.arange(args.cells), "x": xy[:, 0], "y": xy[:, 1],
        "population": rng.gamma(1.2, 20, args.cells),
        "context": rng.integers(0, 3, args.cells).astype(np.int8),
    })
    dep = (((xy[:, 0] - xy[:, 0].min()) // 105_000) * 10
           + (xy[:, 1] - xy[:, 1].min()) // 105_000).astype(np.int32)
    counts = rng.integers(10, 5000, args.types)
    n = int(counts.sum())
    sxy = synthetic_points(n, seed=2)
    services = pd.DataFrame({
        "point_id": np.arange(n), "type_code": np.repeat([f"T{k:03d}" for k in range(args.types)],
                                                         counts),
        "nom": "", "x": sxy[:, 0], "y": sxy[:, 1], "capacity": np.nan, "commune_code": None,
        "approximate": False, "source": SYNTHETIC,
    })
    print(f"synthetic: {args.cells:,} cells, {n:,} services in {args.types} types; "
          f"peak RSS after setup {peak_rss_gib():.2f} GiB")
    t, c = time.perf_counter(), time.process_time()
    r = nearest_by_type(origins, services, CrowflyModel(), dtype=np.float32)
    t_near, c_near = time.perf_counter() - t, time.process_time() - c
    print(f"nearest of every type for every cell: {t_near:.1f} s wall, {c_near:.1f} s CPU "
          f"({c_near / args.types * 1000:.0f} ms CPU per type); peak RSS {peak_rss_gib():.2f} GiB")
    t, c = time.perf_counter(), time.process_time()
    s = summarise_by_type(r.minutes, r.types, origins["population"].to_numpy(), dep,
                          level="departement")
    t_agg, c_agg = time.perf_counter() - t, time.process_time() - c
    print(f"summaries by group ({s['code'].nunique()} groups × {args.types} types): "
          f"{t_agg:.1f} s wall, {c_agg:.1f} s CPU; peak RSS {peak_rss_gib():.2f} GiB")
    print(f"total {t_near + t_agg:.1f} s wall, {c_near + c_agg:.1f} s CPU; "
          f"peak memory {peak_rss_gib():.2f} GiB (limit 8 GB)")


if __name__ == "__main__":
    main()
