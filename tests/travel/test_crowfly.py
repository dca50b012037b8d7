"""Crowfly model against a brute-force distance matrix."""

from __future__ import annotations

import numpy as np
import pytest

from sdaasp.travel import CrowflyConfig, CrowflyModel


def _brute(o, s, ctx, cfg):
    d = np.hypot(o[:, None, 0] - s[None, :, 0], o[:, None, 1] - s[None, :, 1]) * cfg.detour
    v = np.asarray(cfg.speeds_kmh)[ctx] * 1000 / 60
    return d, d / v[:, None]


@pytest.fixture
def pts():
    rng = np.random.default_rng(1)
    o = rng.uniform(0, 20_000, (300, 2))
    s = rng.uniform(0, 20_000, (25, 2))
    s[3] = s[2]  # duplicate service point
    o[0] = s[5]  # an origin exactly on a service
    ctx = rng.integers(0, 3, 300)
    return o, s, ctx


def test_nearest_matches_brute_force(pts):
    o, s, ctx = pts
    cfg = CrowflyConfig(detour=1.25)
    r = CrowflyModel(cfg).nearest(o, s, k=3, origin_context=ctx)
    d, t = _brute(o, s, ctx, cfg)
    np.testing.assert_allclose(r.minutes, np.sort(t, axis=1)[:, :3], rtol=1e-12)
    np.testing.assert_allclose(r.distance_m, np.sort(d, axis=1)[:, :3], rtol=1e-12)
    np.testing.assert_allclose(t[np.arange(300), r.service[:, 0]], r.minutes[:, 0], rtol=1e-12)
    assert r.minutes[0, 0] == 0.0


def test_pairs_within_matches_brute_force_and_keeps_zero(pts):
    o, s, ctx = pts
    cfg = CrowflyConfig()
    p = CrowflyModel(cfg).pairs_within(o, s, max_minutes=8, origin_context=ctx)
    _, t = _brute(o, s, ctx, cfg)
    oi, sj = np.nonzero(t <= 8)
    assert set(zip(p.origin.tolist(), p.service.tolist(), strict=True)) == set(
        zip(oi.tolist(), sj.tolist(), strict=True))
    np.testing.assert_allclose(p.minutes, t[p.origin, p.service], rtol=1e-12)
    assert (p.minutes == 0).any()


def test_no_service_is_not_available_and_fewer_than_k_is_unreachable(pts):
    o, s, _ = pts
    m = CrowflyModel()
    empty = m.nearest(o, np.empty((0, 2)), k=2)
    assert np.isnan(empty.minutes).all() and (empty.service == -1).all()
    two = m.nearest(o, s[:2], k=3)
    assert np.isinf(two.minutes[:, 2]).all() and np.isfinite(two.minutes[:, :2]).all()


def test_config_is_validated():
    with pytest.raises(ValueError):
        CrowflyConfig(detour=0.9)
    with pytest.raises(ValueError):
        CrowflyConfig(speeds_kmh=(10.0, 0.0, 5.0))


def test_origin_without_coordinates_is_not_placed():
    """nan coordinates give nan (not known), never a time or a crash; others are unchanged."""
    o = np.array([[0.0, 0.0], [np.nan, np.nan], [3000.0, 4000.0]])
    s = np.array([[0.0, 0.0], [6000.0, 8000.0]])
    m = CrowflyModel()
    r = m.nearest(o, s, k=3, origin_context=np.array([0, 1, 2]), dtype=np.float32)
    assert r.minutes.dtype == np.float32
    assert np.isnan(r.minutes[1]).all() and (r.service[1] == -1).all()
    assert r.minutes[0, 0] == 0.0 and np.isinf(r.minutes[0, 2])  # a real 0; rank 3: none
    full = m.nearest(o[[0, 2]], s, k=3, origin_context=np.array([0, 2]))
    np.testing.assert_allclose(r.minutes[[0, 2]], full.minutes, rtol=1e-6)
    p = m.pairs_within(o, s, max_minutes=60)
    assert 1 not in p.origin.tolist() and p.placed.tolist() == [True, False, True]
