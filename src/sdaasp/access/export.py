"""Exports of a diagnostic for QGIS (GeoPackage) and spreadsheets (CSV).

GeoPackage layers: ``origines`` (points, one column of minutes per type), and one polygon
layer per level (``communes``, ``epci``, ``scot``) with one row per (zone, type). CSV: the
summaries table (``;`` separator, decimal comma, UTF-8 with BOM, as the territory exports).
Files are written under a temporary name then renamed: a failed export leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp._files import atomic_write
from sdaasp.access.diagnostic import DiagnosticResult
from sdaasp.territory.build import Territory

LEVEL_LAYERS = {"commune": "communes", "epci": "epci", "scot": "scot"}


def origins_layer(result: DiagnosticResult, crs: object) -> gpd.GeoDataFrame:
    o = result.origins
    cols = {f"min_{t}": np.round(result.nearest.minutes[:, j].astype(float), 2)
            for j, t in enumerate(result.nearest.types)}
    data = pd.concat([o.drop(columns=["x", "y"]).reset_index(drop=True),
                      pd.DataFrame(cols)], axis=1)
    data = data.replace([np.inf], 9999.0)  # GeoPackage/QGIS: 9999 = no reachable service
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(o["x"], o["y"]), crs=crs)


def level_layer(result: DiagnosticResult, territory: Territory, level: str) -> gpd.GeoDataFrame:
    zones = {"commune": territory.communes, "epci": territory.epci, "scot": territory.scot}[level]
    s = result.summaries[result.summaries["niveau"] == level].drop(columns="niveau")
    merged = zones[["code", "nom", "geometry"]].merge(s, on="code", how="inner")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=zones.crs)


def export_gpkg(result: DiagnosticResult, territory: Territory, output: str | Path) -> Path:
    crs = territory.communes.crs

    def write(tmp: Path) -> None:
        origins_layer(result, crs).to_file(tmp, layer="origines", driver="GPKG", engine="pyogrio")
        for level, name in LEVEL_LAYERS.items():
            layer = level_layer(result, territory, level)
            if len(layer):
                layer.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")

    return atomic_write(Path(output), write)


def export_csv(result: DiagnosticResult, output: str | Path) -> Path:
    table = result.summaries.replace([np.inf], np.nan)

    def write(tmp: Path) -> None:
        table.to_csv(tmp, sep=";", decimal=",", index=False, encoding="utf-8-sig")

    return atomic_write(Path(output), write)
