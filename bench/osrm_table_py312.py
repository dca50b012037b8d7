"""Helper run by bench_network.py in a separate Python 3.12 venv with ``osrm-bindings``:
reads {"osrm": path, "sources": [[lon, lat]…], "destinations": […]} from argv[1], writes
{"durations": […], "distances": […], "seconds": wall time} to argv[2]. Not imported by sdaasp."""

import json
import sys
import time

import osrm  # available only in the benchmark's Python 3.12 environment

with open(sys.argv[1], encoding="utf-8") as f:
    job = json.load(f)
engine = osrm.OSRM(storage_config=job["osrm"], algorithm="MLD",
                   max_locations_distance_table=100000, default_radius="unlimited",
                   use_shared_memory=False)
src, dst = job["sources"], job["destinations"]
coords = [tuple(c) for c in src + dst]
params = osrm.TableParameters(
    coordinates=coords, sources=list(range(len(src))),
    destinations=list(range(len(src), len(src) + len(dst))),
    annotations=["duration", "distance"])
t = time.perf_counter()
res = engine.Table(params)
seconds = time.perf_counter() - t
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump({"durations": [list(r) for r in res["durations"]],
               "distances": [list(r) for r in res["distances"]], "seconds": seconds}, f)
