"""Time to interactive of the map explorer of Nord (647 communes) in headless chromium.

sdaasp sends geometries simplified at 40 m (5 decimals) and gzip-compressed; the peer is the
same page, same code, same server, with the communes' unsimplified geometries (the usual
"dump the GeoJSON" approach). A third run shows the simplified geometries without gzip.

Time to interactive = navigation start → the communes layer is drawn and clickable (the page
sets the ``carte-prete`` performance mark at that moment). Median of several runs, each in a
fresh browser context (empty cache). Usage::

    .venv/bin/python bench/bench_map_page.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = os.environ.get("SDAASP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SDAASP = str(Path(sys.executable).with_name("sdaasp"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def measure(browser, url: str, runs: int, *, gzip: bool = True) -> dict[str, float]:
    times, dcl, sizes = [], [], []
    for _ in range(runs):
        headers = {} if gzip else {"Accept-Encoding": "identity"}
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      extra_http_headers=headers)
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector('#carte[data-ready="1"]', timeout=60_000)
        t = page.evaluate("performance.getEntriesByName('carte-prete')[0].startTime")
        d = page.evaluate("performance.getEntriesByType('navigation')[0]"
                          ".domContentLoadedEventEnd")
        size = page.evaluate("""performance.getEntriesByType('resource')
            .filter(e => e.name.endsWith('communes.geojson'))
            .map(e => e.transferSize)[0]""")
        times.append(t)
        dcl.append(d)
        sizes.append(size)
        context.close()
    return {"median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "dcl_ms": statistics.median(dcl),
            "geojson_bytes": statistics.median(sizes)}


def unsimplify(data_dir: str) -> int:
    """Replace the communes' web GeoJSON by their exact geometries (the peer's approach)."""
    code = """
import geopandas as gpd, shapely
from sdaasp.cli import _django
_django.setup()
from sdaasp.diagnostic.territory.models import Commune
rows = list(Commune.objects.filter(departement='59').order_by('code'))
geoms = gpd.GeoSeries(shapely.from_wkb([bytes(c.geometry_wkb) for c in rows]), crs=2154)
for c, g in zip(rows, geoms.to_crs(4326)):
    c.geojson = shapely.to_geojson(g)
Commune.objects.bulk_update(rows, ['geojson'], batch_size=200)
print(sum(len(c.geojson) for c in rows))
"""
    env = {**os.environ, "SDAASP_DATA_DIR": data_dir}
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sdaasp-bench-map-") as data_dir:
        env = {**os.environ, "SDAASP_DATA_DIR": data_dir}
        subprocess.run([SDAASP, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([SDAASP, "territory", "build", "59"], env=env, check=True,
                       capture_output=True)
        results = {}
        for variant in ("sdaasp", "peer"):
            if variant == "peer":
                chars = unsimplify(data_dir)
                print(f"peer: unsimplified communes GeoJSON, {chars:,} characters")
            port = free_port()
            server = subprocess.Popen([SDAASP, "serve", "--port", str(port)], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for(port)
                url = f"http://127.0.0.1:{port}/carte/59/"
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                    measure(browser, url, 1)  # warm up the server (imports, first queries)
                    results[variant] = measure(browser, url, args.runs)
                    if variant == "sdaasp":
                        results["sdaasp, no gzip"] = measure(browser, url, args.runs,
                                                             gzip=False)
                    browser.close()
            finally:
                server.terminate()
                server.wait(timeout=30)

    print(f"\nMap explorer of Nord (647 communes), {args.runs} runs, headless chromium")
    print(f"{'variant':<18}{'TTI median':>12}{'min':>9}{'max':>9}{'DCL':>9}{'GeoJSON':>14}")
    for name, r in results.items():
        print(f"{name:<18}{r['median_ms']:>10.0f}ms{r['min_ms']:>7.0f}ms{r['max_ms']:>7.0f}ms"
              f"{r['dcl_ms']:>7.0f}ms{r['geojson_bytes'] / 1000:>11.0f} kB")
    ratio = results["peer"]["median_ms"] / results["sdaasp"]["median_ms"]
    print(f"ratio peer / sdaasp (time to interactive): {ratio:.1f}x")


if __name__ == "__main__":
    main()
