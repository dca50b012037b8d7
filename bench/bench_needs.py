"""Needs and zones: sdaasp's vectorised code against its peers, side by side, same data.

1. Population in QPV (areal weighting) on the real Nord communes, with synthetic QPV
   polygons (squares of 300 m to 1.5 km around random communes' points; synthetic, not the
   real QPV list): ``sdaasp.needs.population_in_qpv`` (one union, vectorised intersection)
   against the usual GeoPandas way (``overlay`` of communes × QPV, areas, ``groupby``).
2. Access deficits: ``sdaasp.needs.method.access_deficits`` against a plain-Python loop over
   origins (the reference of tests/needs/test_reference.py), on a synthetic table of origins
   (200 m cells spread over the Nord communes, times drawn at random).

Both print the times, the ratio and the largest difference between the two results.
Usage::

    .venv/bin/python bench/bench_needs.py [--origins 50000]
"""

from __future__ import annotations

import argparse
import math
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sdaasp.needs import analysis_units, load_params, population_in_qpv
from sdaasp.needs.method import access_deficits
from sdaasp.territory import build_territory


def best_of(fn, runs: int = 3):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def qpv_peer(areas: gpd.GeoDataFrame, qpv: gpd.GeoDataFrame) -> np.ndarray:
    a = areas.reset_index(drop=True).assign(_i=lambda d: d.index, _area=lambda d: d.area)
    q = gpd.GeoDataFrame(geometry=[shapely.union_all(qpv.geometry.to_numpy())], crs=qpv.crs)
    inter = gpd.overlay(a[["_i", "_area", "population", "geometry"]], q, how="intersection",
                        keep_geom_type=True)
    inside = inter.assign(_in=inter.area).groupby("_i")["_in"].sum()
    share = inside.reindex(a["_i"]).fillna(0.0).to_numpy() / a["_area"].to_numpy()
    return a["population"].to_numpy(dtype=float) * share


def deficits_peer(access: pd.DataFrame, units: pd.DataFrame, params) -> dict:
    unit_codes = set(units["unit_code"])
    out = {}
    for s in params.services:
        times: dict[tuple[str, str], float] = {}
        meta = {}
        for o, c, i, p, t, m in access.itertuples(index=False):
            times[(o, t)] = m
            meta[o] = (c, i, p)
        acc: dict[str, list[float]] = {}
        for o, (c, i, p) in meta.items():
            vals = [times.get((o, t), math.nan) for t in s.types]
            m = sum(vals) / len(vals)
            unit = i if i in unit_codes else c
            a = acc.setdefault(unit, [0.0, 0.0])
            a[0] += p
            a[1] += p * (not (m <= s.seuil_minutes))
        for u, (tot, bey) in acc.items():
            out[(u, s.code)] = bey / tot if tot > 0 else math.nan
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--origins", type=int, default=50_000)
    args = parser.parse_args()
    rng = np.random.default_rng(59)
    nord = build_territory("59")
    communes = nord.communes.assign(population=nord.communes["population"].astype(float))

    pts = shapely.get_coordinates(communes.geometry.representative_point().to_numpy())
    pick = pts[rng.choice(len(pts), 200, replace=False)]
    half = rng.uniform(150, 750, len(pick))
    qpv = gpd.GeoDataFrame({"code": [f"QN{i:06d}" for i in range(len(pick))]},
                           geometry=shapely.box(pick[:, 0] - half, pick[:, 1] - half,
                                                pick[:, 0] + half, pick[:, 1] + half),
                           crs=communes.crs)
    t_ours, ours = best_of(lambda: population_in_qpv(communes, qpv))
    t_peer, peer = best_of(lambda: qpv_peer(communes, qpv))
    diff = float(np.nanmax(np.abs(ours - peer)))
    print(f"Population en QPV ({len(communes)} communes, {len(qpv)} QPV synthétiques)")
    print(f"  sdaasp   {t_ours * 1000:8.1f} ms")
    print(f"  GeoPandas overlay {t_peer * 1000:8.1f} ms  (rapport {t_peer / t_ours:.1f}×)")
    print(f"  écart maximal : {diff:.2e} habitant")

    units = analysis_units(communes, [])
    n = args.origins
    com = communes["code"].to_numpy()[rng.integers(0, len(communes), n)]
    access = pd.DataFrame({
        "origin_id": np.repeat(np.arange(n).astype(str), 2),
        "commune_code": np.repeat(com, 2), "iris_code": None,
        "population": np.repeat(rng.uniform(0, 60, n), 2),
        "type_code": np.tile(["MAIRIE", "A206"], n),
        "minutes": np.where(rng.random(2 * n) < 0.02, np.nan, rng.uniform(0, 40, 2 * n)),
    })
    params = load_params()
    params = type(params)(**{**params.__dict__, "services": tuple(
        s for s in params.services if s.code in ("MAIRIE", "proximite"))})
    t_ours, (ours_t, _) = best_of(lambda: access_deficits(access, units, params))
    t_peer, peer_d = best_of(lambda: deficits_peer(access, units, params), runs=1)
    got = {(r.unit_code, r.service): r.share_beyond for r in ours_t.itertuples()}
    diff = max(abs(got[k] - v) for k, v in peer_d.items() if not math.isnan(v))
    print(f"Déficits d'accès ({n} origines synthétiques, 2 services, {len(units)} communes)")
    print(f"  sdaasp   {t_ours * 1000:8.1f} ms")
    print(f"  boucle Python {t_peer * 1000:8.1f} ms  (rapport {t_peer / t_ours:.1f}×)")
    print(f"  écart maximal : {diff:.2e}")


if __name__ == "__main__":
    main()
