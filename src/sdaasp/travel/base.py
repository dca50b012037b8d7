"""The one interface every travel model implements.

A travel model answers two questions, both without an origin × destination matrix:

- :meth:`TravelModel.nearest`: for every origin, time and distance to the ``k`` nearest
  (in time) of a set of service points;
- :meth:`TravelModel.pairs_within`: every (origin, service) pair within a time budget, as
  flat arrays (a sparse catchment, used by counts, 2SFCA/E2SFCA and gravity).

Times are in minutes, distances in metres, coordinates in the territory's projected CRS
(Lambert-93 in metropolitan France). One meaning for "missing", in every model:

- ``nan``: not known — the origin could not be placed on the model (too far from any road,
  no coordinates), or there is no service of the type at all;
- ``inf``: the origin is placed but no service is reachable from it;
- ``0``: a real zero (an origin on a service).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Nearest:
    """Result of :meth:`TravelModel.nearest` for one set of services.

    Attributes
    ----------
    minutes, distance_m : arrays of shape (n_origins, k); ``inf`` when fewer than ``k``
        services are reachable, ``nan`` for origins the model could not place.
    service : int array (n_origins, k) of indices into the services given; -1 when none.
    """

    minutes: np.ndarray
    distance_m: np.ndarray
    service: np.ndarray


@dataclass(frozen=True)
class Pairs:
    """Sparse catchment: parallel arrays of (origin index, service index, minutes, metres).

    Pairs are listed once each; a time of exactly 0 (an origin on a service) is kept, which a
    SciPy sparse matrix would silently drop.

    ``origin_placed`` (bool, one per origin) tells an origin the model could not place (no
    pair because its time is not known) from a placed origin with no service within the
    budget (no pair because none is reachable); ``None`` means every origin was placed.
    """

    origin: np.ndarray
    service: np.ndarray
    minutes: np.ndarray
    distance_m: np.ndarray
    n_origins: int
    n_services: int
    origin_placed: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.origin.size)

    @property
    def placed(self) -> np.ndarray:
        """Bool array, one per origin: False where the model could not place the origin."""
        if self.origin_placed is None:
            return np.ones(self.n_origins, dtype=bool)
        return np.asarray(self.origin_placed, dtype=bool)

    @classmethod
    def sorted_by_origin(cls, origin: np.ndarray, service: np.ndarray, minutes: np.ndarray,
                         distance_m: np.ndarray, n_origins: int, n_services: int,
                         origin_placed: np.ndarray | None = None) -> Pairs:
        """Pairs sorted by (origin, service), with their CSR structure computed at once."""
        order = np.lexsort((service, origin))
        p = cls(origin[order], service[order], minutes[order], distance_m[order], n_origins,
                n_services, origin_placed)
        p.__dict__["csr_structure"] = p._structure(assume_sorted=True)
        return p

    @cached_property
    def csr_structure(self) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """(order, indptr, indices) of the pairs as a CSR matrix origins × services, computed
        once per catchment and reused by every indicator (2SFCA, E2SFCA, gravity, scenarios).
        ``order`` is ``None`` when the pairs are already sorted by origin."""
        return self._structure(assume_sorted=False)

    def _structure(self, *, assume_sorted: bool) -> tuple[np.ndarray | None, np.ndarray,
                                                             np.ndarray]:
        o = self.origin
        order = None
        if not assume_sorted and o.size and not np.all(o[1:] >= o[:-1]):
            order = np.argsort(o, kind="stable")
            o = o[order]
        idx_type = np.int32 if max(self.n_origins, self.n_services, o.size) < 2**31 else np.int64
        indptr = np.searchsorted(o, np.arange(self.n_origins + 1), side="left").astype(idx_type)
        svc = self.service if order is None else self.service[order]
        return order, indptr, svc.astype(idx_type)


@dataclass(frozen=True)
class Placement:
    """Where a model put a set of points: ``ok`` is False for points it could not place."""

    ok: np.ndarray
    reason: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))


class TravelModel(ABC):
    """Base class of the travel models (crowfly, network, osrm)."""

    #: Short identifier recorded with a diagnostic run (``crowfly``, ``network``, ``osrm``).
    kind: str = ""
    #: True for a model whose times depend on the density context of the services too: its
    #: :meth:`nearest` and :meth:`pairs_within` then take a ``service_context`` keyword (one
    #: context per service, -1 for unknown), which callers pass only to such models.
    uses_service_context: bool = False

    @abstractmethod
    def describe(self) -> dict[str, object]:
        """Parameters of the model, recorded with each run so that it can be reproduced."""

    def prepare_origins(self, origins_xy: np.ndarray) -> None:  # noqa: B027 (optional hook)
        """Announce the origins of the calls that follow (one diagnostic, many service types).

        A model that places origins on a network snaps them here, once, and reuses the
        placement in :meth:`nearest` and :meth:`pairs_within` for equal origins; the default
        does nothing (placing a point costs nothing in a straight-line model).
        """

    @abstractmethod
    def nearest(
        self, origins_xy: np.ndarray, services_xy: np.ndarray, *, k: int = 1,
        origin_context: np.ndarray | None = None, dtype: type = np.float64,
    ) -> Nearest:
        """Time and distance from every origin to its ``k`` nearest services (by time).

        ``dtype`` is the float type of the returned times and distances (``float32`` halves
        the memory of a national run; computations stay in float64). ``nan`` for an origin
        not placed, ``inf`` for ranks with no reachable service.
        """

    @abstractmethod
    def pairs_within(
        self, origins_xy: np.ndarray, services_xy: np.ndarray, *, max_minutes: float,
        origin_context: np.ndarray | None = None,
    ) -> Pairs:
        """Every (origin, service) pair whose travel time is at most ``max_minutes``."""


def empty_nearest(n_origins: int, k: int, *, dtype: type = np.float64) -> Nearest:
    """Result for a type without any service: not available (``nan``), never zero."""
    return Nearest(
        minutes=np.full((n_origins, k), np.nan, dtype=dtype),
        distance_m=np.full((n_origins, k), np.nan, dtype=dtype),
        service=np.full((n_origins, k), -1, dtype=np.int64),
    )


def with_unplaced(n_origins: int, k: int, placed: np.ndarray, nearest: Nearest, *,
                  dtype: type = np.float64) -> Nearest:
    """Spread a result computed for the placed origins only back over every origin, with
    ``nan`` (not known) and service -1 for the others."""
    minutes: np.ndarray = np.full((n_origins, k), np.nan, dtype=dtype)
    dist: np.ndarray = np.full((n_origins, k), np.nan, dtype=dtype)
    service = np.full((n_origins, k), -1, dtype=np.int64)
    minutes[placed] = nearest.minutes
    dist[placed] = nearest.distance_m
    service[placed] = nearest.service
    return Nearest(minutes, dist, service)


def combine_minutes(minutes: np.ndarray, how: str) -> np.ndarray:
    """Combine times per row (origins × types) under the one meaning of missing.

    ``max`` (every type reached) and ``mean``: ``inf`` as soon as one type is unreachable,
    whatever the others (the result is certainly unbounded), else ``nan`` if one is not known;
    ``min`` (the nearest of any type): the smallest known time, ``nan`` only when none is
    known (a type not known cannot be claimed nearer).
    """
    sub = np.asarray(minutes, dtype=np.float64)
    if how == "min":
        with np.errstate(invalid="ignore"):
            return np.fmin.reduce(sub, axis=1) if sub.shape[1] else np.full(len(sub), np.nan)
    if how not in ("max", "mean"):
        raise ValueError("how must be 'max', 'mean' or 'min'")
    with np.errstate(invalid="ignore"):
        out = sub.max(axis=1) if how == "max" else sub.mean(axis=1)
    return np.where(np.isposinf(sub).any(axis=1), np.inf, out)


def as_xy(xy: np.ndarray) -> np.ndarray:
    """Coordinates as a float64 (n, 2) array; an empty input gives shape (0, 2)."""
    arr = np.asarray(xy, dtype=np.float64)
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"coordinates must have shape (n, 2), got {arr.shape}")
    return arr
