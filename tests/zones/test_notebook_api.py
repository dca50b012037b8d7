"""docs/api.md runs: its python code is executed as a notebook would, and its results are
checked against a brute-force computation and against the Django pipeline (the same core
calls behind ``compute_zones``), so that the documentation cannot rot."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from sdaasp.travel.crowfly import CrowflyModel

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "api.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


@pytest.fixture(scope="module", params=["as written", "fresh clone"])
def notebook(request):
    """The doc's namespace after its code ran; "fresh clone" runs it as if ../shared/data were
    absent (its fallback: the needs extract of the tests)."""
    blocks = python_blocks(DOC.read_text(encoding="utf-8"))
    assert blocks, "docs/api.md has no python block"
    if request.param == "fresh clone":
        assert all('"../shared/data/' in b for b in blocks if "../shared" in b)
        blocks = [b.replace('"../shared/data/', '"absent/shared/data/') for b in blocks]
    ns: dict[str, object] = {}
    cwd = Path.cwd()
    try:
        os.chdir(ROOT)  # the doc is run from the project checkout
        for code in blocks:
            exec(compile(code, str(DOC), "exec"), ns)
    finally:
        os.chdir(cwd)
    return ns


def test_the_diagnostic_of_the_doc(notebook):
    nord, origins, minutes = notebook["nord"], notebook["origins"], notebook["minutes"]
    assert minutes.index.name == "origin_id" and list(minutes.columns) == ["MAIRIE"]
    assert list(minutes.index) == list(nord.communes["code"])
    # brute force: the straight-line model's time to every town hall, both ends with the
    # density context of their commune
    m = nord.mairies
    o = origins[["x", "y"]].to_numpy()
    d = np.hypot(o[:, None, 0] - m.geometry.x.to_numpy()[None, :],
                 o[:, None, 1] - m.geometry.y.to_numpy()[None, :])
    ctx = origins.set_index("commune_code")["context"]
    sc = m["commune_code"].map(ctx).fillna(-1).to_numpy(dtype=np.int64)
    t = CrowflyModel().pair_minutes(d, origins["context"].to_numpy()[:, None], sc[None, :])
    np.testing.assert_allclose(minutes["MAIRIE"].to_numpy(), t.min(axis=1), rtol=1e-9)
    assert (notebook["diagnostic"].times("point_id")["MAIRIE"].str.startswith("mairie:")).all()
    by_scot = notebook["by_scot"]
    assert by_scot.index.names == ["code", "type_code"] and len(by_scot) == len(nord.scot) == 7
    total = float(nord.communes["population"].astype(float).sum())
    assert by_scot["population"].sum() == pytest.approx(total)


@pytest.mark.django_db
def test_the_zones_of_the_doc_are_those_of_the_django_pipeline(notebook, nord_db):
    from sdaasp.diagnostic.zones.pipeline import compute_zones
    from sdaasp.diagnostic.zones.services import import_needs_file

    zones, units = notebook["zones"], notebook["units"]
    assert Path(ROOT / notebook["MEL"]).is_file()
    assert {"FRANCE_SERVICES", "proximite"} <= set(zones.services_not_assessed)
    assert "MAIRIE" not in zones.services_not_assessed
    iris = units[units["level"] == "iris"]
    assert len(iris) >= 3 and set(zones.zones["unit_code"]) == set(units["unit_code"])
    mairie = zones.access[zones.access["service"] == "MAIRIE"]
    assert len(mairie) == len(units) and mairie["share_beyond"].notna().any()
    import_needs_file(ROOT / notebook["MEL"], "mel-iris-2019", departement="59")
    saved = compute_zones("59", territory=notebook["nord"])
    assert saved.result.digest() == zones.digest()
    assert saved.run.digest == zones.digest()
