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


def _case(seed=0, n=120, m=15):
    rng = np.random.default_rng(seed)
    o = rng.uniform(0, 30_000, (n, 2))
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
    return out.iloc[:, 0].reindex(np.arange(pairs.n_origins)).fillna(0.0).to_numpy()


def test_equal_to_pysal_access():
    access = pytest.importorskip("access", reason="PySAL access n'est pas installé")
    pairs, demand, supply = _case(3, n=200, m=20)
    fn = access.weights.step_fn({10: 1.0, 20: 0.68, 30: 0.22})
    ours = enhanced_two_stage_fca(pairs, demand, supply, decay=LUO_QI_2009)
    theirs = _pysal(pairs, demand, supply, max_cost=30, weight_fn=fn, enhanced=True)
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=0)
    ours2 = two_stage_fca(pairs, demand, supply, max_minutes=15)
    theirs2 = _pysal(pairs, demand, supply, max_cost=15, weight_fn=None, enhanced=False)
    np.testing.assert_allclose(ours2, theirs2, rtol=1e-9, atol=0)


def test_unsorted_pairs_give_the_same_scores():
    from sdaasp.travel.base import Pairs

    pairs, demand, supply = _case(4)
    perm = np.random.default_rng(0).permutation(len(pairs))
    shuffled = Pairs(pairs.origin[perm], pairs.service[perm], pairs.minutes[perm],
                     pairs.distance_m[perm], pairs.n_origins, pairs.n_services)
    np.testing.assert_allclose(enhanced_two_stage_fca(shuffled, demand, supply),
                               enhanced_two_stage_fca(pairs, demand, supply), rtol=1e-12)
