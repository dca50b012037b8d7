"""Floating catchment methods (2SFCA, E2SFCA) and gravity access, on a sparse catchment.

All three take a :class:`~sdaasp.travel.base.Pairs` catchment (origin, service, minutes) and
work with ``numpy.bincount`` over the pairs: no dense origin × service matrix. Formulas and
references are in docs/methods.md (« Accessibilité potentielle : 2SFCA, E2SFCA, APL »).

Missing is not zero: an origin the travel model could not place (``pairs.placed`` False) gets
``nan`` (not known) and weighs nothing in the demand; a placed origin with no service in its
catchment gets a real 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sdaasp.travel.base import Pairs


@dataclass(frozen=True)
class StepDecay:
    """Step weights by travel-time band: ``w(t) = w_b`` for the first band with ``t <= upper_b``.

    Bands are closed on the right (a time exactly on a bound takes the inner weight), as in
    PySAL access ``weights.step_fn``; beyond the last bound the weight is 0.
    """

    bands: tuple[tuple[float, float], ...]
    name: str = ""

    def __post_init__(self) -> None:
        ub = [b for b, _ in self.bands]
        if not ub or ub != sorted(ub) or any(w < 0 for _, w in self.bands):
            raise ValueError("bands must be (upper_minutes, weight) with increasing bounds, "
                             "non-negative weights")

    @property
    def max_minutes(self) -> float:
        return float(self.bands[-1][0])

    def __call__(self, minutes: np.ndarray) -> np.ndarray:
        ub = np.array([b for b, _ in self.bands], dtype=np.float64)
        w = np.append(np.array([w for _, w in self.bands], dtype=np.float64), 0.0)
        return w[np.searchsorted(ub, np.asarray(minutes, dtype=np.float64), side="left")]


#: Luo & Qi (2009), the original E2SFCA: 0–10 min 1, 10–20 min 0.68, 20–30 min 0.22.
LUO_QI_2009 = StepDecay(((10, 1.0), (20, 0.68), (30, 0.22)), name="luo_qi_2009")
#: DREES APL, first version (Barlet et al. 2012, Études et Résultats n° 795 and document de
#: travail n° 124): full weight under 5 min, 0.3 from 5 to 10 min, 0.1 from 10 to 15 min, 0
#: beyond — weights derived from observed GP visit rates by distance.
DREES_APL_2012 = StepDecay(((5, 1.0), (10, 0.3), (15, 0.1)), name="drees_apl_2012")
#: DREES APL after the 2015 revision used for zonages: catchment of 20 min, weight 1 up to
#: 10 min, 2/3 from 10 to 15 min, 1/3 from 15 to 20 min.
DREES_APL_2015 = StepDecay(((10, 1.0), (15, 2 / 3), (20, 1 / 3)), name="drees_apl_2015")
DECAY_PRESETS = {d.name: d for d in (LUO_QI_2009, DREES_APL_2012, DREES_APL_2015)}


def _check(pairs: Pairs, demand: np.ndarray, supply: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.nan_to_num(np.asarray(demand, dtype=np.float64))
    s = np.nan_to_num(np.asarray(supply, dtype=np.float64))
    if d.shape != (pairs.n_origins,) or s.shape != (pairs.n_services,):
        raise ValueError("demand must have one value per origin, supply one per service")
    return d, s


def _matrix(pairs: Pairs, w: np.ndarray) -> sp.csr_matrix:
    """The catchment as a CSR matrix (origins × services) of weights ``w`` (one per pair)."""
    order, indptr, indices = pairs.csr_structure
    data = w if order is None else w[order]
    return sp.csr_matrix((data, indices, indptr), shape=(pairs.n_origins, pairs.n_services))


def _fca(pairs: Pairs, demand: np.ndarray, supply: np.ndarray, w: np.ndarray) -> np.ndarray:
    d, s = _check(pairs, demand, supply)
    a = _matrix(pairs, w)
    weighted_demand = a.T @ d
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weighted_demand > 0, s / weighted_demand, 0.0)
    score = a @ ratio
    score[~pairs.placed] = np.nan
    return score


def two_stage_fca(pairs: Pairs, demand: np.ndarray, supply: np.ndarray, *,
                  max_minutes: float) -> np.ndarray:
    """2SFCA (Luo & Wang 2003): ``R_j = S_j / Σ_{t_kj<=d0} P_k``; ``A_i = Σ_{t_ij<=d0} R_j``.

    Supply per inhabitant reachable from each origin. A service that no inhabitant reaches
    has ``R_j = 0`` (its supply serves nobody in the territory).
    """
    if len(pairs) and pairs.minutes.max() <= max_minutes:
        w = np.ones(len(pairs))
    else:
        w = (pairs.minutes <= max_minutes).astype(np.float64)
    return _fca(pairs, demand, supply, w)


def enhanced_two_stage_fca(pairs: Pairs, demand: np.ndarray, supply: np.ndarray, *,
                           decay: StepDecay = LUO_QI_2009) -> np.ndarray:
    """E2SFCA (Luo & Qi 2009): ``R_j = S_j / Σ_k P_k W(t_kj)``; ``A_i = Σ_j R_j W(t_ij)``.

    With ``decay`` = :data:`DREES_APL_2015` or :data:`DREES_APL_2012` and the supply in
    full-time equivalents, this is the DREES APL (without its age-standardised demand).
    Conservation: ``Σ_i P_i A_i = Σ_j S_j`` over services reached by someone.
    """
    return _fca(pairs, demand, supply, decay(pairs.minutes))


def power_decay(beta: float, *, min_minutes: float = 1.0) -> Callable[[np.ndarray], np.ndarray]:
    """Gravity impedance ``f(t) = max(t, t_min)^-beta`` (t_min avoids an infinite weight at 0)."""
    def f(minutes: np.ndarray) -> np.ndarray:
        return np.maximum(np.asarray(minutes, dtype=np.float64), min_minutes) ** (-beta)
    return f


def gravity_access(pairs: Pairs, demand: np.ndarray, supply: np.ndarray, *,
                   decay: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Gravity access with competition (Joseph & Bantock 1982; Luo & Wang 2003).

    ``A_i = Σ_j S_j f(t_ij) / V_j`` with ``V_j = Σ_k P_k f(t_kj)``: a 2SFCA whose step weight
    is replaced by a continuous impedance, on the pairs of the catchment given.
    """
    return _fca(pairs, demand, supply, decay(pairs.minutes))


def supply_reached(pairs: Pairs, demand: np.ndarray, supply: np.ndarray,
                   w: np.ndarray | None = None) -> float:
    """Total supply of the services reached by a positive weighted demand (conservation check)."""
    d, s = _check(pairs, demand, supply)
    w = np.ones(len(pairs)) if w is None else w
    wd = np.bincount(pairs.service, weights=d[pairs.origin] * w, minlength=pairs.n_services)
    return float(s[wd > 0].sum())
