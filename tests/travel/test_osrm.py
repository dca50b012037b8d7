"""OSRM client against a small fake table server on 127.0.0.1 (no network)."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer

from sdaasp.travel import CrowflyConfig, CrowflyModel
from sdaasp.travel.network import haversine_m
from sdaasp.travel.osrm import OsrmConfig, OsrmError, OsrmModel
from tests.travel.fake_osrm import SPEED, FakeOsrm, fake_osrm_server


@pytest.fixture
def server():
    with fake_osrm_server() as url:
        yield url


def _points(n, seed):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(700_000, 720_000, n), rng.uniform(7_050_000, 7_070_000, n)])


def _expected_seconds(o, s):
    tr = Transformer.from_crs(2154, 4326, always_xy=True)
    lo, la = tr.transform(o[:, 0], o[:, 1])
    ls, lt = tr.transform(s[:, 0], s[:, 1])
    lo, la, ls, lt = (np.round(a, 6) for a in (lo, la, ls, lt))  # as sent in the URL
    return haversine_m(lo[:, None], la[:, None], ls[None, :], lt[None, :]) / SPEED


def test_table_is_batched_within_the_server_limit(server):
    o, s = _points(130, 1), _points(90, 2)
    m = OsrmModel(OsrmConfig(url=server, max_table=40))
    secs, _metres = m.table(o, s)
    np.testing.assert_allclose(secs, _expected_seconds(o, s), rtol=1e-9)
    assert m.requests > 1


def test_nearest_and_pairs_match_the_server_times(server):
    o, s = _points(70, 3), _points(30, 4)
    m = OsrmModel(OsrmConfig(url=server, max_table=50, candidates=30))
    r = m.nearest(o, s, k=2)
    t = _expected_seconds(o, s) / 60
    np.testing.assert_allclose(r.minutes, np.sort(t, axis=1)[:, :2], rtol=1e-9)
    p = m.pairs_within(o, s, max_minutes=20)
    oi, sj = np.nonzero(t <= 20)
    assert set(zip(p.origin.tolist(), p.service.tolist(), strict=True)) == set(
        zip(oi.tolist(), sj.tolist(), strict=True))
    # with few candidates, the bound check reports origins that are not proven exact
    m2 = OsrmModel(OsrmConfig(url=server, candidates=1, max_speed_kmh=200))
    m2.nearest(o, s)
    assert m2.last_unproven > 0
    # agrees in magnitude with the straight-line model at the same speed (no detour)
    cf = CrowflyModel(CrowflyConfig.constant(36.0, 1.0))
    np.testing.assert_allclose(cf.nearest(o, s).minutes[:, 0], r.minutes[:, 0], rtol=0.01)


def test_retries_then_succeeds(server):
    FakeOsrm.fail_first = 2
    m = OsrmModel(OsrmConfig(url=server, retries=3, backoff_s=0.01))
    secs, _ = m.table(_points(3, 5), _points(2, 6))
    assert np.isfinite(secs).all() and len(FakeOsrm.calls) == 3


def test_gives_up_with_a_french_message(server):
    FakeOsrm.fail_first = 10
    m = OsrmModel(OsrmConfig(url=server, retries=1, backoff_s=0.01))
    with pytest.raises(OsrmError, match="ne répond pas après 2 tentative"):
        m.table(_points(3, 5), _points(2, 6))


def test_unreachable_server_times_out():
    m = OsrmModel(OsrmConfig(url="http://127.0.0.1:9", retries=0, timeout_s=1))
    with pytest.raises(OsrmError):
        m.table(_points(1, 5), _points(1, 6))


def test_server_refusal_is_reported(server):
    m = OsrmModel(OsrmConfig(url=server, max_table=500))
    FakeOsrm.max_table = 10
    try:
        with pytest.raises(OsrmError, match="400"):
            m.table(_points(20, 5), _points(20, 6))
    finally:
        FakeOsrm.max_table = 100
