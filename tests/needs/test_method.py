"""The zones method on a small synthetic case worked by hand (synthetic data, not real)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.needs import analysis_units, load_params, needs_table, priority_zones
from sdaasp.needs.sources import VALUE_COLUMNS, NeedsSource

PARAMS = """
version = "test-1"
nom = "Paramètres de test"
[acces]
part_population_min = 0.3
[[acces.service]]
code = "FS"
libelle = "une France Services"
seuil_minutes = 20
[[acces.panier]]
code = "panier"
libelle = "du panier de proximité"
types = ["FS", "POSTE"]
agregation = "moyenne"
seuil_minutes = 15
[besoins]
poids_min = 1.0
manquant = "{manquant}"
[besoins.poids]
precarite = 1.0
qpv = 1.0
mobilite = 1.0
numerique = 0.5
vieillissement = 0.5
[besoins.seuils]
chomage = 0.20
menages_sans_voiture = 0.25
part_75_plus = 0.12
part_qpv = 0.20
[territoires]
part_population_critique = 0.25
problematiques_multiples = 2
"""


def params(tmp_path, manquant="disponibles"):
    p = tmp_path / f"params-{manquant}.toml"
    p.write_text(PARAMS.replace("{manquant}", manquant), encoding="utf-8")
    return load_params(p)


def communes():
    """Three synthetic communes (squares of 1 km) in two EPCI / two SCoT."""
    return gpd.GeoDataFrame({
        "code": ["99001", "99002", "99003"], "nom": ["Aval", "Bourg", "Cité"],
        "population": pd.array([1000, 500, 1000], dtype="Int64"),
        "epci_code": ["E1", "E1", "E2"], "scot_code": ["S1", "S1", "S2"],
    }, geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000),
                 shapely.box(2000, 0, 3000, 1000)], crs=2154)


def source(kind, level, rows, geometry=None):
    values = pd.DataFrame(rows, columns=["code", "commune_code", "indicator", "numerator",
                                         "denominator"])
    values["value"] = np.where(values["indicator"] == "population", values["numerator"],
                               values["numerator"] / values["denominator"])
    return NeedsSource(kind=kind, label=f"synthétique {kind}", vintage="2019", level=level,
                       path="synthetique", sha256="0" * 64, values=values[VALUE_COLUMNS],
                       geometry=geometry)


def sources():
    iris_geo = gpd.GeoDataFrame({"code": ["990030001", "990030002"], "nom": ["Nord", "Sud"]},
                                geometry=[shapely.box(2000, 500, 3000, 1000),
                                          shapely.box(2000, 0, 3000, 500)], crs=2154)
    iris = source("iris", "iris", [
        ("990030001", "99003", "population", 300, np.nan),
        ("990030002", "99003", "population", 700, np.nan),
        ("990030001", "99003", "chomage", 30, 100),
        ("990030002", "99003", "chomage", np.nan, np.nan),
    ], iris_geo)
    com = source("commune", "commune", [
        ("99001", "99001", "chomage", 25, 100),
        ("99001", "99001", "menages_sans_voiture", 10, 100),
        ("99002", "99002", "chomage", 10, 100),
        ("99002", "99002", "part_75_plus", 15, 100),
        ("99003", "99003", "menages_sans_voiture", 30, 100),
    ])
    return [iris, com]


def access():
    rows = [  # origin, commune, iris, population, FS minutes, POSTE minutes (inf: unreachable)
        ("o1", "99001", None, 600, 25, 5), ("o2", "99001", None, 400, 10, 30),
        ("o3", "99002", None, 500, 5, np.inf),
        ("o4", "99003", "990030001", 300, 30, 1), ("o5", "99003", None, 700, 10, 10),
    ]
    out = []
    for o, c, i, p, fs, poste in rows:
        out.append((o, c, i, float(p), "FS", float(fs)))
        out.append((o, c, i, float(p), "POSTE", float(poste)))
    return pd.DataFrame(out, columns=["origin_id", "commune_code", "iris_code", "population",
                                      "type_code", "minutes"])


def run(tmp_path, manquant="disponibles", acc=None):
    units = analysis_units(communes(), sources())
    needs = needs_table(units, sources())
    return priority_zones(units, needs, access() if acc is None else acc,
                          params(tmp_path, manquant))


def test_units_split_commune_with_iris_contours():
    units = analysis_units(communes(), sources())
    assert list(units["unit_code"]) == ["99001", "99002", "990030001", "990030002"]
    assert list(units["level"]) == ["commune", "commune", "iris", "iris"]
    assert list(units["population"]) == [1000, 500, 300, 700]
    assert list(units["epci_code"]) == ["E1", "E1", "E2", "E2"]


def test_needs_table_takes_finest_level_then_commune():
    units = analysis_units(communes(), sources())
    n = needs_table(units, sources()).set_index(["unit_code", "indicator"])
    assert n.loc[("990030001", "chomage"), "data_level"] == "iris"
    assert n.loc[("990030001", "chomage"), "value"] == pytest.approx(0.30)
    # the commune value applies to its IRIS when no IRIS value exists
    assert n.loc[("990030002", "menages_sans_voiture"), "data_level"] == "commune"
    assert n.loc[("990030002", "menages_sans_voiture"), "value"] == pytest.approx(0.30)
    # missing stays missing
    assert np.isnan(n.loc[("990030002", "chomage"), "value"])
    assert ("99001", "part_75_plus") not in n.index


def test_access_deficits_worked_by_hand(tmp_path):
    res = run(tmp_path)
    a = res.access.set_index(["unit_code", "service"])["share_beyond"]
    assert a[("99001", "FS")] == pytest.approx(0.6)        # o1 (600) at 25 min
    assert a[("99001", "panier")] == pytest.approx(0.4)    # o2 mean (10+30)/2 = 20 > 15
    assert a[("99002", "FS")] == pytest.approx(0.0)
    assert a[("99002", "panier")] == pytest.approx(1.0)    # no post office reachable (inf)
    # o5 (700, no IRIS) is spread 30/70 over the IRIS of 99003: 210 and 490
    assert a[("990030001", "FS")] == pytest.approx(300 / 510)
    assert a[("990030001", "panier")] == pytest.approx(300 / 510)  # (30+1)/2 = 15.5 > 15
    assert a[("990030002", "FS")] == pytest.approx(0.0)


def test_priority_zones_and_reasons_worked_by_hand(tmp_path):
    res = run(tmp_path)
    z = res.zones.set_index("unit_code")
    assert list(z["statut"]) == ["prioritaire", "non prioritaire", "prioritaire",
                                 "non prioritaire"]
    assert list(z["acces"]) == ["déficitaire", "déficitaire", "déficitaire",
                                "non déficitaire"]
    assert list(z["besoins_poids"]) == [1.0, 0.5, 2.0, 1.0]
    assert z.loc["99001", "motifs"] == (
        "plus de 20 min d'une France Services pour 60\u00a0% des habitants, "
        "plus de 15 min du panier de proximité pour 40\u00a0% des habitants "
        "et 25\u00a0% de chômage")
    assert z.loc["990030001", "motifs"].endswith(
        "30\u00a0% de chômage et 30\u00a0% des ménages sans voiture")
    # score = (deficit services weight share) × (critical / assessed needs weights)
    assert z.loc["99001", "score"] == pytest.approx(1.0 * 1 / 2)
    assert z.loc["99002", "score"] == pytest.approx(0.5 * 0.5 / 1.5, abs=1e-6)
    # QPV and ageing have no data anywhere: not assessed, zones flagged partial
    assert set(res.dimensions_not_assessed) == {"qpv", "vieillissement"}
    assert "--source qpv" in res.dimensions_not_assessed["qpv"]
    assert z["partiel"].all()


def test_missing_criterion_rule_indetermine(tmp_path):
    z = run(tmp_path, manquant="indetermine").zones.set_index("unit_code")
    # 99002: deficit, needs 0.5 < 1 but QPV (1.0) is not assessed → could be priority
    assert z.loc["99002", "statut"] == "indéterminée"
    assert z.loc["99001", "statut"] == "prioritaire"
    # 990030002 is not deficit: never priority nor undetermined
    assert z.loc["990030002", "statut"] == "non prioritaire"


@pytest.mark.parametrize("how", ["absent", "all-nan"])
def test_service_absent_from_access_is_not_assessed(tmp_path, how):
    acc = access()
    if how == "absent":
        acc = acc[acc["type_code"] == "FS"]
    else:
        acc.loc[acc["type_code"] == "POSTE", "minutes"] = np.nan
    res = run(tmp_path, acc=acc)
    assert res.services_not_assessed == ["panier"]
    assert set(res.access["service"]) == {"FS"}
    assert res.zones.set_index("unit_code").loc["99002", "acces"] == "non déficitaire"


def test_problematiques_multiples_worked_by_hand(tmp_path):
    t = run(tmp_path).territories.set_index(["level", "code"])
    e1 = t.loc[("epci", "E1")]
    assert e1["acces"] == pytest.approx(1.0)
    assert e1["precarite"] == pytest.approx(1000 / 1500)
    assert e1["numerique"] == pytest.approx(1.0)   # only 99002 is assessed
    assert e1["mobilite"] == pytest.approx(0.0)
    assert np.isnan(e1["qpv"])
    assert e1["critiques"] == "acces,precarite,numerique" and bool(e1["multiples"])
    e2 = t.loc[("scot", "S2")]
    assert e2["acces"] == pytest.approx(0.3)
    assert e2["precarite"] == pytest.approx(1.0)    # 990030002 has no value
    assert e2["mobilite"] == pytest.approx(1.0)
    assert e2["nb_critiques"] == 3


def test_reproducible_and_order_independent(tmp_path):
    a = run(tmp_path)
    b = run(tmp_path, acc=access().sample(frac=1.0, random_state=3))
    assert a.digest() == b.digest()
    pd.testing.assert_frame_equal(a.zones, b.zones)
    c = run(tmp_path, manquant="indetermine")
    assert c.digest() != a.digest()


def test_qpv_share_enters_needs(tmp_path):
    units = analysis_units(communes(), sources())
    qpv = gpd.GeoDataFrame({"code": ["QN09901M"]}, geometry=[shapely.box(0, 0, 500, 1000)],
                           crs=2154)
    n = needs_table(units, sources(), qpv).set_index(["unit_code", "indicator"])
    assert n.loc[("99001", "part_qpv"), "value"] == pytest.approx(0.5)
    assert n.loc[("99002", "part_qpv"), "value"] == pytest.approx(0.0)
    res = priority_zones(units, needs_table(units, sources(), qpv), access(), params(tmp_path))
    assert "qpv" not in res.dimensions_not_assessed
    assert "50\u00a0% des habitants en QPV" in res.zones.set_index("unit_code").loc[
        "99001", "motifs"]


def test_params_validation_lists_every_problem(tmp_path):
    from sdaasp.errors import InputFileError

    p = tmp_path / "bad.toml"
    p.write_text('[acces]\npart_population_min = 2\n[besoins]\nmanquant = "x"\n'
                 '[besoins.seuils]\ninconnu = 0.2\n', encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        load_params(p)
    fields = {pb.field for pb in err.value.problems}
    assert {"version", "acces.part_population_min", "besoins.manquant",
            "besoins.seuils.inconnu"} <= fields


def test_default_params_are_valid_and_hashed():
    p = load_params()
    assert p.version and len(p.sha256) == 64
    assert {s.code for s in p.services} >= {"MAIRIE", "FRANCE_SERVICES"}


def test_commune_value_from_iris_counts_without_contours():
    """IRIS rows without contours: the commune stays the unit, its value is Σ num / Σ den."""
    iris = source("iris-sans-contours", "iris", [
        ("990020101", "99002", "chomage", 10, 100),
        ("990020102", "99002", "chomage", 30, 50),
        ("990020103", "99002", "chomage", np.nan, np.nan),  # secret: left out, not zero
    ])
    units = analysis_units(communes(), [iris])
    assert list(units["level"]) == ["commune"] * 3
    n = needs_table(units, [iris]).set_index(["unit_code", "indicator"])
    row = n.loc[("99002", "chomage")]
    assert row["value"] == pytest.approx(40 / 150)
    assert row["data_level"] == "commune (somme des IRIS)"


def test_commune_not_split_when_iris_contours_are_partial():
    srcs = sources()
    partial = srcs[0].geometry.iloc[:1]  # only the northern half of 99003
    iris = NeedsSource(**{**srcs[0].__dict__, "geometry": partial})
    units = analysis_units(communes(), [iris])
    assert list(units["unit_code"]) == ["99001", "99002", "99003"]


def test_origin_not_placed_is_not_evaluated_never_deficient(tmp_path):
    """Regression: a NaN time (origin not placed on the network) counted as "beyond the
    threshold". It is left out: the share is computed on the population whose time is known,
    and a unit without any is « non évalué » for the service (never déficitaire)."""
    acc = access()
    acc.loc[acc["origin_id"] == "o1", "minutes"] = np.nan   # o1 (600, 99001) not placed
    acc.loc[acc["origin_id"] == "o3", "minutes"] = np.nan   # o3 (500) is all of 99002
    res = run(tmp_path, acc=acc)
    a = res.access.set_index(["unit_code", "service"])
    # 99001: only o2 (400) is known: FS 10 min <= 20, basket (10+30)/2 = 20 > 15
    assert a.loc[("99001", "FS"), "share_beyond"] == pytest.approx(0.0)
    assert a.loc[("99001", "panier"), "share_beyond"] == pytest.approx(1.0)
    assert a.loc[("99001", "FS"), "population_evaluee"] == pytest.approx(400)
    assert a.loc[("99001", "FS"), "population"] == pytest.approx(1000)
    assert a["share_beyond"].loc["99002"].isna().all()
    assert (a["population_evaluee"].loc["99002"] == 0).all()
    assert not a["deficit"].loc["99002"].any()
    z = res.zones.set_index("unit_code")
    assert z.loc["99002", "acces"] == "non évalué" and z.loc["99002", "statut"] == "non évaluée"
    assert z.loc["99001", "acces"] == "déficitaire"        # through the basket, on o2 only
    assert "pour 100\u00a0% des habitants" in z.loc["99001", "motifs"]
    # a unit with some unknown origins stays assessed on the others; the "no service at all"
    # rule is unchanged
    assert res.services_not_assessed == []
    acc.loc[acc["type_code"] == "POSTE", "minutes"] = np.nan
    assert run(tmp_path, acc=acc).services_not_assessed == ["panier"]


def test_unreachable_and_unknown_in_a_basket(tmp_path):
    """In a mean (or a maximum), one unreachable type makes the basket unreachable whatever
    the others; an unknown type makes it unknown."""
    acc = access()
    acc.loc[(acc["origin_id"] == "o2") & (acc["type_code"] == "FS"), "minutes"] = np.nan
    a = run(tmp_path, acc=acc).access.set_index(["unit_code", "service"])
    # o2: FS unknown, POSTE 30 -> basket unknown; o1 (600): (25 + 5) / 2 = 15, not beyond
    assert a.loc[("99001", "panier"), "population_evaluee"] == pytest.approx(600)
    assert a.loc[("99001", "panier"), "share_beyond"] == pytest.approx(0.0)
    acc.loc[(acc["origin_id"] == "o2") & (acc["type_code"] == "POSTE"), "minutes"] = np.inf
    a = run(tmp_path, acc=acc).access.set_index(["unit_code", "service"])
    assert a.loc[("99001", "panier"), "population_evaluee"] == pytest.approx(1000)
    assert a.loc[("99001", "panier"), "share_beyond"] == pytest.approx(0.4)
