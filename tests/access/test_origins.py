"""Origins: communes, grid built from polygons (population conserved), INSEE Filosofi grid."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from sdaasp.access.origins import commune_origins, grid_from_communes, read_filosofi_grid
from sdaasp.errors import InputFileError
from sdaasp.testing import synthetic_territory


@pytest.fixture(scope="module")
def terr():
    return synthetic_territory(3, 2, commune_m=1500.0, x0=700_130.0, y0=7_000_070.0)


def test_commune_origins_inside_polygons(terr):
    o = commune_origins(terr.communes)
    assert list(o["origin_id"]) == list(terr.communes["code"])
    assert o["population"].iloc[-1] == 0.0  # unknown population weighs nothing
    pts = shapely.points(o["x"].to_numpy(), o["y"].to_numpy())
    assert shapely.contains(terr.communes.geometry.to_numpy(), pts).all()


def test_grid_conserves_each_commune_population(terr):
    g = grid_from_communes(terr.communes, cell_m=200)
    assert g["approximate"].all()
    got = g.groupby("commune_code")["population"].sum()
    want = terr.communes.set_index("code")["population"].astype(float).fillna(0.0)
    np.testing.assert_allclose(got.reindex(want.index).to_numpy(), want.to_numpy(), rtol=1e-9)
    # cells not aligned with the communes: pieces on both sides of a boundary
    assert g["origin_id"].is_unique and len(g) > 6 * (1500 / 200) ** 2


def _idcar(x, y):
    tr = Transformer.from_crs(2154, 3035, always_xy=True)
    e, n = tr.transform(x, y)
    e0, n0 = np.floor(np.asarray(e) / 200) * 200, np.floor(np.asarray(n) / 200) * 200
    return [f"CRS3035RES200mN{int(a)}E{int(b)}" for a, b in zip(n0, e0, strict=True)]


def test_filosofi_csv_is_read_and_located(terr, tmp_path):
    c = terr.communes.geometry.centroid
    ids = _idcar(c.x.to_numpy(), c.y.to_numpy())
    path = tmp_path / "carreaux.csv"
    lines = ["Idcar_200m;Ind"] + [f"{i};{10 * (k + 1)},5" for k, i in enumerate(ids)]
    lines.append("CRS3035RES200mN1000000E1000000;7")  # far outside: dropped
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    o = read_filosofi_grid(path, terr.communes)
    assert len(o) == len(ids)
    assert o["population"].tolist() == [10.5 * 0 + 10 * (k + 1) + 0.5 for k in range(len(ids))]
    assert o["commune_code"].tolist() == terr.communes["code"].tolist()
    assert not o["approximate"].any()


def test_filosofi_bad_file_lists_problems(terr, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Idcar_200m;Ind\nnimportequoi;3\nCRS3035RES200mN1E1;-2\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_filosofi_grid(path, terr.communes)
    msg = str(exc.value)
    assert "bad.csv, ligne 2, champ « Idcar_200m »" in msg
    assert "bad.csv, ligne 3, champ « Ind »" in msg
    path.write_text("id;pop\n1;2\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="Idcar_200m"):
        read_filosofi_grid(path, terr.communes)


def _grid_every_pair_intersected(communes, cell_m):
    """The grid as built before cells inside one commune were spared the intersection: every
    (cell, commune) pair that intersects is cut (the reference the new method must equal)."""
    geoms = communes.geometry.to_numpy()
    xmin, ymin, xmax, ymax = communes.total_bounds
    x0, y0 = np.floor(xmin / cell_m) * cell_m, np.floor(ymin / cell_m) * cell_m
    nx, ny = int(np.ceil((xmax - x0) / cell_m)), int(np.ceil((ymax - y0) / cell_m))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    ix, iy = gx.ravel(), gy.ravel()
    cells = shapely.box(x0 + ix * cell_m, y0 + iy * cell_m, x0 + (ix + 1) * cell_m,
                        y0 + (iy + 1) * cell_m)
    com, cell = shapely.STRtree(cells).query(geoms, predicate="intersects")
    pieces = shapely.intersection(cells[cell], geoms[com])
    area = shapely.area(pieces)
    keep = area > 0
    com, cell, pieces, area = com[keep], cell[keep], pieces[keep], area[keep]
    centre = shapely.centroid(cells[cell])
    pts = np.where(shapely.contains_properly(pieces, centre), centre,
                   shapely.point_on_surface(pieces))
    xy = shapely.get_coordinates(pts)
    pop = communes["population"].astype(float).fillna(0.0).to_numpy()
    codes = communes["code"].to_numpy()
    ids = [f"{int(y0 + iy[c] * cell_m)}_{int(x0 + ix[c] * cell_m)}_{codes[k]}"
           for k, c in zip(com, cell, strict=True)]
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1],
                         "population": pop[com] * area / shapely.area(geoms)[com]},
                        index=pd.Index(ids, name="origin_id")).sort_index()


@pytest.mark.parametrize("which", ["synthetic", "nord"])
def test_grid_equals_every_pair_intersected(which, terr, nord):
    """Cells inside one commune keep their square without being intersected: same origins,
    same points (exactly) and same populations as intersecting every pair, on the synthetic
    communes and on ten communes of the Nord (Dunkerque and its neighbours by code, Lille,
    Roubaix, Maubeuge, the smallest and the largest commune)."""
    if which == "synthetic":
        communes, cell_m = terr.communes, 200.0
    else:
        c = nord.communes
        area = c.geometry.area
        pick = {"59183", "59155", "59350", "59512", "59392", "59340", "59359",
                c["code"][area.idxmin()], c["code"][area.idxmax()], "59094"}
        communes, cell_m = c[c["code"].isin(pick)].reset_index(drop=True), 200.0
        assert len(communes) == 10
    got = grid_from_communes(communes, cell_m=cell_m).set_index("origin_id").sort_index()
    want = _grid_every_pair_intersected(communes, cell_m)
    assert list(got.index) == list(want.index)
    np.testing.assert_array_equal(got[["x", "y"]].to_numpy(), want[["x", "y"]].to_numpy())
    np.testing.assert_allclose(got["population"].to_numpy(), want["population"].to_numpy(),
                               rtol=1e-12, atol=0)
    # both kinds of cells are there: whole squares and pieces of cut cells
    assert (got["population"].groupby(got["commune_code"]).nunique() > 1).any()
    centre = (got["x"] % cell_m == cell_m / 2) & (got["y"] % cell_m == cell_m / 2)
    assert centre.any() and (~centre).any()
