"""Travel times from an OSRM server's table service (``/table/v1/{profile}/…``).

For users who run their own OSRM. Requests are batched (OSRM limits the size of a table,
``--max-table-size``, 100 by default), retried with a backoff on network errors and HTTP 5xx,
and bounded by a timeout. Candidate services per origin come from a KD-tree on straight-line
distance (the ``candidates`` nearest), then the server gives the road times; the number of
origins for which a farther candidate could in theory be faster is reported in
:attr:`OsrmModel.last_unproven` (straight-line distance at ``max_speed_kmh`` below the best
road time found).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

import numpy as np
from pyproj import Transformer
from scipy.spatial import cKDTree

from sdaasp.errors import SdaaspError
from sdaasp.travel.base import Nearest, Pairs, TravelModel, as_xy, empty_nearest, with_unplaced


class OsrmError(SdaaspError):
    """The OSRM server could not answer."""


@dataclass(frozen=True)
class OsrmConfig:
    """Parameters of the OSRM client.

    Attributes
    ----------
    url : base URL of the server (``http://127.0.0.1:5000``).
    profile : OSRM profile in the URL (``driving``, ``car``, ``foot``…).
    max_table : largest number of coordinates in one request (server's ``--max-table-size``).
    candidates : straight-line nearest services queried per origin for :meth:`nearest`.
    max_speed_kmh : upper bound of road speeds, used to bound candidate search (130 km/h, the
        French motorway limit, Code de la route art. R413-2).
    timeout_s, retries, backoff_s : network robustness.
    """

    url: str
    profile: str = "driving"
    max_table: int = 100
    candidates: int = 10
    max_speed_kmh: float = 130.0
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 0.5
    crs: int = 2154


class OsrmModel(TravelModel):
    """Road times and distances computed by an OSRM server."""

    kind = "osrm"

    def __init__(self, config: OsrmConfig) -> None:
        self.config = config
        self._to_wgs84 = Transformer.from_crs(config.crs, 4326, always_xy=True)
        self.last_unproven = 0
        self.requests = 0

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, **asdict(self.config)}

    # -- HTTP ----------------------------------------------------------------------------------
    def _get(self, url: str) -> dict:
        last: Exception | None = None
        for attempt in range(self.config.retries + 1):
            try:
                self.requests += 1
                with urllib.request.urlopen(url, timeout=self.config.timeout_s) as resp:
                    data = json.loads(resp.read().decode("utf-8"))
                if data.get("code") != "Ok":
                    raise OsrmError(f"Le serveur OSRM a refusé la requête : {data.get('code')} "
                                    f"— {data.get('message', '')}")
                return data
            except urllib.error.HTTPError as exc:
                exc.close()  # release the socket (ResourceWarning otherwise)
                if exc.code < 500:
                    raise OsrmError(f"Le serveur OSRM a répondu {exc.code} à {url[:120]}…") from exc
                last = exc
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                last = exc
            if attempt < self.config.retries:
                time.sleep(self.config.backoff_s * 2**attempt)
        raise OsrmError(
            f"Le serveur OSRM {self.config.url} ne répond pas après "
            f"{self.config.retries + 1} tentative(s) : {last}"
        )

    def table(self, src_xy: np.ndarray, dst_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Seconds and metres between every source and destination, in batched requests."""
        src, dst = as_xy(src_xy), as_xy(dst_xy)
        secs = np.full((src.shape[0], dst.shape[0]), np.inf)
        metres = np.full_like(secs, np.inf)
        half = max(1, self.config.max_table // 2)
        for i0 in range(0, src.shape[0], half):
            a = src[i0:i0 + half]
            cap = max(1, self.config.max_table - a.shape[0])
            for j0 in range(0, dst.shape[0], cap):
                b = dst[j0:j0 + cap]
                s, m = self._one_table(a, b)
                secs[i0:i0 + a.shape[0], j0:j0 + b.shape[0]] = s
                metres[i0:i0 + a.shape[0], j0:j0 + b.shape[0]] = m
        return secs, metres

    def _one_table(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self._to_wgs84.transform(np.r_[a[:, 0], b[:, 0]], np.r_[a[:, 1], b[:, 1]])
        coords = ";".join(f"{x:.6f},{y:.6f}" for x, y in zip(lon, lat, strict=True))
        na = a.shape[0]
        sources = ";".join(str(i) for i in range(na))
        dests = ";".join(str(na + j) for j in range(b.shape[0]))
        url = (f"{self.config.url.rstrip('/')}/table/v1/{self.config.profile}/{coords}"
               f"?sources={sources}&destinations={dests}&annotations=duration,distance")
        data = self._get(url)

        def grid(key: str) -> np.ndarray:
            rows = data.get(key)
            if rows is None:
                return np.full((na, b.shape[0]), np.nan)
            return np.array([[np.inf if v is None else v for v in r] for r in rows], dtype=float)

        return grid("durations"), grid("distances")

    # -- interface -----------------------------------------------------------------------------
    def nearest(self, origins_xy, services_xy, *, k=1, origin_context=None,
                dtype=np.float64) -> Nearest:
        o, s = as_xy(origins_xy), as_xy(services_xy)
        if s.shape[0] == 0:
            return empty_nearest(o.shape[0], k, dtype=dtype)
        placed = np.isfinite(o).all(axis=1)
        if not placed.all():  # an origin without coordinates is not placed: nan, not a time
            near = self.nearest(o[placed], s, k=k, dtype=dtype)
            return with_unplaced(o.shape[0], k, placed, near, dtype=dtype)
        c = min(max(self.config.candidates, k), s.shape[0])
        straight, cand = cKDTree(s).query(o, k=c)
        cand = np.asarray(cand).reshape(o.shape[0], c)
        straight = np.asarray(straight).reshape(o.shape[0], c)
        minutes = np.full((o.shape[0], k), np.inf)
        metres = np.full((o.shape[0], k), np.inf)
        service = np.full((o.shape[0], k), -1, dtype=np.int64)
        batch = max(1, self.config.max_table // 4)
        for i0 in range(0, o.shape[0], batch):
            rows = slice(i0, i0 + batch)
            uniq, inv = np.unique(cand[rows], return_inverse=True)
            secs, dist = self.table(o[rows], s[uniq])
            inv = inv.reshape(-1, c)
            r = np.arange(inv.shape[0])[:, None]
            t = secs[r, inv] / 60.0
            order = np.argsort(t, axis=1, kind="stable")[:, :k]
            kk = order.shape[1]
            minutes[rows, :kk] = np.take_along_axis(t, order, 1)
            metres[rows, :kk] = np.take_along_axis(dist[r, inv], order, 1)
            service[rows, :kk] = np.take_along_axis(cand[rows], order, 1)
        service[~np.isfinite(minutes)] = -1
        # Could a service outside the candidates be faster? Only if its straight-line time at
        # max speed beats the best road time found.
        bound = straight[:, -1] / (self.config.max_speed_kmh / 3.6) / 60.0
        self.last_unproven = int(np.sum((c < s.shape[0]) & (bound < minutes[:, k - 1])))
        return Nearest(minutes.astype(dtype, copy=False), metres.astype(dtype, copy=False),
                       service)

    def pairs_within(self, origins_xy, services_xy, *, max_minutes, origin_context=None) -> Pairs:
        o, s = as_xy(origins_xy), as_xy(services_xy)
        placed = np.isfinite(o).all(axis=1)
        at = np.flatnonzero(placed)
        radius = float(max_minutes) * 60.0 * self.config.max_speed_kmh / 3.6
        sdm = cKDTree(o[at]).sparse_distance_matrix(cKDTree(s), radius, output_type="ndarray")
        oi, sj = at[sdm["i"].astype(np.int64)], sdm["j"].astype(np.int64)
        mins = np.full(oi.size, np.inf)
        dist = np.full(oi.size, np.inf)
        for u in np.unique(oi // 50):
            sel = np.flatnonzero(oi // 50 == u)
            uo, io = np.unique(oi[sel], return_inverse=True)
            us, js = np.unique(sj[sel], return_inverse=True)
            secs, met = self.table(o[uo], s[us])
            mins[sel] = secs[io, js] / 60.0
            dist[sel] = met[io, js]
        keep = mins <= max_minutes
        return Pairs.sorted_by_origin(oi[keep], sj[keep], mins[keep], dist[keep], o.shape[0],
                                      s.shape[0], None if placed.all() else placed)
