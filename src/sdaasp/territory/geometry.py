"""Geometry helpers shared by the territory, exports and the web map."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from sdaasp.territory.crs import WGS84


def web_geojson(geoms: gpd.GeoSeries, *, tolerance_m: float = 40.0) -> list[str]:
    """Simplified WGS84 GeoJSON geometries (5 decimals ≈ 1 m) for a light web map.

    Simplification runs in the projected CRS so that the tolerance is in metres; topology is
    preserved per geometry (shared borders may differ by up to ``tolerance_m``).
    """
    simplified = geoms.simplify(tolerance_m, preserve_topology=True).to_crs(WGS84)
    arr = simplified.to_numpy()
    coords = shapely.get_coordinates(arr)
    arr = shapely.set_coordinates(arr.copy(), np.round(coords, 5))
    return [shapely.to_geojson(g) for g in arr]


def representative_xy(geoms: gpd.GeoSeries) -> np.ndarray:
    """A point inside each polygon (not the centroid, which may fall outside)."""
    return shapely.get_coordinates(geoms.representative_point().to_numpy())
