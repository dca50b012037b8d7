"""Population-weighted summaries against a plain per-group loop."""

from __future__ import annotations

import numpy as np
import pytest

from sdaasp.access.aggregate import OBSERVATOIRE_CLASSES, summarise


def _wquantile(v, w, q):
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    return v[np.argmax(cum >= q * w.sum())]


def test_summary_matches_per_group_reference():
    rng = np.random.default_rng(0)
    n = 2000
    t = rng.gamma(3, 5, n)
    t[rng.random(n) < 0.05] = np.inf        # unreachable
    t[rng.random(n) < 0.05] = np.nan        # not available
    pop = rng.integers(0, 50, n).astype(float)
    groups = rng.choice(["A", "B", "C", "D"], n)
    out = summarise(t, pop, groups).set_index("code")
    for g in "ABCD":
        sel = groups == g
        tv, pv = t[sel], pop[sel]
        av = ~np.isnan(tv)
        fin = np.isfinite(tv)
        row = out.loc[g]
        assert row["population"] == pytest.approx(pv.sum())
        assert row["population_non_disponible"] == pytest.approx(pv[~av].sum())
        assert row["population_sans_acces"] == pytest.approx(pv[av & ~fin].sum())
        assert row["moyenne_min"] == pytest.approx((tv[fin] * pv[fin]).sum() / pv[fin].sum())
        for q in (10, 50, 90):
            assert row[f"p{q}_min"] == _wquantile(tv[av], pv[av], q / 100)
        for thr in (10, 20, 30):
            beyond = pv[av][tv[av] > thr].sum()
            assert row[f"hab_plus_{thr}"] == pytest.approx(beyond)
            assert row[f"part_plus_{thr}"] == pytest.approx(beyond / pv[av].sum())
        shares = [row[f"part_{k}"] for k, *_ in OBSERVATOIRE_CLASSES]
        assert sum(shares) == pytest.approx(1.0)
        lo, hi = 10, 15
        assert row["part_10_15"] == pytest.approx(
            pv[av][(tv[av] >= lo) & (tv[av] < hi)].sum() / pv[av].sum())


def test_hand_worked_case_and_zero_population():
    t = np.array([5.0, 12.0, 40.0, 3.0])
    pop = np.array([100.0, 300.0, 100.0, 0.0])
    out = summarise(t, pop, ["X", "X", "X", "Y"]).set_index("code")
    x = out.loc["X"]
    assert x["moyenne_min"] == pytest.approx((500 + 3600 + 4000) / 500)
    assert x["p50_min"] == 12.0 and x["p10_min"] == 5.0 and x["p90_min"] == 40.0
    assert x["part_plus_20"] == pytest.approx(0.2) and x["hab_plus_30"] == 100
    assert x["part_moins_10"] == pytest.approx(0.2) and x["part_plus_25"] == pytest.approx(0.2)
    y = out.loc["Y"]
    assert y["population"] == 0 and np.isnan(y["part_plus_20"]) and np.isnan(y["p50_min"])


def test_weighted_quantiles_with_many_groups_uses_the_general_sort():
    from sdaasp.access.aggregate import weighted_quantiles

    rng = np.random.default_rng(1)
    n, ng = 5000, 70_000  # more groups than the 16-bit fast path handles
    v = rng.gamma(2, 4, n)
    w = rng.integers(1, 9, n).astype(float)
    g = rng.integers(0, 40, n) * 1700  # 40 occupied groups spread over 70,000
    out = weighted_quantiles(v, w, g, ng, [0.5, 0.9])
    for code in np.unique(g)[:10]:
        sel = g == code
        assert out[code, 0] == _wquantile(v[sel], w[sel], 0.5)
        assert out[code, 1] == _wquantile(v[sel], w[sel], 0.9)
    assert np.isnan(out[1, 0])
