"""Fallback access times: straight line to the nearest town hall ("à vol d'oiseau").

Used by ``sdaasp zones`` only when no accessibility run is available. Time = distance ×
detour factor / speed, from each unit's representative point (a point inside the polygon)
to the nearest ``MAIRIE``; labelled "approximation à vol d'oiseau" wherever it is shown.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

LABEL = "approximation à vol d'oiseau (mairie la plus proche)"


def crowfly_access(units: gpd.GeoDataFrame, mairies: gpd.GeoDataFrame, *,
                   speed_kmh: float, detour: float) -> pd.DataFrame:
    """Per-unit access table (columns of :data:`sdaasp.needs.method.ACCESS_COLUMNS`),
    type ``MAIRIE``; both layers in the same projected CRS (metres)."""
    xy = shapely.get_coordinates(units.geometry.representative_point().to_numpy())
    targets = shapely.get_coordinates(mairies.geometry.to_numpy())
    if len(targets):
        dist, _ = cKDTree(targets).query(xy, k=1)
        minutes = dist * detour / (speed_kmh * 1000.0 / 60.0)
    else:
        minutes = np.full(len(units), np.nan)
    is_iris = (units["level"] == "iris").to_numpy()
    return pd.DataFrame({
        "origin_id": units["unit_code"].to_numpy(),
        "commune_code": units["commune_code"].to_numpy(),
        "iris_code": np.where(is_iris, units["unit_code"].to_numpy(), None),
        "population": units["population"].to_numpy(dtype=float),
        "type_code": "MAIRIE",
        "minutes": minutes,
    })
