"""A small fake OSRM table server on 127.0.0.1 (no network), shared by the OSRM tests.

Durations are great-circle distances at :data:`SPEED`; points west of ``island_lon`` form an
island: no route between them and the rest (OSRM answers ``null``), as OSRM does for a place
its graph cannot join.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import numpy as np

from sdaasp.travel.network import haversine_m

SPEED = 10.0  # m/s in the fake server: duration = great-circle distance / 10


class FakeOsrm(BaseHTTPRequestHandler):
    fail_first = 0
    calls: list[int] = []
    max_table = 100
    island_lon = -180.0

    def log_message(self, *args):  # keep pytest output clean
        pass

    def do_GET(self):
        cls = type(self)
        cls.calls.append(1)
        if cls.fail_first > 0:
            cls.fail_first -= 1
            self.send_response(503)
            self.end_headers()
            return
        url = urlsplit(self.path)
        parts = url.path.split("/")
        assert parts[1:4] == ["table", "v1", "driving"]
        coords = [tuple(map(float, c.split(","))) for c in parts[4].split(";")]
        if len(coords) > cls.max_table:
            body = {"code": "TooBig", "message": "Too many table coordinates"}
            self._send(400, body)
            return
        q = parse_qs(url.query)
        src = [int(i) for i in q["sources"][0].split(";")]
        dst = [int(i) for i in q["destinations"][0].split(";")]
        lon = np.array([c[0] for c in coords])
        lat = np.array([c[1] for c in coords])
        d = haversine_m(lon[src][:, None], lat[src][:, None], lon[dst][None, :], lat[dst][None, :])
        island = lon < cls.island_lon
        cut = island[src][:, None] != island[dst][None, :]
        durations = np.where(cut, None, d / SPEED).tolist()
        distances = np.where(cut, None, d).tolist()
        self._send(200, {"code": "Ok", "durations": durations, "distances": distances})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def fake_osrm_server() -> Iterator[str]:
    """Run the fake server on a free port (state reset); yields its URL."""
    FakeOsrm.fail_first = 0
    FakeOsrm.calls = []
    FakeOsrm.island_lon = -180.0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeOsrm)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
