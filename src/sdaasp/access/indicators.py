"""Per-origin indicators by service type: nearest, k nearest, counts within a time, basket.

Inputs are an origins table (``origin_id``, ``x``, ``y``, ``population``, optional
``context``) and a services table (``point_id``, ``type_code``, ``nom``, ``x``, ``y``,
``capacity``, ``commune_code``, ``approximate``, ``source``), both in the territory's projected
CRS. Services are grouped by type once (one sort); each type is one call of the travel model.
A model whose times depend on the services' density context too (the calibrated straight-line
model) gets it from the services' ``context`` column, else from their commune (the context of
that commune's origins; the model's default outside the territory).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sdaasp.travel.base import Pairs, TravelModel, combine_minutes

SERVICE_COLUMNS = ("point_id", "type_code", "nom", "x", "y", "capacity", "commune_code",
                   "approximate", "source")
Progress = Callable[[int, int, str], None]


#: Status words of a time, as exports write them (one meaning for "missing").
CALCULE, INACCESSIBLE, NON_DISPONIBLE = "calculé", "inaccessible", "non disponible"


def time_status(values: np.ndarray) -> np.ndarray:
    """« calculé » for a number, « inaccessible » for ``inf``, « non disponible » for ``nan``."""
    v = np.asarray(values, dtype=np.float64)
    return np.where(np.isnan(v), NON_DISPONIBLE, np.where(np.isinf(v), INACCESSIBLE, CALCULE))


@dataclass(frozen=True)
class NearestByType:
    """Nearest service of each type for every origin (arrays of shape (n_origins, n_types)).

    ``minutes``/``distance_m``: ``nan`` when the type has no service or the origin could not be
    placed, ``inf`` when no service is reachable. ``service``: index (int32) into ``ids[j]``,
    the point ids of type ``j``; -1 when none. :attr:`point_id` gives the ids themselves.

    The arrays stay compact (2.3 M origins × 100 types in float32 is 0.9 GB per array); the
    accessors :meth:`table` and :meth:`to_frame` give pandas tables indexed by origin id
    (``origin_ids``, set by :func:`nearest_by_type`) for analysis.
    """

    types: list[str]
    minutes: np.ndarray
    distance_m: np.ndarray
    service: np.ndarray
    ids: list[np.ndarray]
    origin_ids: np.ndarray | None = None

    @property
    def point_id(self) -> np.ndarray:
        """Object array (n_origins, n_types) of point ids, ``None`` where there is none."""
        out = np.empty(self.service.shape, dtype=object)
        for j, ids in enumerate(self.ids):
            out[:, j] = np.append(np.asarray(ids, dtype=object), [None])[self.service[:, j]]
        return out

    def _index(self, origin_ids: Sequence[str] | np.ndarray | None) -> pd.Index:
        ids = self.origin_ids if origin_ids is None else origin_ids
        if ids is None:
            raise ValueError("origin ids unknown: pass origin_ids (the origins' origin_id)")
        if len(ids) != self.minutes.shape[0]:
            raise ValueError(f"{len(ids)} origin ids for {self.minutes.shape[0]} origins")
        return pd.Index(np.asarray(ids, dtype=object), name="origin_id")

    def table(self, what: str = "minutes", origin_ids: Sequence[str] | np.ndarray | None = None
              ) -> pd.DataFrame:
        """Wide table indexed by ``origin_id``, one column per type: ``minutes``,
        ``distance_m``, ``point_id`` or ``status`` (« calculé » / « inaccessible » / « non
        disponible »)."""
        if what == "minutes":
            data = self.minutes
        elif what == "distance_m":
            data = self.distance_m
        elif what == "point_id":
            data = self.point_id
        elif what == "status":
            data = time_status(self.minutes)
        else:
            raise ValueError("what must be one of distance_m, minutes, point_id, status")
        return pd.DataFrame(data, index=self._index(origin_ids),
                            columns=pd.Index(self.types, name="type_code"))

    def to_frame(self, origin_ids: Sequence[str] | np.ndarray | None = None) -> pd.DataFrame:
        """Long table: ``origin_id``, ``type_code``, ``minutes``, ``distance_m``, ``point_id``."""
        n, t = self.minutes.shape
        return pd.DataFrame({
            "origin_id": np.repeat(self._index(origin_ids).to_numpy(), t),
            "type_code": np.tile(np.asarray(self.types, dtype=object), n),
            "minutes": self.minutes.ravel(),
            "distance_m": self.distance_m.ravel(),
            "point_id": self.point_id.ravel(),
        })


def _context(origins: pd.DataFrame) -> np.ndarray | None:
    return origins["context"].to_numpy() if "context" in origins else None


def _commune_contexts(model: TravelModel, origins: pd.DataFrame) -> pd.Series | None:
    """Density context of each commune of the origins (``commune_code`` → ``context``), for
    the models whose times depend on the services' context too; computed once per call."""
    if not getattr(model, "uses_service_context", False) \
            or not {"commune_code", "context"} <= set(origins):
        return None
    return origins.drop_duplicates("commune_code").set_index("commune_code")["context"]


def _service_kw(model: TravelModel, services: pd.DataFrame, by_commune: pd.Series | None
                ) -> dict[str, Any]:
    """``service_context`` for such models: the services' own ``context`` column, else the
    context of the commune they are in; -1 (the model's default) for a service in a commune
    without origin, e.g. outside the territory."""
    if not getattr(model, "uses_service_context", False):
        return {}
    if "context" in services:
        return {"service_context": services["context"].to_numpy()}
    if by_commune is None or "commune_code" not in services:
        return {}
    ctx = services["commune_code"].map(by_commune).fillna(-1)
    return {"service_context": ctx.to_numpy(dtype=np.int64)}


def split_by_type(services: pd.DataFrame, types: Sequence[str] | None = None
                  ) -> dict[str, pd.DataFrame]:
    """Services grouped by ``type_code`` (one stable sort), in the order of ``types``."""
    missing = [c for c in ("point_id", "type_code", "x", "y") if c not in services]
    if missing:
        raise ValueError(f"services table lacks columns {missing}")
    codes = services["type_code"].astype(str).to_numpy()
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    uniq, start = np.unique(sorted_codes, return_index=True)
    ends = np.r_[start[1:], codes.size][:start.size]  # no end at all for an empty table
    bounds = dict(zip(uniq, zip(start, ends, strict=True), strict=True))
    wanted = list(types) if types is not None else list(uniq)
    out: dict[str, pd.DataFrame] = {}
    for t in wanted:
        if t in bounds:
            a, b = bounds[t]
            out[t] = services.iloc[order[a:b]]
        else:
            out[t] = services.iloc[0:0]
    return out


def nearest_by_type(origins: pd.DataFrame, services: pd.DataFrame, model: TravelModel, *,
                    types: Sequence[str] | None = None, dtype: type = np.float64,
                    progress: Progress | None = None) -> NearestByType:
    """Time and distance from every origin to the nearest service of each type.

    A type without any service gives ``nan`` (not available), never 0.
    """
    groups = split_by_type(services, types)
    oxy = origins[["x", "y"]].to_numpy(dtype=np.float64)
    ctx = _context(origins)
    by_commune = _commune_contexts(model, origins)
    n, t = oxy.shape[0], len(groups)
    minutes: np.ndarray = np.empty((n, t), dtype=dtype)
    dist: np.ndarray = np.empty((n, t), dtype=dtype)
    svc = np.empty((n, t), dtype=np.int32)
    ids: list[np.ndarray] = []
    model.prepare_origins(oxy)  # placed once for every type
    for j, (code, sv) in enumerate(groups.items()):
        r = model.nearest(oxy, sv[["x", "y"]].to_numpy(dtype=np.float64), k=1,
                          origin_context=ctx, dtype=dtype,
                          **_service_kw(model, sv, by_commune))
        minutes[:, j] = r.minutes[:, 0]
        dist[:, j] = r.distance_m[:, 0]
        svc[:, j] = r.service[:, 0]
        ids.append(sv["point_id"].to_numpy())
        if progress:
            progress(j + 1, t, code)
    return NearestByType(list(groups), minutes, dist, svc, ids,
                         origins["origin_id"].to_numpy() if "origin_id" in origins else None)


def k_nearest(origins: pd.DataFrame, services: pd.DataFrame, model: TravelModel, *, k: int,
              type_code: str) -> pd.DataFrame:
    """The ``k`` nearest services of one type: ``origin_id``, ``rank`` (1..k), ``minutes``,
    ``distance_m``, ``point_id``."""
    sv = split_by_type(services, [type_code])[type_code]
    r = model.nearest(origins[["x", "y"]].to_numpy(dtype=np.float64),
                      sv[["x", "y"]].to_numpy(dtype=np.float64), k=k,
                      origin_context=_context(origins),
                      **_service_kw(model, sv, _commune_contexts(model, origins)))
    ids = np.append(sv["point_id"].astype(object).to_numpy(), [None])
    n = len(origins)
    return pd.DataFrame({
        "origin_id": np.repeat(origins["origin_id"].to_numpy(), k),
        "rank": np.tile(np.arange(1, k + 1), n),
        "minutes": r.minutes.ravel(),
        "distance_m": r.distance_m.ravel(),
        "point_id": ids[r.service.ravel()],
    })


def catchment(origins: pd.DataFrame, services: pd.DataFrame, model: TravelModel, *,
              max_minutes: float) -> Pairs:
    """Every (origin, service) pair within ``max_minutes`` (indices into the two tables)."""
    return model.pairs_within(origins[["x", "y"]].to_numpy(dtype=np.float64),
                              services[["x", "y"]].to_numpy(dtype=np.float64),
                              max_minutes=max_minutes, origin_context=_context(origins),
                              **_service_kw(model, services, _commune_contexts(model, origins)))


def count_within(pairs: Pairs, minutes: float) -> np.ndarray:
    """Number of services reachable within ``minutes`` from each origin (float): a real 0 for
    a placed origin with none, ``nan`` for an origin the model could not place."""
    sel = pairs.minutes <= minutes
    counts = np.bincount(pairs.origin[sel], minlength=pairs.n_origins).astype(np.float64)
    counts[~pairs.placed] = np.nan
    return counts


def basket_minutes(nearest: NearestByType, basket: Sequence[str]) -> dict[str, np.ndarray]:
    """Time to a basket of types from each origin.

    ``max``: time to reach every type of the basket (the farthest of the nearest ones);
    ``mean``: mean of the nearest times, the INSEE basket indicator (Barbier, Toutin &
    Levy 2016). ``inf`` if a type of the basket is unreachable, else ``nan`` if a type is not
    available (see :func:`~sdaasp.travel.base.combine_minutes`).
    """
    idx = [nearest.types.index(t) for t in basket]
    sub = nearest.minutes[:, idx]
    return {"max": combine_minutes(sub, "max"), "mean": combine_minutes(sub, "mean")}
