"""compute_zones only loads, calls the core and saves: the département's CRS reaches the travel
model, and an origin the model cannot place is « non évalué », never déficitaire."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sdaasp.diagnostic.zones.pipeline import compute_zones
from sdaasp.testing import synthetic_territory

pytestmark = pytest.mark.django_db

TINY = Path(__file__).resolve().parent.parent / "fixtures" / "travel" / "tiny.osm"
UTM31 = 32631  # a projected CRS other than Lambert-93 (as overseas départements have)


def _territory_in(crs: int):
    """Three 1 km communes (synthetic) along the tiny network near Lille, in ``crs``: the
    town halls of 99001 and 99002 are within 1 km of its roads, 99003's is not."""
    t = synthetic_territory(3, 1, commune_m=1000.0, x0=703_000.0, y0=7_059_000.0)
    t.communes["population"] = pd.array([100, 200, 300], dtype="Int64")
    return replace(t, departement={**t.departement, "crs": crs},
                   communes=t.communes.to_crs(crs), epci=t.epci.to_crs(crs),
                   scot=t.scot.to_crs(crs), mairies=t.mairies.to_crs(crs))


def test_network_model_gets_the_departement_crs_and_unplaced_is_not_evaluated():
    """Regression: compute_zones built the model without the département's CRS (Lambert-93
    by default): in another CRS no origin could be placed and access was not assessed."""
    terr = _territory_in(UTM31)
    out = compute_zones("99", territory=terr, travel=f"network:{TINY}")
    res = out.result
    assert out.run.inputs[1]["deplacement"]["crs"] == UTM31
    assert "MAIRIE" not in res.services_not_assessed
    a = res.access[res.access["service"] == "MAIRIE"].set_index("unit_code")
    # 99001 and 99002 are on the network, their town halls within 10 minutes
    assert list(a.loc[["99001", "99002"], "population_evaluee"]) == [100, 200]
    assert list(a.loc[["99001", "99002"], "share_beyond"]) == [0.0, 0.0]
    # 99003's point is more than 1 km from every road: not placed, not evaluated
    assert a.loc["99003", "population"] == 300
    assert np.isnan(a.loc["99003", "share_beyond"]) and a.loc["99003", "population_evaluee"] == 0
    assert not a.loc["99003", "deficit"]
    z = res.zones.set_index("unit_code")
    assert z.loc["99003", "acces"] == "non évalué" and z.loc["99003", "statut"] == "non évaluée"
    unit = out.run.units.get(unit_code="99003")
    assert unit.acces == "non évalué"
