"""2SFCA / E2SFCA / gravity against a plain-Python reference, PySAL access, and conservation."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sdaasp.access.fca import (
    DREES_APL_2012,
    DREES_APL_2015,
    LUO_QI_2009,
    StepDecay,
    enhanced_two_stage_fca,
    gravity_access,
    power_decay,
    supply_reached,
    two_stage_fca,
)
from sdaasp.travel import CrowflyModel


def _case(seed=0, n=120, m=15, unplaced=()):
    """Random origins and services; origins in ``unplaced`` have no coordinates (the model
    cannot place them), the last origin is placed far from every service."""
    rng = np.random.default_rng(seed)
    o = rng.uniform(0, 30_000, (n, 2))
    o[list(unplaced)] = np.nan
    o[-1] = [-300_000, -300_000]
    s = rng.uniform(0, 30_000, (m, 2))
    s[1] = s[0]                      # duplicate points
    demand = rng.integers(0, 3000, n).astype(float)
    demand[:5] = 0                   # zero population
    supply = rng.integers(1, 8, m).astype(float)
    s[-1] = [500_000, 500_000]       # a service far outside: reached by nobody
    pairs = CrowflyModel().pairs_within(o, s, max_minutes=30)
    return pairs, demand, supply


def _reference(pairs, demand, supply, weight):
    """Plain-Python E2SFCA, loops over services then origins (the definition, literally)."""
    t = {(i, j): tt for i, j, tt in zip(pairs.origin.tolist(), pairs.service.tolist(),
                                        pairs.minutes.tolist(), strict=True)}
    ratio = {}
    for j in range(pairs.n_services):
        wd = sum(demand[i] * weight(tt) for (i, jj), tt in t.items() if jj == j)
        ratio[j] = supply[j] / wd if wd > 0 else 0.0
    out = np.zeros(pairs.n_origins)
    for (i, j), tt in t.items():
        out[i] += ratio[j] * weight(tt)
    return out


def test_step_decay_bands_are_right_closed():
    assert LUO_QI_2009(np.array([0, 10, 10.01, 20, 30, 30.01])).tolist() == [
        1, 1, 0.68, 0.68, 0.22, 0]
    assert DREES_APL_2015(np.array([10, 15, 20, 21])).tolist() == pytest.approx(
        [1, 2 / 3, 1 / 3, 0])
    assert DREES_APL_2012(np.array([5, 10, 15, 16])).tolist() == [1, 0.3, 0.1, 0]
    with pytest.raises(ValueError):
        StepDecay(((20, 1.0), (10, 0.5)))


@pytest.mark.parametrize("decay", [LUO_QI_2009, DREES_APL_2012, DREES_APL_2015])
def test_e2sfca_matches_reference_and_conserves_supply(decay):
    pairs, demand, supply = _case()
    a = enhanced_two_stage_fca(pairs, demand, supply, decay=decay)
    ref = _reference(pairs, demand, supply, lambda t: float(decay(np.array([t]))[0]))
    np.testing.assert_allclose(a, ref, rtol=1e-12)
    reached = supply_reached(pairs, demand, supply, decay(pairs.minutes))
    assert (demand * a).sum() == pytest.approx(reached, rel=1e-12)
    assert reached < supply.sum()  # the far service reaches nobody


def test_2sfca_and_gravity_match_reference():
    pairs, demand, supply = _case(1)
    a = two_stage_fca(pairs, demand, supply, max_minutes=20)
    ref = _reference(pairs, demand, supply, lambda t: 1.0 if t <= 20 else 0.0)
    np.testing.assert_allclose(a, ref, rtol=1e-12)
    f = power_decay(1.5)
    g = gravity_access(pairs, demand, supply, decay=f)
    ref = _reference(pairs, demand, supply, lambda t: max(t, 1.0) ** -1.5)
    np.testing.assert_allclose(g, ref, rtol=1e-12)
    assert (demand * g).sum() == pytest.approx(supply_reached(pairs, demand, supply), rel=1e-12)


def test_zero_population_everywhere_gives_zero_access():
    pairs, _, supply = _case(2)
    a = enhanced_two_stage_fca(pairs, np.zeros(pairs.n_origins), supply)
    assert (a == 0).all()


def _pysal(pairs, demand, supply, *, max_cost, weight_fn, enhanced):
    access = pytest.importorskip("access", reason="PySAL access n'est pas installé")
    dem = pd.DataFrame({"geoid": np.arange(pairs.n_origins), "pop": demand}).set_index("geoid")
    sup = pd.DataFrame({"geoid": np.arange(pairs.n_services), "cap": supply}).set_index("geoid")
    cost = pd.DataFrame({"origin": pairs.origin, "dest": pairs.service, "cost": pairs.minutes})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PySAL access's own pandas deprecation warnings
        acc = access.Access(demand_df=dem, demand_index=True, demand_value="pop",
                            supply_df=sup, supply_index=True, supply_value="cap",
                            cost_df=cost, cost_origin="origin", cost_dest="dest",
                            cost_name="cost")
        method = acc.enhanced_two_stage_fca if enhanced else acc.two_stage_fca
        out = method(max_cost=max_cost, weight_fn=weight_fn)
    # PySAL scores the origins of the cost table only: nan for every other origin
    return out.iloc[:, 0].reindex(np.arange(pairs.n_origins)).to_numpy()


def _check_against_pysal(pairs, ours, theirs, max_cost, unplaced):
    """Equal where PySAL scores; elsewhere nan (not placed) or a real 0 (placed, no service
    within ``max_cost``), which PySAL's cost table cannot tell apart."""
    in_table = np.zeros(pairs.n_origins, dtype=bool)
    in_table[pairs.origin[pairs.minutes <= max_cost]] = True
    assert np.array_equal(np.isnan(theirs), ~in_table)
    np.testing.assert_allclose(ours[in_table], theirs[in_table], rtol=1e-9, atol=0)
    assert np.array_equal(np.flatnonzero(np.isnan(ours)), sorted(unplaced))
    empty = pairs.placed & ~in_table
    assert empty[-1] and (ours[empty] == 0).all()


def test_equal_to_pysal_access():
    access = pytest.importorskip("access", reason="PySAL access n'est pas installé")
    unplaced = (7, 11)
    pairs, demand, supply = _case(3, n=200, m=20, unplaced=unplaced)
    assert pairs.placed.sum() == 198
    fn = access.weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22})
    ours = enhanced_two_stage_fca(pairs, demand, supply, decay=LUO_QI_2009)
    theirs = _pysal(pairs, demand, supply, max_cost=30, weight_fn=fn, enhanced=True)
    _check_against_pysal(pairs, ours, theirs, 30, unplaced)
    ours2 = two_stage_fca(pairs, demand, supply, max_minutes=15)
    theirs2 = _pysal(pairs, demand, supply, max_cost=15, weight_fn=None, enhanced=False)
    _check_against_pysal(pairs, ours2, theirs2, 15, unplaced)


def test_unplaced_origin_is_nan_placed_without_service_is_zero():
    """Regression: 2SFCA, E2SFCA and gravity gave 0 to an origin the model could not place.
    A placed origin with no service in its catchment keeps a real 0; the scores of the others
    are those of the same case without the unplaced origins (they weigh nothing)."""
    pairs, demand, supply = _case(6, unplaced=(3, 40))
    keep = np.setdiff1d(np.arange(pairs.n_origins), [3, 40])
    sub, _, _ = _case(6)
    scores = {
        "2sfca": lambda p, d: two_stage_fca(p, d, supply, max_minutes=20),
        "e2sfca": lambda p, d: enhanced_two_stage_fca(p, d, supply, decay=DREES_APL_2015),
        "gravity": lambda p, d: gravity_access(p, d, supply, decay=power_decay(1.0)),
    }
    for name, f in scores.items():
        a = f(pairs, demand)
        assert np.isnan(a[[3, 40]]).all(), name
        assert a[-1] == 0.0 and np.isfinite(a[keep]).all(), name
        d0 = demand.copy()
        d0[[3, 40]] = 0.0  # without coordinates they were never in the catchment
        np.testing.assert_allclose(a[keep], f(sub, d0)[keep], rtol=1e-12, err_msg=name)


def test_unsorted_pairs_give_the_same_scores():
    from sdaasp.travel.base import Pairs

    pairs, demand, supply = _case(4)
    perm = np.random.default_rng(0).permutation(len(pairs))
    shuffled = Pairs(pairs.origin[perm], pairs.service[perm], pairs.minutes[perm],
                     pairs.distance_m[perm], pairs.n_origins, pairs.n_services)
    np.testing.assert_allclose(enhanced_two_stage_fca(shuffled, demand, supply),
                               enhanced_two_stage_fca(pairs, demand, supply), rtol=1e-12)
