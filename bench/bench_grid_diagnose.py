"""``sdaasp diagnose 59 --origins grid``: the whole command's wall time beside the sum of its
compute stages (grid origins, nearest service and summaries) and of its writes.

The command runs in-process on a fresh SQLite data directory (the Nord territory saved first,
outside the measure), with the straight-line model and the town halls (the one type every
département has). Each stage is timed inside the command itself, by wrapping the functions the
command calls; what the wrappers do not cover (Django set-up, printing, argument checks) is
the overhead. The goal of the issue: wall time ≤ 2 × (compute + the files the user asked for).

``--reference`` times the grid built the way it was before the change (every cell intersected
with every commune it touches), to print the gain of the grid stage alone.

Run: ``.venv/bin/python bench/bench_grid_diagnose.py [--export-origines] [--reference]``.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine, peak_rss_gib

#: (module, function, stage label, kind): kind "compute", "write" (files, database) or "read".
STAGES = [
    ("sdaasp.diagnostic.territory.loading", "held_territory", "territory read from the base",
     "read"),
    ("sdaasp.diagnostic.runs.inputs", "service_points", "service points read", "read"),
    ("sdaasp.access.diagnostic", "build_origins", "grid origins", "compute"),
    ("sdaasp.access.diagnostic", "run_diagnostic", "nearest service + summaries", "compute"),
    ("sdaasp.diagnostic.runs.services", "save_diagnostic", "run saved in the base", "write"),
    ("sdaasp.access.export", "export_gpkg", "GeoPackage written", "write"),
    ("sdaasp.access.export", "export_csv", "CSV written", "write"),
]


def _timed(fn: Callable, label: str, record: dict[str, float]) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> object:
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            record[label] = record.get(label, 0.0) + time.perf_counter() - t
    return wrapper


def reference_grid(communes: object, cell_m: float = 200.0) -> int:
    """The grid as built before: every (cell, commune) pair that intersects is intersected."""
    import numpy as np
    import shapely

    geoms = communes.geometry.to_numpy()  # type: ignore[attr-defined]
    xmin, ymin, xmax, ymax = communes.total_bounds  # type: ignore[attr-defined]
    x0, y0 = np.floor(xmin / cell_m) * cell_m, np.floor(ymin / cell_m) * cell_m
    nx, ny = int(np.ceil((xmax - x0) / cell_m)), int(np.ceil((ymax - y0) / cell_m))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    ix, iy = gx.ravel(), gy.ravel()
    cells = shapely.box(x0 + ix * cell_m, y0 + iy * cell_m, x0 + (ix + 1) * cell_m,
                        y0 + (iy + 1) * cell_m)
    com_idx, cell_idx = shapely.STRtree(cells).query(geoms, predicate="intersects")
    pieces = shapely.intersection(cells[cell_idx], geoms[com_idx])
    keep = shapely.area(pieces) > 0
    centre = shapely.centroid(cells[cell_idx[keep]])
    inside = shapely.contains_properly(pieces[keep], centre)
    pts = np.where(inside, centre, shapely.point_on_surface(pieces[keep]))
    return len(pts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default="59")
    parser.add_argument("--export-origines", action="store_true",
                        help="ask for the per-origin layer too")
    parser.add_argument("--reference", action="store_true",
                        help="also time the grid built the old way (every pair intersected)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sdaasp-bench-grid-") as data_dir:
        os.environ["SDAASP_DATA_DIR"] = data_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("DJANGO_SETTINGS_MODULE", None)
        from sdaasp.cli import main as sdaasp

        assert sdaasp(["migrate"]) == 0
        assert sdaasp(["territory", "build", args.code]) == 0
        record: dict[str, float] = {}
        for module, name, label, _ in STAGES:
            mod = importlib.import_module(module)
            setattr(mod, name, _timed(getattr(mod, name), label, record))
        out = Path(data_dir) / "exports"
        out.mkdir()
        argv = ["diagnose", args.code, "--origins", "grid", "--types", "MAIRIE",
                "--output-dir", str(out)]
        if args.export_origines:
            argv.append("--export-origines")
        t = time.perf_counter()
        assert sdaasp(argv) == 0
        wall = time.perf_counter() - t
        files = {p.name: p.stat().st_size for p in out.iterdir()}
        territory = None
        if args.reference:
            from sdaasp.access.origins import grid_from_communes
            from sdaasp.territory import build_territory

            territory = build_territory(args.code)
            new_s, n_new = best_of(lambda: len(grid_from_communes(territory.communes)), 3)
            old_s, n_old = best_of(lambda: reference_grid(territory.communes), 3)
    print(machine())
    print(f"load average {os.getloadavg()[0]:.1f}; peak RSS {peak_rss_gib():.2f} GiB")
    print("\nsdaasp " + " ".join("…" if a == str(out) else a for a in argv))
    kinds = {label: kind for *_, label, kind in STAGES}
    sums = {"compute": 0.0, "write": 0.0, "read": 0.0}
    for label, seconds in record.items():
        sums[kinds[label]] += seconds
        print(f"  {label:<32} {seconds:7.2f} s  ({kinds[label]})")
    overhead = wall - sum(sums.values())
    print(f"  {'other (set-up, printing)':<32} {overhead:7.2f} s")
    print(f"\n{'pipeline wall time':<34} {wall:7.2f} s")
    print(f"{'sum of compute stages':<34} {sums['compute']:7.2f} s")
    print(f"{'compute + files and run written':<34} {sums['compute'] + sums['write']:7.2f} s")
    print(f"{'wall / compute':<34} {wall / sums['compute']:7.2f}")
    print(f"{'wall / (compute + writes)':<34} {wall / (sums['compute'] + sums['write']):7.2f}")
    for name, size in sorted(files.items()):
        print(f"  file {name}: {size / 2**20:.1f} MiB")
    if territory is not None:
        print(f"\ngrid of {args.code}: {new_s:.2f} s now ({n_new} origins), "
              f"{old_s:.2f} s with every pair intersected ({n_old} origins), "
              f"{old_s / new_s:.1f}× (best of 3)")


if __name__ == "__main__":
    main()
