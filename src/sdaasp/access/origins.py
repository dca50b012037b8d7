"""Population points (origins) of a territory: communes, the INSEE 200 m grid, or a grid built
from the commune polygons.

Every origins table has the columns ``origin_id``, ``x``, ``y`` (projected CRS),
``population`` (float, 0 where unknown), ``commune_code``, ``epci_code``, ``scot_code``,
``context`` (0 dense urban, 1 urban, 2 rural; see :mod:`sdaasp.travel.crowfly`) and
``approximate`` (True when the population was spread rather than observed). The tables built
here also say where each point was put: ``placement`` (a code of
:data:`~sdaasp.access.placement.PLACEMENT_LABELS`) and ``placement_motif`` (why a commune was
not placed as asked, ``""`` otherwise).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from sdaasp.access.placement import commune_points
from sdaasp.errors import InputFileError, Problem, SdaaspError
from sdaasp.needs.indicators import analysis_units
from sdaasp.needs.sources import NeedsSource
from sdaasp.travel.crowfly import CrowflyConfig, context_from_density

ORIGIN_COLUMNS = ("origin_id", "x", "y", "population", "commune_code", "epci_code",
                  "scot_code", "context", "approximate")
DEFAULT_CROWFLY = CrowflyConfig()
_IDCAR = re.compile(r"N(\d+)E(\d+)")


def _commune_attrs(communes: gpd.GeoDataFrame, crowfly: CrowflyConfig) -> pd.DataFrame:
    area_km2 = communes.geometry.area.to_numpy() / 1e6
    pop = pd.to_numeric(communes["population"], errors="coerce").astype(float).to_numpy()
    return pd.DataFrame({
        "commune_code": communes["code"].astype(str).to_numpy(),
        "epci_code": communes["epci_code"].astype(object).to_numpy(),
        "scot_code": communes["scot_code"].astype(object).to_numpy(),
        "context": context_from_density(pop, area_km2, crowfly),
        "commune_population": pop,
    })


def commune_origins(communes: gpd.GeoDataFrame, *, placement: str = "centre",
                    mairies: gpd.GeoDataFrame | None = None, cells: pd.DataFrame | None = None,
                    crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per commune, weighted by its population, at the point of ``placement``
    (:func:`sdaasp.access.placement.commune_points`): ``"chef-lieu"`` (the town hall, needs
    ``mairies``), ``"carreaux"`` (weighted centre of INSEE cells, needs ``cells`` and
    ``mairies``) or ``"centre"`` (the polygon's representative point, the default here for
    callers that only have the polygons; diagnostics and zones use the chef-lieu).
    """
    attrs = _commune_attrs(communes, crowfly)
    pts = commune_points(communes, placement, mairies=mairies, cells=cells)
    out = pd.DataFrame({
        "origin_id": attrs["commune_code"],
        "x": pts.x, "y": pts.y,
        "population": np.nan_to_num(attrs["commune_population"].to_numpy()),
        "commune_code": attrs["commune_code"],
        "epci_code": attrs["epci_code"], "scot_code": attrs["scot_code"],
        "context": attrs["context"], "approximate": False,
        "placement": pts.placement, "placement_motif": pts.motif,
    })
    return out[[*ORIGIN_COLUMNS, "placement", "placement_motif"]]


def _regular_cells(geoms: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, float, float]:
    """Square cells of ``cell_m`` aligned on multiples of ``cell_m``, those within the
    bounding box of some polygon of ``geoms`` (an elongated département's own box holds twice
    as many): the boxes, their column and row indices, and the grid's origin."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    x0 = np.floor(xmin / cell_m) * cell_m
    y0 = np.floor(ymin / cell_m) * cell_m
    nx = int(np.ceil((xmax - x0) / cell_m))
    ny = int(np.ceil((ymax - y0) / cell_m))
    wanted = np.zeros((ny, nx), dtype=bool)
    b = shapely.bounds(geoms)
    cols = np.column_stack([np.floor((b[:, 0] - x0) / cell_m), np.ceil((b[:, 2] - x0) / cell_m)])
    rows = np.column_stack([np.floor((b[:, 1] - y0) / cell_m), np.ceil((b[:, 3] - y0) / cell_m)])
    for (c0, c1), (r0, r1) in zip(cols.astype(int), rows.astype(int), strict=True):
        wanted[r0:r1, c0:c1] = True
    iy, ix = np.nonzero(wanted)
    cells = shapely.box(x0 + ix * cell_m, y0 + iy * cell_m,
                        x0 + (ix + 1) * cell_m, y0 + (iy + 1) * cell_m)
    return cells, ix, iy, x0, y0


def _cell_pieces(cells: np.ndarray, centres: np.ndarray, geoms: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (commune, cell) piece of positive area: commune and cell indices, area and point
    (x, y: the cell's centre when inside the piece, else a point on the piece), ordered by
    commune then cell.

    Most cells lie wholly inside one commune: found first by the tree (``contains``), they keep
    their square and centre and are not intersected; only the cells that cross a boundary are
    cut (the pairs of a cell inside one commune and touching another along an edge are cut
    too, and dropped for their zero area).
    """
    tree = shapely.STRtree(cells)
    in_com, in_cell = tree.query(geoms, predicate="contains")
    hit_com, hit_cell = tree.query(geoms, predicate="intersects")
    n = np.int64(len(cells))
    cut = ~np.isin(hit_com.astype(np.int64) * n + hit_cell,
                   in_com.astype(np.int64) * n + in_cell)
    cut_com, cut_cell = hit_com[cut], hit_cell[cut]
    pieces = shapely.intersection(cells[cut_cell], geoms[cut_com])
    cut_area = shapely.area(pieces)
    keep = cut_area > 0
    cut_com, cut_cell, pieces, cut_area = (cut_com[keep], cut_cell[keep], pieces[keep],
                                           cut_area[keep])
    centre = shapely.points(centres[cut_cell])
    inside = shapely.contains_properly(pieces, centre)
    cut_xy = shapely.get_coordinates(np.where(inside, centre, shapely.point_on_surface(pieces)))
    com = np.concatenate([in_com, cut_com])
    cell = np.concatenate([in_cell, cut_cell])
    area = np.concatenate([shapely.area(cells[in_cell]), cut_area])
    xy = np.concatenate([centres[in_cell], cut_xy])
    order = np.lexsort((cell, com))
    return com[order], cell[order], area[order], xy[order]


def grid_from_communes(communes: gpd.GeoDataFrame, *, cell_m: float = 200.0,
                       crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """Square cells over the communes, population spread by area (flagged approximate).

    A cell cut by a commune boundary gives one origin per piece, so that commune totals are
    kept exactly: ``population(piece) = population(commune) × area(piece) / area(commune)``.
    """
    attrs = _commune_attrs(communes, crowfly)
    geoms = communes.geometry.to_numpy()
    cells, ix, iy, x0, y0 = _regular_cells(geoms, cell_m)
    centres = np.column_stack([x0 + (ix + 0.5) * cell_m, y0 + (iy + 0.5) * cell_m])
    com_idx, cell_idx, area, xy = _cell_pieces(cells, centres, geoms)
    com_area = shapely.area(geoms)
    pop = np.nan_to_num(attrs["commune_population"].to_numpy())[com_idx] * area / com_area[com_idx]
    cx = (x0 + ix[cell_idx] * cell_m).astype(np.int64)
    cy = (y0 + iy[cell_idx] * cell_m).astype(np.int64)
    a = attrs.iloc[com_idx]
    out = pd.DataFrame({
        "origin_id": (pd.Series(cy).astype(str) + "_" + pd.Series(cx).astype(str) + "_"
                      + a["commune_code"].reset_index(drop=True)).to_numpy(),
        "x": xy[:, 0], "y": xy[:, 1], "population": pop,
        "commune_code": a["commune_code"].to_numpy(), "epci_code": a["epci_code"].to_numpy(),
        "scot_code": a["scot_code"].to_numpy(), "context": a["context"].to_numpy(),
        "approximate": True, "placement": "carreau-construit", "placement_motif": "",
    })
    return out[[*ORIGIN_COLUMNS, "placement", "placement_motif"]].reset_index(drop=True)


def read_filosofi_grid(path: str | Path, communes: gpd.GeoDataFrame, *,
                       crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """INSEE 200 m grid (carreaux Filosofi) supplied by the user: CSV or GeoPackage with the
    columns ``Idcar_200m`` (e.g. ``CRS3035RES200mN2029800E4252400``, lower-left corner in
    ETRS89-LAEA, EPSG:3035) and ``Ind`` (inhabitants). Cells whose centre lies outside the
    communes are dropped; a malformed file is refused as a whole."""
    path = Path(path)
    if not path.is_file():
        raise SdaaspError(f"Fichier de carreaux introuvable : {path}")
    if path.suffix.lower() == ".gpkg":
        df = pd.DataFrame(gpd.read_file(path, ignore_geometry=True))
        first_line = 1
    else:
        df = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding="utf-8-sig")
        first_line = 2  # line 1 is the header
    cols = {c.lower(): c for c in df.columns}
    problems = [Problem(path.name, None, name, "une colonne « " + name + " »",
                        "colonnes " + ", ".join(map(str, df.columns))[:200])
                for name in ("Idcar_200m", "Ind") if name.lower() not in cols]
    if problems:
        raise InputFileError(problems)
    ids = df[cols["idcar_200m"]].astype(str)
    m = ids.str.extract(_IDCAR)
    ind = pd.to_numeric(df[cols["ind"]].astype(str).str.replace(",", ".", regex=False),
                        errors="coerce")
    for i in np.flatnonzero(m[0].isna().to_numpy()):
        problems.append(Problem(path.name, int(i) + first_line, "Idcar_200m",
                                "un identifiant CRS3035RES200mN…E…", repr(ids.iloc[i])))
    for i in np.flatnonzero((ind.isna() | (ind < 0)).to_numpy()):
        problems.append(Problem(path.name, int(i) + first_line, "Ind",
                                "un nombre d'habitants positif",
                                repr(df[cols["ind"]].iloc[i])))
    if problems:
        raise InputFileError(problems)
    north = m[0].astype(float).to_numpy() + 100.0
    east = m[1].astype(float).to_numpy() + 100.0
    tr = Transformer.from_crs(3035, communes.crs, always_xy=True)
    x, y = tr.transform(east, north)
    attrs = _commune_attrs(communes, crowfly)
    tree = shapely.STRtree(communes.geometry.to_numpy())
    pt_idx, com_idx = tree.query(shapely.points(x, y), predicate="within")
    _, first = np.unique(pt_idx, return_index=True)  # a point on a shared edge: keep one
    pt_idx, com_idx = pt_idx[first], com_idx[first]
    a = attrs.iloc[com_idx]
    out = pd.DataFrame({
        "origin_id": ids.to_numpy()[pt_idx], "x": x[pt_idx], "y": y[pt_idx],
        "population": ind.to_numpy()[pt_idx].astype(float),
        "commune_code": a["commune_code"].to_numpy(), "epci_code": a["epci_code"].to_numpy(),
        "scot_code": a["scot_code"].to_numpy(), "context": a["context"].to_numpy(),
        "approximate": False, "placement": "carreau-insee", "placement_motif": "",
    })
    return out[[*ORIGIN_COLUMNS, "placement", "placement_motif"]].reset_index(drop=True)


def unit_origins(communes: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *,
                 placement: str = "centre", mairies: gpd.GeoDataFrame | None = None,
                 cells: pd.DataFrame | None = None,
                 crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per analysis unit (:func:`sdaasp.needs.analysis_units`: IRIS where their
    contours are known, communes elsewhere), weighted by its population, with the density
    context of its commune: an IRIS at the representative point of its polygon, a commune
    where :func:`commune_origins` puts it (``placement``, ``mairies``, ``cells``), so that
    the zones and the diagnostics place a commune at the same point.

    An IRIS origin keeps its commune code, so results still aggregate by commune, EPCI and
    SCoT; the extra ``iris_code`` column is ``None`` for commune origins. These are the
    origins of the zones method (and of ``diagnose --origins iris``).
    """
    attrs = _commune_attrs(communes, crowfly).set_index("commune_code")
    xy = shapely.get_coordinates(units.geometry.representative_point().to_numpy())
    is_iris = (units["level"] == "iris").to_numpy()
    code = units["commune_code"]
    where = pd.Index(communes["code"].astype(str)).get_indexer(code.astype(str).to_numpy())
    at_commune = ~is_iris & (where >= 0)
    pts = commune_points(communes, placement, mairies=mairies, cells=cells)
    xy[at_commune, 0] = pts.x[where[at_commune]]
    xy[at_commune, 1] = pts.y[where[at_commune]]
    kind = np.where(is_iris, "iris", "point-representatif").astype(object)
    kind[at_commune] = pts.placement[where[at_commune]]
    motif = np.full(len(units), "", dtype=object)
    motif[at_commune] = pts.motif[where[at_commune]]
    out = pd.DataFrame({
        "origin_id": units["unit_code"].to_numpy(),
        "x": xy[:, 0], "y": xy[:, 1],
        "population": np.nan_to_num(units["population"].to_numpy(dtype=float)),
        "commune_code": code.to_numpy(),
        "epci_code": code.map(attrs["epci_code"]).to_numpy(),
        "scot_code": code.map(attrs["scot_code"]).to_numpy(),
        "context": code.map(attrs["context"]).fillna(crowfly.default_context)
        .astype(np.int8).to_numpy(),
        "approximate": False,
        "iris_code": np.where(is_iris, units["unit_code"].to_numpy(), None),
        "placement": kind, "placement_motif": motif,
    })
    return out[[*ORIGIN_COLUMNS, "iris_code", "placement", "placement_motif"]]


def iris_origins(communes: gpd.GeoDataFrame, sources: list[NeedsSource], *,
                 placement: str = "centre", mairies: gpd.GeoDataFrame | None = None,
                 cells: pd.DataFrame | None = None,
                 crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per IRIS where imported needs sources give IRIS contours, one per commune
    elsewhere (placed by ``placement``): :func:`unit_origins` of the needs app's units (a
    commune is split when IRIS contours cover ≥ 90 % of its area), so both apps use the same
    units."""
    return unit_origins(communes, analysis_units(communes, sources), placement=placement,
                        mairies=mairies, cells=cells, crowfly=crowfly)
