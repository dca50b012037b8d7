"""Straight-line travel model: distance × detour factor, speed by settlement context.

Time from origin *i* to service *j*: ``t_ij = d_ij × detour / v(context_i)`` where ``d_ij``
is the Euclidean distance in the projected CRS. Because the speed depends only on the origin,
the nearest service in time is the nearest in distance: a KD-tree answers it exactly. Defaults
and their sources are in docs/methods.md (« Modèle à vol d'oiseau »).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.spatial import cKDTree

from sdaasp.travel.base import Nearest, Pairs, TravelModel, as_xy, empty_nearest, with_unplaced

#: Settlement contexts, in the order of :attr:`CrowflyConfig.speeds_kmh`.
CONTEXTS = ("urbain_dense", "urbain", "rural")


@dataclass(frozen=True)
class CrowflyConfig:
    """Parameters of the straight-line model (all documented in docs/methods.md).

    Attributes
    ----------
    detour : ratio of road distance to straight-line distance (circuity). 1.3 is the order of
        magnitude measured for road networks (Ballou, Rahardja & Sakai 2002; Boscoe, Henry &
        Zdeb 2012 measure 1.2–1.4).
    speeds_kmh : mean door-to-door speed for origins in a dense urban, urban and rural
        context; orders of magnitude below the legal limits (50 km/h in built-up areas,
        Code de la route art. R413-3; 80 km/h on rural two-way roads, décret 2018-487).
    default_context : context used when an origin has none (index into :data:`CONTEXTS`).
    dense_per_km2, urban_per_km2 : population densities (inhabitants/km², of the commune)
        above which a commune is dense urban / urban; they approximate INSEE's density grid
        (grille communale de densité), whose own 1 km² computation is not available offline.
    workers : threads for KD-tree queries (SciPy ``workers``).
    """

    detour: float = 1.3
    speeds_kmh: tuple[float, float, float] = (20.0, 35.0, 60.0)
    default_context: int = 1
    dense_per_km2: float = 1500.0
    urban_per_km2: float = 300.0
    workers: int = 1
    mode: str = "voiture"

    def __post_init__(self) -> None:
        if self.detour < 1.0:
            raise ValueError("detour must be >= 1 (a road is never shorter than a straight line)")
        if len(self.speeds_kmh) != len(CONTEXTS) or min(self.speeds_kmh) <= 0:
            raise ValueError("speeds_kmh needs one positive speed per context")


#: Walking: 5 km/h everywhere (the usual pedestrian speed, e.g. OSRM's foot profile).
WALK = CrowflyConfig(speeds_kmh=(5.0, 5.0, 5.0), mode="marche")


def context_from_density(population: np.ndarray, area_km2: np.ndarray,
                         config: CrowflyConfig = CrowflyConfig()) -> np.ndarray:
    """Context index (0 dense urban, 1 urban, 2 rural) from a commune's population density."""
    pop = np.nan_to_num(np.asarray(population, dtype=float))
    dens = pop / np.maximum(np.asarray(area_km2, dtype=float), 1e-9)
    return np.where(dens >= config.dense_per_km2, 0,
                    np.where(dens >= config.urban_per_km2, 1, 2)).astype(np.int8)


class CrowflyModel(TravelModel):
    """Straight-line distance × detour factor, speeds by context of the origin."""

    kind = "crowfly"

    def __init__(self, config: CrowflyConfig | None = None) -> None:
        self.config = config or CrowflyConfig()

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, **asdict(self.config)}

    def _metres_per_minute(self, n: int, context: np.ndarray | None) -> np.ndarray:
        speeds = np.asarray(self.config.speeds_kmh, dtype=np.float64) * 1000.0 / 60.0
        if context is None:
            return np.full(n, speeds[self.config.default_context])
        ctx = np.asarray(context)
        if ctx.shape != (n,):
            raise ValueError("origin_context must have one value per origin")
        return speeds[ctx.astype(np.int64)]

    def nearest(self, origins_xy, services_xy, *, k=1, origin_context=None,
                dtype=np.float64) -> Nearest:
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        if s.shape[0] == 0:
            return empty_nearest(o.shape[0], k, dtype=dtype)
        placed = np.isfinite(o).all(axis=1)
        if not placed.all():  # an origin without coordinates is not placed: nan, not a time
            ctx = None if origin_context is None else np.asarray(origin_context)[placed]
            r = self.nearest(o[placed], s, k=k, origin_context=ctx, dtype=dtype)
            return with_unplaced(o.shape[0], k, placed, r, dtype=dtype)
        kk = min(k, s.shape[0])
        dist, idx = cKDTree(s).query(o, k=kk, workers=self.config.workers)
        dist = np.asarray(dist, dtype=np.float64).reshape(o.shape[0], kk)
        idx = np.asarray(idx, dtype=np.int64).reshape(o.shape[0], kk)
        road = dist * self.config.detour
        minutes = road / self._metres_per_minute(o.shape[0], origin_context)[:, None]
        if kk < k:  # fewer services than asked: the missing ranks are unreachable
            pad = k - kk
            road = np.hstack([road, np.full((o.shape[0], pad), np.inf)])
            minutes = np.hstack([minutes, np.full((o.shape[0], pad), np.inf)])
            idx = np.hstack([idx, np.full((o.shape[0], pad), -1)])
        return Nearest(minutes=minutes.astype(dtype, copy=False),
                       distance_m=road.astype(dtype, copy=False), service=idx)

    def pairs_within(self, origins_xy, services_xy, *, max_minutes, origin_context=None) -> Pairs:
        o = as_xy(origins_xy)
        s = as_xy(services_xy)
        if o.shape[0] == 0 or s.shape[0] == 0:
            e = np.array([], dtype=np.int64)
            f = np.array([], dtype=np.float64)
            return Pairs(e, e, f, f, o.shape[0], s.shape[0])
        mpm = self._metres_per_minute(o.shape[0], origin_context)
        placed = np.isfinite(o).all(axis=1)
        at = np.flatnonzero(placed)
        radius = float(max_minutes) * float(mpm.max()) / self.config.detour
        sdm = cKDTree(o[at]).sparse_distance_matrix(cKDTree(s), radius, output_type="ndarray")
        oi = at[sdm["i"].astype(np.int64)]
        sj = sdm["j"].astype(np.int64)
        road = sdm["v"] * self.config.detour
        minutes = road / mpm[oi]
        keep = minutes <= max_minutes
        return Pairs.sorted_by_origin(oi[keep], sj[keep], minutes[keep], road[keep],
                                      o.shape[0], s.shape[0],
                                      None if placed.all() else placed)
