"""Vectorised deficits and territory shares against a plain-Python reference on random
synthetic cases (hypothesis); synthetic data only."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from sdaasp.needs import load_params
from sdaasp.needs.method import access_deficits

PARAMS = """
version = "ref"
[acces]
part_population_min = 0.4
[[acces.service]]
code = "A"
seuil_minutes = 15
[[acces.panier]]
code = "P"
types = ["A", "B"]
agregation = "{agg}"
seuil_minutes = 12
"""


def _combine(vals, how):
    """One origin's time to a service: inf (unreachable) wins in a maximum or a mean, NaN (not
    known) propagates; the minimum takes the smallest known time."""
    if how == "minimum":
        timed = [v for v in vals if not math.isnan(v)]
        return min(timed) if timed else math.nan
    if any(v == math.inf for v in vals):
        return math.inf
    if any(math.isnan(v) for v in vals):
        return math.nan
    return max(vals) if how == "maximum" else sum(vals) / len(vals)


def reference(units, origins, times, params):
    """Plain loops: for each unit and service, population beyond the threshold among the
    population whose time is known (NaN = not known: left out of both sums)."""
    iris_units = {u for u, lvl in units if lvl == "iris"}
    unit_codes = {u for u, _ in units}
    pop_iris = {u: p for (u, lvl), p in zip(units, POP, strict=True) if lvl == "iris"}
    out = {}
    for s in params.services:
        acc: dict[str, list[float]] = {}
        for oid, com, iris, pop in origins:
            m = _combine([times.get((oid, t), math.nan) for t in s.types], s.agregation)
            known = not math.isnan(m)
            beyond = known and m > s.seuil_minutes
            if iris in iris_units:
                targets = [(iris, 1.0)]
            elif com in unit_codes:
                targets = [(com, 1.0)]
            else:
                members = [u for u in iris_units if u.startswith(com)]
                total = sum(pop_iris[u] for u in members)
                targets = [(u, pop_iris[u] / total) for u in members]
            for u, w in targets:
                a = acc.setdefault(u, [0.0, 0.0])
                a[0] += pop * w * known
                a[1] += pop * w * beyond
        for u, (tot, bey) in acc.items():
            out[(u, s.code)] = bey / tot if tot > 0 else math.nan
    return out


UNITS = [("99001", "commune"), ("99002", "commune"), ("990030001", "iris"),
         ("990030002", "iris")]
POP = [100.0, 50.0, 30.0, 70.0]


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 12),
    data=st.data(),
    agg=st.sampled_from(["moyenne", "maximum", "minimum"]),
)
def test_deficits_match_reference(tmp_path_factory, n, data, agg):
    p = tmp_path_factory.mktemp("p") / "p.toml"
    p.write_text(PARAMS.replace("{agg}", agg), encoding="utf-8")
    params = load_params(p)
    origins, times = [], {}
    for i in range(n):
        com = data.draw(st.sampled_from(["99001", "99002", "99003"]))
        iris = data.draw(st.sampled_from([None, "990030001", "990030002"])) \
            if com == "99003" else None
        pop = data.draw(st.floats(0.0, 500.0))
        oid = f"o{i}"
        origins.append((oid, com, iris, pop))
        for t in ("A", "B"):
            times[(oid, t)] = data.draw(st.one_of(st.just(math.nan), st.just(math.inf),
                                                  st.floats(0.0, 40.0)))
    access = pd.DataFrame(
        [(o, c, i, p, t, times[(o, t)]) for o, c, i, p in origins for t in ("A", "B")],
        columns=["origin_id", "commune_code", "iris_code", "population", "type_code",
                 "minutes"])
    units = gpd.GeoDataFrame({
        "unit_code": [u for u, _ in UNITS], "level": [lvl for _, lvl in UNITS],
        "commune_code": [u[:5] for u, _ in UNITS], "population": POP,
    }, geometry=[shapely.Point(0, 0)] * 4, crs=2154)
    got, missing = access_deficits(access, units, params)
    timed = {t for (_, t), m in times.items() if not math.isnan(m)}
    expected_missing = [s.code for s in params.services
                        if not (set(s.types) & timed if s.agregation == "minimum"
                                else set(s.types) <= timed)]
    assert missing == expected_missing
    params = type(params)(**{**params.__dict__, "services": tuple(
        s for s in params.services if s.code not in missing)})
    ref = reference(UNITS, origins, times, params)
    got_map = {(r.unit_code, r.service): r.share_beyond for r in got.itertuples()}
    assert set(got_map) == set(ref)
    for key, value in ref.items():
        if math.isnan(value):
            assert math.isnan(got_map[key])
        else:
            assert got_map[key] == pytest.approx(value, abs=1e-9)
    assert (got["deficit"] == (got["share_beyond"] >= 0.4)).all()
    assert np.isfinite(got["population"]).all()
