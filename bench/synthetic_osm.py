"""SYNTHETIC OpenStreetMap extract of a département's size, written with pyosmium's writer.

Everything in the file is synthetic (generator tag ``sdaasp-synthetic``): a jittered street grid
over a 95 km × 60 km rectangle (about the Nord's 5,743 km²) centred near Lille, junctions every
150 m with three intermediate nodes per block side, 8 % of the sides missing (T junctions and
dead ends), classes by line (primary / secondary / trunk lines with posted limits, residential
elsewhere, some of them one-way or zone 30), traffic signals on main-road junctions, excluded
driveways, and buildings (closed ways with tags) around the streets to bring the file to the
size of a real extract, with object metadata (version, timestamp, changeset, user) as in the
regional extracts people download. Used by ``bench_network_scale.py``.

Run alone: .venv/bin/python bench/synthetic_osm.py OUT.osm.pbf [--buildings 2400000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np

LON0, LAT0 = 2.45, 50.15          # south-west corner (synthetic)
WIDTH_KM, HEIGHT_KM, SPACING_M = 95.0, 60.0, 150.0
KM_LON = 111.32 * np.cos(np.radians(LAT0 + 0.27))
KM_LAT = 110.57


def write_synthetic_pbf(path: Path, *, buildings: int = 2_400_000, seed: int = 0,
                        spacing_m: float = SPACING_M) -> dict[str, int]:
    """Write the synthetic extract; returns counts (nodes, ways, road nodes)."""
    import osmium
    from osmium.osm import Location
    from osmium.osm.mutable import Node, Way

    rng = np.random.default_rng(seed)
    nx_, ny_ = int(WIDTH_KM * 1000 / spacing_m), int(HEIGHT_KM * 1000 / spacing_m)
    jx = rng.normal(0, 20, (ny_, nx_))
    jy = rng.normal(0, 20, (ny_, nx_))
    gx = np.arange(nx_)[None, :] * spacing_m + jx
    gy = np.arange(ny_)[:, None] * spacing_m + jy

    def lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return LON0 + x / 1000 / KM_LON, LAT0 + y / 1000 / KM_LAT

    users = [f"synthetic_user_{k}" for k in range(500)]
    t0 = dt.datetime(2012, 1, 1, tzinfo=dt.UTC).timestamp()

    stamps = [dt.datetime.fromtimestamp(t0 + float(s), tz=dt.UTC)
              for s in rng.uniform(0, 4.2e8, 4096)]
    state = {"left": 0, "meta": {}}

    def meta() -> dict[str, object]:
        """Consecutive objects share an edit (changeset, user, time), as in real extracts."""
        if state["left"] == 0:
            u = int(rng.integers(500))
            state["left"] = int(rng.integers(20, 400))
            state["meta"] = {"version": int(rng.integers(1, 6)),
                             "changeset": int(rng.integers(1, 9e7)), "uid": 1000 + u,
                             "user": users[u], "timestamp": stamps[int(rng.integers(4096))]}
        state["left"] -= 1
        return state["meta"]  # type: ignore[return-value]

    junction_id = np.arange(1, nx_ * ny_ + 1).reshape(ny_, nx_)
    signal = rng.random((ny_, nx_)) < 0.25
    main_row = (np.arange(ny_) % 10 == 0)
    main_col = (np.arange(nx_) % 12 == 0)
    # -- geometry first (ids in writing order: nodes sorted by id, then ways) ----------------
    node_x: list[np.ndarray] = [gx.ravel()]
    node_y: list[np.ndarray] = [gy.ravel()]
    next_id = nx_ * ny_ + 1
    ways: list[tuple[list[int], dict[str, str]]] = []
    mids_x: list[float] = []
    mids_y: list[float] = []
    f = np.array([0.25, 0.5, 0.75])
    for horizontal in (True, False):
        for j in range(ny_ if horizontal else ny_ - 1):
            for i in range(nx_ - 1 if horizontal else nx_):
                if rng.random() < 0.08:
                    continue
                a = (j, i)
                b = (j, i + 1) if horizontal else (j + 1, i)
                x = gx[a] + f * (gx[b] - gx[a]) + rng.normal(0, 4, 3)
                y = gy[a] + f * (gy[b] - gy[a]) + rng.normal(0, 4, 3)
                mids_x.extend(x)
                mids_y.extend(y)
                mids = [next_id, next_id + 1, next_id + 2]
                next_id += 3
                tags = _road_tags(rng, main_row[j] if horizontal else main_col[i],
                                  (j if horizontal else i) % 30 == 0)
                ways.append(([int(junction_id[a]), *mids, int(junction_id[b])], tags))
                if rng.random() < 0.05:   # a driveway (excluded by the car profile)
                    mids_x.append(x[1] + 25.0)
                    mids_y.append(y[1])
                    ways.append(([mids[1], next_id],
                                 {"highway": "service", "service": "driveway"}))
                    next_id += 1
    node_x.append(np.asarray(mids_x))
    node_y.append(np.asarray(mids_y))
    road_nodes = next_id - 1
    pts = np.column_stack([np.asarray(mids_x), np.asarray(mids_y)])
    centre = pts[rng.integers(pts.shape[0], size=buildings)] + rng.normal(0, 30, (buildings, 2))
    side = rng.uniform(6, 15, buildings)
    corners = np.array([[0, 0], [1, 0], [1, 0.8], [0, 0.8]])
    bx = centre[:, :1] + side[:, None] * corners[None, :, 0]
    by = centre[:, 1:] + side[:, None] * corners[None, :, 1]
    node_x.append(bx.ravel())
    node_y.append(by.ravel())
    first_building_node = next_id
    lon, lat = lonlat(np.concatenate(node_x), np.concatenate(node_y))
    tagged = {int(junction_id[j, i]) for j, i in zip(*np.nonzero(signal), strict=True)
              if main_row[j] or main_col[i]}
    t = time.perf_counter()
    header = osmium.io.Header()
    header.set("generator", "sdaasp-synthetic")
    with osmium.SimpleWriter(str(path), overwrite=True, header=header) as w:
        signals = {"highway": "traffic_signals"}
        for k in range(lon.size):
            nid = k + 1
            w.add_node(Node(id=nid, location=Location(float(lon[k]), float(lat[k])),
                            tags=signals if nid in tagged else {}, **meta()))
        way_id = 1
        for refs, tags in ways:
            w.add_way(Way(id=way_id, nodes=refs, tags=tags, **meta()))
            way_id += 1
        for k in range(buildings):
            ids = list(range(first_building_node + 4 * k, first_building_node + 4 * k + 4))
            tags = {"building": "yes"}
            if rng.random() < 0.3:
                tags.update({"addr:housenumber": str(int(rng.integers(1, 300))),
                             "addr:street": f"Rue synthétique {int(rng.integers(5000))}"})
            w.add_way(Way(id=way_id, nodes=[*ids, ids[0]], tags=tags, **meta()))
            way_id += 1
    return {"nodes": int(lon.size), "ways": way_id - 1, "road_nodes": road_nodes,
            "seconds": int(time.perf_counter() - t)}


def _road_tags(rng: np.random.Generator, main: bool, trunk: bool) -> dict[str, str]:
    if trunk:
        return {"highway": "trunk", "maxspeed": "110", "lanes": "2"}
    if main:
        return {"highway": "primary", "maxspeed": str(rng.choice(["FR:rural", "70", "50"]))}
    r = rng.random()
    if r < 0.15:
        return {"highway": "secondary", "maxspeed": "FR:rural"}
    tags = {"highway": "residential"}
    if r < 0.35:
        tags["maxspeed"] = str(rng.choice(["FR:zone30", "30", "50", "FR:urban"]))
    if rng.random() < 0.1:
        tags["oneway"] = str(rng.choice(["yes", "-1"]))
    return tags


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--buildings", type=int, default=2_400_000)
    args = ap.parse_args()
    counts = write_synthetic_pbf(args.out, buildings=args.buildings)
    print(f"SYNTHETIC extract {args.out}: {args.out.stat().st_size / 1e6:.1f} MB, {counts}")


if __name__ == "__main__":
    main()
