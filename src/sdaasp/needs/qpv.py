"""QPV contours (ANCT) and the population living in a QPV.

Formats read: the ANCT contours of the quartiers prioritaires, GeoJSON or shapefile (or a zip
of it) — 2024 list (``code_qp``, ``lib_qp``, ``insee_com``…, one feature per QPV and commune)
and 2015 list (``CODE_QP``, ``NOM_QP``, ``COMMUNE_QP``). Features of the same QPV are merged.

The population in QPV of an area is estimated by areal weighting of the finest population
layer available (IRIS contours with their census population, else communes): population ×
(area inside a QPV / area). It assumes an even density inside each area; INSEE's 200 m grid
would be finer and is left for later (docs/methods.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from sdaasp.errors import InputFileError, Problem
from sdaasp.needs.sources import file_sha256, read_bytes
from sdaasp.offer.importers import departement_of_commune

L93 = 2154

_CODE = ("code_qp", "CODE_QP", "Code_QP")
_NAME = ("lib_qp", "nom_qp", "NOM_QP", "LIB_QP")
_COMMUNE = ("insee_com", "INSEE_COM", "code_insee")


def read_qpv(path: str | Path) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Read ANCT QPV contours → (GeoDataFrame ``code``, ``nom``, ``communes``, ``geometry``
    in Lambert-93, metadata ``label``/``vintage``/``sha256``/``path``)."""
    path = Path(path)
    name = path.name
    data = read_bytes(path)
    try:
        gdf = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several error types for unreadable files
        raise InputFileError([Problem(name, None, None, "un GeoJSON ou shapefile lisible",
                                      str(exc).splitlines()[0])]) from None
    problems: list[Problem] = []
    code_col = next((c for c in _CODE if c in gdf.columns), None)
    name_col = next((c for c in _NAME if c in gdf.columns), None)
    com_col = next((c for c in _COMMUNE if c in gdf.columns), None)
    if code_col is None:
        problems.append(Problem(name, None, "code_qp", "la colonne code_qp (ou CODE_QP)",
                                "absente"))
    if name_col is None:
        problems.append(Problem(name, None, "lib_qp", "la colonne lib_qp (ou NOM_QP)",
                                "absente"))
    if gdf.crs is None:
        problems.append(Problem(name, None, "crs", "un système de coordonnées", "aucun"))
    if problems:
        raise InputFileError(problems)
    codes = gdf[code_col].astype(str).str.strip()
    geoms = gdf.geometry.to_numpy()
    empty = shapely.is_empty(geoms) | pd.isna(geoms)
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6])
    for i in np.flatnonzero(empty | ~polygonal)[:20]:
        problems.append(Problem(name, None, f"geometry (entité n° {i + 1}, {codes.iloc[i]})",
                                "un polygone", "vide" if empty[i] else
                                shapely.get_type_id(geoms[i]).__str__()))
    bad_code = ~codes.str.fullmatch(r"Q[A-Z0-9]{5,8}")
    for i in np.flatnonzero(bad_code.to_numpy())[:20]:
        problems.append(Problem(name, None, f"{code_col} (entité n° {i + 1})",
                                "un code QPV (ex. QN05901M, QP059001)", repr(codes.iloc[i])))
    if problems:
        raise InputFileError(problems)
    gdf = gdf.to_crs(L93)
    frame = gpd.GeoDataFrame({
        "code": codes.to_numpy(),
        "nom": gdf[name_col].astype(str).str.strip().to_numpy(),
        "commune": (gdf[com_col].astype(str).str.strip().str.zfill(5).to_numpy()
                    if com_col else ""),
    }, geometry=shapely.make_valid(gdf.geometry.to_numpy()), crs=L93)
    grouped = frame.groupby("code", sort=True)
    qpv = gpd.GeoDataFrame({
        "code": list(grouped.groups),
        "nom": grouped["nom"].first().to_numpy(),
        "communes": grouped["commune"].apply(lambda s: ",".join(sorted(set(s) - {""})))
        .to_numpy(),
    }, geometry=grouped["geometry"].apply(lambda s: shapely.union_all(s.to_numpy()))
        .to_numpy(), crs=L93)
    vintage = "2024" if code_col == "code_qp" else "2015"
    meta = {"label": f"ANCT, contours des quartiers prioritaires (liste {vintage})",
            "vintage": vintage, "sha256": file_sha256(data), "path": str(path)}
    return qpv, meta


#: The three-character département field of a QPV code (2015 ``QP059001``, 2024
#: ``QN05901M``): ``0`` + a metropolitan département (``059``, ``02A``) or an overseas one
#: (``971``…``976``, and the overseas collectivities 975, 977, 978, 984…989).
_DEP_FIELD = re.compile(r"0((?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]))|(97[1-8]|98[4-9])")


def qpv_departement(code: str, communes: str = "") -> str | None:
    """The département of a QPV: the département field of its code (characters 3 to 5:
    ``QN05901M`` → ``59``, ``QP02A001`` → ``2A``, ``QP971005`` → ``971``), compared exactly
    — never a prefix, so Aube's ``QN010…`` and Aude's ``QN011…`` are not Ain's (``QN001…``).
    When the code has no such field, the département of its communes (comma-separated INSEE
    codes) if they all agree; otherwise ``None``."""
    m = _DEP_FIELD.fullmatch(code.strip().upper()[2:5])
    if m:
        return m.group(1) or m.group(2)
    deps = {departement_of_commune(c) for c in communes.split(",") if c.strip()}
    return deps.pop() if len(deps) == 1 else None


def population_in_qpv(areas: gpd.GeoDataFrame, qpv: gpd.GeoDataFrame) -> np.ndarray:
    """Population of each area living in a QPV, by areal weighting.

    ``areas`` has ``population`` (float, NaN when unknown) and polygons; both layers in the
    same projected CRS. Returns NaN where the population is unknown.
    """
    pop = areas["population"].to_numpy(dtype=float)
    if qpv.empty:
        return np.where(np.isnan(pop), np.nan, 0.0)
    union = shapely.union_all(qpv.geometry.to_numpy())
    geoms = areas.geometry.to_numpy()
    area = shapely.area(geoms)
    inside = shapely.area(shapely.intersection(geoms, union))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(area > 0, np.clip(inside / area, 0.0, 1.0), 0.0)
    return pop * share
