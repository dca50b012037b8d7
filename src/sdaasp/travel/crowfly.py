"""Straight-line travel model, calibrated: time from the straight-line distance and the
settlement context (density class) at both ends of the trip.

With ``d`` the Euclidean distance in the projected CRS, ``i`` and ``j`` the contexts of the
origin and of the service:

- estimated road distance (a detour factor that falls with the length of the trip, from
  ``detour_short`` for very short trips to ``detour_long``)::

    r(d) = c∞·d + (c0 − c∞)·Lc·(1 − exp(−d / Lc))

- time: the marginal speed rises from the ends' speeds (slow streets near each end, by
  context) to the long-distance speed ``v∞``; each end adds its own slow stretch::

    t = r / v∞ + ½·Σ_{e ∈ {i, j}} (1/v_e − 1/v∞)·L_e·(1 − exp(−r / L_e))

Both are increasing in ``d`` for any contexts (their derivatives are positive sums), so the
model is monotonic; a trip of length 0 takes 0 minutes. Because the time depends on the
service's context, the nearest service in distance is not always the nearest in time:
:meth:`CrowflyModel.nearest` queries straight-line candidates with a KD-tree and widens the
search until a lower bound proves that no farther service can be faster, so the result is
exact. The parameters come from ``data/crowfly-calibration.toml``, fitted by
``bench/calibrate_crowfly.py`` against network times and French orders of magnitude
(docs/methods.md, « Modèle à vol d'oiseau calibré »).
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from sdaasp.travel.base import Nearest, Pairs, TravelModel, as_xy, empty_nearest, with_unplaced

#: Settlement contexts, in the order of the per-context parameters.
CONTEXTS = ("urbain_dense", "urbain", "rural")
#: The French words naming this model in pages and exports.
LABEL = "approximation à vol d'oiseau calibrée"
_Triple = tuple[float, float, float]


@cache
def calibration() -> dict[str, Any]:
    """The calibration file shipped with the package (parameters, fit date, error table)."""
    ref = resources.files("sdaasp.travel") / "data" / "crowfly-calibration.toml"
    return tomllib.loads(ref.read_text(encoding="utf-8"))


def _param(name: str) -> Any:
    value = calibration()["parameters"][name]
    return tuple(float(v) for v in value) if isinstance(value, list) else float(value)


@dataclass(frozen=True)
class CrowflyConfig:
    """Parameters of the straight-line model (defaults: the shipped calibration).

    Attributes
    ----------
    long_speed_kmh : v∞, the marginal road speed of the long-distance part of a trip.
    end_speed_kmh : v_e, the marginal road speed at a trip's end, per context
        (:data:`CONTEXTS`: dense urban, urban, rural).
    end_zone_m : L_e, road length over which an end's slowness fades, per context.
    detour_short, detour_long, detour_scale_m : c0, c∞ and Lc of the road distance r(d).
    default_context : context of a point that has none (index into :data:`CONTEXTS`).
    dense_per_km2, urban_per_km2 : population densities (inhabitants/km², of the commune)
        above which a commune is dense urban / urban; they approximate INSEE's density grid
        (grille communale de densité), whose own 1 km² computation is not available offline.
    candidates : straight-line candidates first queried per origin by :meth:`nearest`.
    workers : threads for KD-tree queries (SciPy ``workers``).
    calibration : version of the calibration the defaults come from ("" if set by hand).
    """

    long_speed_kmh: float = field(default_factory=lambda: _param("long_speed_kmh"))
    end_speed_kmh: _Triple = field(default_factory=lambda: _param("end_speed_kmh"))
    end_zone_m: _Triple = field(default_factory=lambda: _param("end_zone_m"))
    detour_short: float = field(default_factory=lambda: _param("detour_short"))
    detour_long: float = field(default_factory=lambda: _param("detour_long"))
    detour_scale_m: float = field(default_factory=lambda: _param("detour_scale_m"))
    default_context: int = 1
    dense_per_km2: float = 1500.0
    urban_per_km2: float = 300.0
    candidates: int = 4
    workers: int = 1
    mode: str = "voiture"
    calibration: str = field(default_factory=lambda: str(calibration()["version"]))

    def __post_init__(self) -> None:
        for name in ("end_speed_kmh", "end_zone_m"):
            value = tuple(float(v) for v in getattr(self, name))
            if len(value) != len(CONTEXTS) or min(value) <= 0:
                raise ValueError(f"{name} needs one positive value per context")
            object.__setattr__(self, name, value)
        if self.long_speed_kmh <= 0 or self.detour_scale_m <= 0:
            raise ValueError("long_speed_kmh and detour_scale_m must be positive")
        if min(self.detour_short, self.detour_long) < 1.0:
            raise ValueError("detour must be >= 1 (a road is never shorter than a straight line)")
        if self.default_context not in range(len(CONTEXTS)):
            raise ValueError("default_context must index CONTEXTS")

    @classmethod
    def constant(cls, speed_kmh: float, detour: float, **kw: Any) -> CrowflyConfig:
        """One speed and one detour factor everywhere: ``t = d × detour / speed``."""
        return cls(long_speed_kmh=speed_kmh, end_speed_kmh=(speed_kmh,) * 3,
                   detour_short=detour, detour_long=detour, calibration="", **kw)


#: Walking: 5 km/h everywhere (the usual pedestrian speed, e.g. OSRM's foot profile), detour
#: 1.3 (Boscoe, Henry & Zdeb 2012).
WALK = CrowflyConfig.constant(5.0, 1.3, mode="marche")


def context_from_density(population: np.ndarray, area_km2: np.ndarray,
                         config: CrowflyConfig | None = None) -> np.ndarray:
    """Context index (0 dense urban, 1 urban, 2 rural) from a commune's population density."""
    cfg = config or CrowflyConfig()
    pop = np.nan_to_num(np.asarray(population, dtype=float))
    dens = pop / np.maximum(np.asarray(area_km2, dtype=float), 1e-9)
    return np.where(dens >= cfg.dense_per_km2, 0,
                    np.where(dens >= cfg.urban_per_km2, 1, 2)).astype(np.int8)


class CrowflyModel(TravelModel):
    """Straight-line distance, length-dependent detour, speed by trip length and by the
    density context at both ends (see the module docstring for the formula)."""

    kind = "crowfly"
    uses_service_context = True

    def __init__(self, config: CrowflyConfig | None = None) -> None:
        self.config = config or CrowflyConfig()
        c = self.config
        self._inv_long = 60.0 / (c.long_speed_kmh * 1000.0)               # minutes per metre
        self._extra = 60.0 / (np.asarray(c.end_speed_kmh) * 1000.0) - self._inv_long
        self._zone = np.asarray(c.end_zone_m, dtype=np.float64)
        # contexts with the same end parameters behave alike: one of them stands for all
        ends = list(zip(c.end_speed_kmh, c.end_zone_m, strict=True))
        self._alike = np.array([ends.index(e) for e in ends], dtype=np.int64)

    @property
    def label(self) -> str:
        """French name of the model for pages and exports."""
        return LABEL

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "label": LABEL, **asdict(self.config)}

    # -- the formula ---------------------------------------------------------------------------
    def road_metres(self, distance_m: np.ndarray) -> np.ndarray:
        """Estimated road distance r(d) (metres) for straight-line distances ``d``."""
        c = self.config
        d = np.asarray(distance_m, dtype=np.float64)
        return (c.detour_long * d + (c.detour_short - c.detour_long) * c.detour_scale_m
                * -np.expm1(-d / c.detour_scale_m))

    def _end_minutes(self, road_m: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Extra minutes of one end of the trip: ½·(1/v_e − 1/v∞)·L_e·(1 − exp(−r/L_e))."""
        zone = self._zone[context]
        return 0.5 * self._extra[context] * zone * -np.expm1(-road_m / zone)

    def pair_minutes(self, distance_m: np.ndarray, origin_context: np.ndarray | int,
                     service_context: np.ndarray | int) -> np.ndarray:
        """Minutes for straight-line distances and the contexts of both ends (broadcast;
        a context of -1 means unknown: the default context)."""
        r = self.road_metres(distance_m)
        oc = self._context_index(np.asarray(origin_context))
        sc = self._context_index(np.asarray(service_context))
        return r * self._inv_long + self._end_minutes(r, oc) + self._end_minutes(r, sc)

    def _context_index(self, ctx: np.ndarray) -> np.ndarray:
        c = np.asarray(ctx)
        if c.dtype.kind == "f":
            c = np.where(np.isnan(c), -1, c)
        c = c.astype(np.int64)
        if ((c < -1) | (c >= len(CONTEXTS))).any():
            raise ValueError(f"contexts must be -1 (unknown) or 0..{len(CONTEXTS) - 1}")
        return np.where(c < 0, self.config.default_context, c)

    def _contexts(self, context: np.ndarray | None, n: int, what: str) -> np.ndarray:
        if context is None:
            return np.full(n, self.config.default_context, dtype=np.int64)
        ctx = np.asarray(context)
        if ctx.shape != (n,):
            raise ValueError(f"{what}_context must have one value per {what}")
        return self._context_index(ctx)

    def lower_bound_minutes(self, distance_m: np.ndarray, origin_context: np.ndarray,
                            service_contexts: np.ndarray) -> np.ndarray:
        """Smallest time over the given service contexts at each distance: since the time is
        increasing in the distance for every context, no service farther than ``d`` can be
        reached faster than this."""
        r = self.road_metres(distance_m)
        ends = np.min([self._end_minutes(r, np.full(r.shape, c)) for c in service_contexts],
                      axis=0)
        return r * self._inv_long + self._end_minutes(r, origin_context) + ends

    def reach_metres(self, minutes: float, origin_context: int,
                     service_contexts: np.ndarray) -> float:
        """Largest straight-line distance reachable within ``minutes`` (bisection on the
        increasing lower bound; an upper estimate is returned, never a lower one)."""
        ctx = np.array([origin_context])
        lo, hi = 0.0, 1000.0
        while self.lower_bound_minutes(np.array([hi]), ctx, service_contexts)[0] <= minutes:
            lo, hi = hi, hi * 2.0
            if hi > 1e8:
                return np.inf
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.lower_bound_minutes(np.array([mid]), ctx, service_contexts)[0] <= minutes:
                lo = mid
            else:
                hi = mid
        return hi * (1 + 1e-9) + 1e-6

    # -- interface -----------------------------------------------------------------------------
    def nearest(self, origins_xy, services_xy, *, k=1, origin_context=None,
                service_context=None, dtype=np.float64) -> Nearest:
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        if s.shape[0] == 0:
            return empty_nearest(o.shape[0], k, dtype=dtype)
        placed = np.isfinite(o).all(axis=1)
        if not placed.all():  # an origin without coordinates is not placed: nan, not a time
            ctx = None if origin_context is None else np.asarray(origin_context)[placed]
            r = self.nearest(o[placed], s, k=k, origin_context=ctx,
                             service_context=service_context, dtype=dtype)
            return with_unplaced(o.shape[0], k, placed, r, dtype=dtype)
        oc = self._contexts(origin_context, o.shape[0], "origin")
        sc = self._contexts(service_context, s.shape[0], "service")
        minutes, road, idx = self._search(o, s, k, oc, sc)
        return Nearest(minutes=minutes.astype(dtype, copy=False),
                       distance_m=road.astype(dtype, copy=False), service=idx)

    def _search(self, o: np.ndarray, s: np.ndarray, k: int, oc: np.ndarray, sc: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """k fastest services per origin: straight-line candidates, doubled for the origins
        whose k-th time is not yet proven (lower bound at the farthest candidate)."""
        n, m = o.shape[0], s.shape[0]
        kk = min(k, m)
        present = np.unique(self._alike[sc])
        minutes = np.full((n, k), np.inf)
        road = np.full((n, k), np.inf)
        idx = np.full((n, k), -1, dtype=np.int64)
        tree = cKDTree(s)
        c = kk if present.size == 1 else min(max(self.config.candidates, kk), m)
        pending = np.arange(n)
        while pending.size:
            dist, cand = tree.query(o[pending], k=c, workers=self.config.workers)
            dist = np.asarray(dist, dtype=np.float64).reshape(pending.size, c)
            cand = np.asarray(cand, dtype=np.int64).reshape(pending.size, c)
            t = self.pair_minutes(dist, oc[pending][:, None], sc[cand])
            order = np.argsort(t, axis=1, kind="stable")[:, :kk]
            t_best = np.take_along_axis(t, order, 1)
            if c < m:
                bound = self.lower_bound_minutes(dist[:, -1], oc[pending], present)
                done = t_best[:, -1] <= bound
            else:
                done = np.ones(pending.size, dtype=bool)
            rows = pending[done]
            minutes[rows, :kk] = t_best[done]
            road[rows, :kk] = self.road_metres(np.take_along_axis(dist, order, 1)[done])
            idx[rows, :kk] = np.take_along_axis(cand, order, 1)[done]
            pending = pending[~done]
            c = min(2 * c, m)
        return minutes, road, idx

    def pairs_within(self, origins_xy, services_xy, *, max_minutes, origin_context=None,
                     service_context=None) -> Pairs:
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        if o.shape[0] == 0 or s.shape[0] == 0:
            e = np.array([], dtype=np.int64)
            f = np.array([], dtype=np.float64)
            return Pairs(e, e, f, f, o.shape[0], s.shape[0])
        oc = self._contexts(origin_context, o.shape[0], "origin")
        sc = self._contexts(service_context, s.shape[0], "service")
        placed = np.isfinite(o).all(axis=1)
        at = np.flatnonzero(placed)
        present = np.unique(self._alike[sc])
        radius = max((self.reach_metres(float(max_minutes), int(c), present)
                      for c in np.unique(oc[at])), default=0.0)
        sdm = cKDTree(o[at]).sparse_distance_matrix(cKDTree(s), radius, output_type="ndarray")
        oi = at[sdm["i"].astype(np.int64)]
        sj = sdm["j"].astype(np.int64)
        minutes = self.pair_minutes(sdm["v"], oc[oi], sc[sj])
        keep = minutes <= max_minutes
        return Pairs.sorted_by_origin(oi[keep], sj[keep], minutes[keep],
                                      self.road_metres(sdm["v"][keep]), o.shape[0], s.shape[0],
                                      None if placed.all() else placed)
