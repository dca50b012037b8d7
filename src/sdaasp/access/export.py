"""Exports of a diagnostic for QGIS (GeoPackage) and spreadsheets (CSV).

GeoPackage layers: ``origines`` (points, one column of minutes per type; written when asked,
it is by far the largest layer with grid origins), and one polygon layer per level
(``communes``, ``epci``, ``scot``) with one row per (zone, type). CSV: the summaries table
(``;`` separator, decimal comma, UTF-8 with BOM, as the territory exports). The rows of a
commune say where its origins were placed (``placement_origine``, ``motif_placement``).
Files are written under a temporary name then renamed: a failed export leaves nothing behind.

Missing is not zero, and the two kinds of missing stay apart in both formats:

- CSV: a cell holds a number, « inaccessible » (``inf``: placed, no service reachable) or
  « non disponible » (``nan``: not known — origin not placed, no data, no service of the type);
- GeoPackage: a time column holds a number or NULL, and its ``statut_…`` text column says
  « calculé », « inaccessible » or « non disponible » (a QGIS user filters or styles on it).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp._files import atomic_write
from sdaasp.access.diagnostic import DiagnosticResult
from sdaasp.access.indicators import INACCESSIBLE, NON_DISPONIBLE, time_status
from sdaasp.territory.build import Territory

LEVEL_LAYERS = {"commune": "communes", "epci": "epci", "scot": "scot"}
#: Time columns of the level layers that get a ``statut_…`` column.
LEVEL_TIME_COLUMNS = ("moyenne_min", "p10_min", "p50_min", "p90_min")


def _number_or_null(values: np.ndarray, decimals: int | None = None) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    v = np.where(np.isfinite(v), v, np.nan)
    return np.round(v, decimals) if decimals is not None else v


def origins_layer(result: DiagnosticResult, crs: object) -> gpd.GeoDataFrame:
    """One point per origin; per type ``min_<T>`` (NULL unless calculated) and
    ``statut_<T>``."""
    o = result.origins
    cols: dict[str, np.ndarray] = {}
    for j, t in enumerate(result.nearest.types):
        minutes = result.nearest.minutes[:, j]
        cols[f"min_{t}"] = _number_or_null(minutes, 2)
        cols[f"statut_{t}"] = time_status(minutes)
    data = pd.concat([o.drop(columns=["x", "y"]).reset_index(drop=True),
                      pd.DataFrame(cols)], axis=1)
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(o["x"], o["y"]), crs=crs)


def commune_placement(result: DiagnosticResult) -> pd.DataFrame:
    """Per commune: the placement codes of its origins (``placement_origine``, e.g.
    ``chef-lieu``; see :data:`sdaasp.access.placement.PLACEMENT_LABELS`) and why it was not
    placed as asked (``motif_placement``, empty otherwise). Empty for origins made elsewhere."""
    o = result.origins
    if "placement" not in o:
        return pd.DataFrame(columns=["placement_origine", "motif_placement"])
    motif = o["placement_motif"] if "placement_motif" in o else pd.Series("", index=o.index)
    d = pd.DataFrame({"code": o["commune_code"].astype(str), "p": o["placement"].astype(str),
                      "m": motif.astype(str)}).drop_duplicates()
    g = d.groupby("code")
    return pd.DataFrame({
        "placement_origine": g["p"].agg(lambda s: ", ".join(sorted(set(s)))),
        "motif_placement": g["m"].agg(lambda s: " ; ".join(sorted(set(s) - {""}))),
    })


def _with_placement(summaries: pd.DataFrame, result: DiagnosticResult) -> pd.DataFrame:
    """The summaries with the placement columns filled on the commune rows."""
    p = commune_placement(result)
    out = summaries.copy()
    com = (out["niveau"] == "commune").to_numpy() if "niveau" in out else np.ones(len(out), bool)
    codes = out["code"].astype(str).to_numpy()
    for c in p.columns:
        value = p[c].to_dict()
        out[c] = np.array([value.get(k, "") if here else "" for k, here in zip(
            codes, com, strict=True)], dtype=object)
    return out


def level_layer(result: DiagnosticResult, territory: Territory, level: str) -> gpd.GeoDataFrame:
    """One row per (zone, type) of ``level``; infinite values are NULL, and each time column
    has its ``statut_…`` column."""
    zones = {"commune": territory.communes, "epci": territory.epci, "scot": territory.scot}[level]
    s = result.summaries[result.summaries["niveau"] == level].drop(columns="niveau")
    s = _with_placement(s, result) if level == "commune" else s.copy()
    for c in LEVEL_TIME_COLUMNS:
        if c in s:
            s[f"statut_{c}"] = time_status(s[c].to_numpy(dtype=float))
    for c in s.columns[s.dtypes.map(lambda d: d.kind == "f").to_numpy()]:
        s[c] = _number_or_null(s[c].to_numpy())
    merged = zones[["code", "nom", "geometry"]].merge(s, on="code", how="inner")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=zones.crs)


def export_gpkg(result: DiagnosticResult, territory: Territory, output: str | Path, *,
                origins: bool = True) -> Path:
    """The GeoPackage: the level layers, and the ``origines`` layer when ``origins``."""
    crs = territory.communes.crs

    def write(tmp: Path) -> None:
        if origins:
            origins_layer(result, crs).to_file(tmp, layer="origines", driver="GPKG",
                                               engine="pyogrio")
        for level, name in LEVEL_LAYERS.items():
            layer = level_layer(result, territory, level)
            if len(layer):
                layer.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")

    return atomic_write(Path(output), write)


def words_for_missing(table: pd.DataFrame) -> pd.DataFrame:
    """Float columns as text for a French CSV: decimal comma, « inaccessible » for ``inf``,
    « non disponible » for ``nan``."""
    out = table.copy()
    for c in out.columns[out.dtypes.map(lambda d: d.kind == "f").to_numpy()]:
        v = out[c].to_numpy(dtype=np.float64)
        text = pd.Series(v, index=out.index).astype(str).str.replace(".", ",", regex=False)
        out[c] = np.where(np.isnan(v), NON_DISPONIBLE,
                          np.where(np.isinf(v), INACCESSIBLE, text.to_numpy(dtype=object)))
    return out


def export_csv(result: DiagnosticResult, output: str | Path) -> Path:
    table = words_for_missing(_with_placement(result.summaries, result))

    def write(tmp: Path) -> None:
        table.to_csv(tmp, sep=";", index=False, encoding="utf-8-sig")

    return atomic_write(Path(output), write)
