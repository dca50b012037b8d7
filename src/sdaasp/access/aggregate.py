"""Population-weighted summaries of per-origin times, by commune, EPCI, SCoT or département.

For each group and service type: population (total, with a time, without reachable service),
weighted mean, median and percentiles, share and number of inhabitants beyond thresholds, and
the classes of the Observatoire des territoires. Times are in minutes: ``nan`` = not available
(excluded from the statistics, its population counted apart in ``population_non_disponible``),
``inf`` = no reachable service (``population_sans_acces``: beyond every threshold, in the
percentiles, excluded from the mean only — the mean is ``inf`` when nobody with a known time
reaches a service, ``nan`` when nobody has a known time). Definitions in docs/methods.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Default thresholds (minutes) for "share of inhabitants beyond".
THRESHOLDS = (10, 20, 30)
#: Classes of the Observatoire des territoires (ANCT) for access times: [low, high) minutes.
OBSERVATOIRE_CLASSES: tuple[tuple[str, float, float, str], ...] = (
    ("moins_10", 0.0, 10.0, "moins de 10 min"),
    ("10_15", 10.0, 15.0, "de 10 à 15 min"),
    ("15_20", 15.0, 20.0, "de 15 à 20 min"),
    ("20_25", 20.0, 25.0, "de 20 à 25 min"),
    ("plus_25", 25.0, np.inf, "25 min ou plus"),
)
PERCENTILES = (10, 50, 90)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, group: np.ndarray,
                       n_groups: int, qs: Sequence[float]) -> np.ndarray:
    """Weighted quantiles per group, inverse-CDF definition: the smallest value ``v`` whose
    cumulative population share reaches ``q``. Returns shape (n_groups, len(qs)); ``nan``
    for groups without weight."""
    out = np.full((n_groups, len(qs)), np.nan)
    if values.size == 0:
        return out
    if n_groups < 2**16:
        # Sort by value, then a stable radix sort on 16-bit group codes: the same order as
        # np.lexsort((values, group)), several times faster on millions of origins.
        by_value = np.argsort(values)
        order = by_value[np.argsort(group[by_value].astype(np.uint16), kind="stable")]
    else:
        order = np.lexsort((values, group))
    v, w, g = values[order], weights[order], group[order]
    cum = np.cumsum(w)
    totals = np.bincount(g, weights=w, minlength=n_groups)
    starts = np.searchsorted(g, np.arange(n_groups), side="left")
    ends = np.searchsorted(g, np.arange(n_groups), side="right")
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0.0)
    for j, q in enumerate(qs):
        target = before + q * totals
        # Guard against rounding: compare with a relative tolerance on the running sum.
        idx = np.searchsorted(cum, target - 1e-9 * np.maximum(totals, 1.0), side="left")
        idx = np.clip(idx, starts, np.maximum(ends - 1, starts))
        ok = (totals > 0) & (ends > starts)
        out[ok, j] = v[idx[ok]]
    return out


def summarise(minutes: np.ndarray, population: np.ndarray,
              group_codes: Sequence[object] | np.ndarray, *,
              thresholds: Sequence[float] = THRESHOLDS,
              percentiles: Sequence[float] = PERCENTILES) -> pd.DataFrame:
    """Summary of one indicator (one value per origin) by group.

    Returns one row per group (``code``) with ``population``, ``population_disponible``,
    ``population_non_disponible``, ``population_sans_acces``, ``moyenne_min``,
    ``p<q>_min`` (``p50_min`` is the median), ``hab_plus_<T>``/``part_plus_<T>`` (strictly
    more than T minutes) and ``part_<classe>`` for the Observatoire classes.
    """
    codes, uniques = _factorize(group_codes)
    return _summarise_coded(np.asarray(minutes, dtype=np.float64),
                            np.nan_to_num(np.asarray(population, dtype=np.float64)),
                            codes, uniques, thresholds=thresholds, percentiles=percentiles)


def _factorize(group_codes: Sequence[object] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(group_codes)
    if arr.dtype.kind in "iu":  # integer codes: no object conversion of millions of values
        return pd.factorize(arr, sort=True)
    codes, uniques = pd.factorize(pd.Series(np.asarray(group_codes, dtype=object)), sort=True)
    return codes, np.asarray(uniques)


def _summarise_coded(t: np.ndarray, pop: np.ndarray, codes: np.ndarray, uniques: np.ndarray, *,
                     thresholds: Sequence[float], percentiles: Sequence[float]) -> pd.DataFrame:
    ng = len(uniques)
    valid = codes >= 0
    t, pop, g = t[valid], pop[valid], codes[valid]
    avail = ~np.isnan(t)
    finite = np.isfinite(t)

    def total(mask: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
        ww = pop * mask if w is None else w * mask
        return np.bincount(g, weights=ww, minlength=ng)

    out = pd.DataFrame({"code": np.asarray(uniques, dtype=object)})
    out["population"] = total(np.ones_like(avail))
    p_av = total(avail)
    out["population_disponible"] = p_av
    out["population_non_disponible"] = total(~avail)
    out["population_sans_acces"] = total(avail & ~finite)
    p_fin = total(finite)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["moyenne_min"] = np.where(p_fin > 0,
                                      total(finite, pop * np.where(finite, t, 0.0)) / p_fin,
                                      np.where(p_av > 0, np.inf, np.nan))
        qv = weighted_quantiles(t[avail], pop[avail], g[avail], ng,
                                [p / 100.0 for p in percentiles])
        for j, p in enumerate(percentiles):
            out[f"p{int(p)}_min"] = qv[:, j]
        tt = np.where(avail, t, -np.inf)
        for thr in thresholds:
            beyond = total(tt > thr)
            out[f"hab_plus_{int(thr)}"] = beyond
            out[f"part_plus_{int(thr)}"] = np.where(p_av > 0, beyond / p_av, np.nan)
        for key, lo, hi, _ in OBSERVATOIRE_CLASSES:
            inside = total((tt >= lo) & ((tt < hi) if np.isfinite(hi) else True))
            out[f"part_{key}"] = np.where(p_av > 0, inside / p_av, np.nan)
    return out


def summarise_by_type(minutes: np.ndarray, types: Sequence[str], population: np.ndarray,
                      group_codes: Sequence[object] | np.ndarray, *, level: str,
                      thresholds: Sequence[float] = THRESHOLDS) -> pd.DataFrame:
    """:func:`summarise` for each column of ``minutes`` (n_origins × n_types), stacked with
    ``niveau`` and ``type_code`` columns."""
    frames = []
    codes, uniques = _factorize(group_codes)
    pop = np.nan_to_num(np.asarray(population, dtype=np.float64))
    for j, code in enumerate(types):
        f = _summarise_coded(np.asarray(minutes[:, j], dtype=np.float64), pop, codes, uniques,
                             thresholds=thresholds, percentiles=PERCENTILES)
        f.insert(0, "type_code", code)
        f.insert(0, "niveau", level)
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
