"""Where points fall: inside France at all, inside the territory, in which commune."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from sdaasp.territory.crs import WGS84

#: Generous lon/lat boxes of metropolitan France (with Corsica) and the five overseas
#: départements; a point outside all of them is badly geocoded (e.g. in the ocean).
FRANCE_BOXES = np.array([
    (-5.8, 41.2, 10.0, 51.3),    # metropolitan France and Corsica
    (-62.0, 15.7, -60.8, 16.6),  # Guadeloupe
    (-61.3, 14.3, -60.7, 15.0),  # Martinique
    (-54.7, 2.0, -51.5, 6.0),    # Guyane
    (55.1, -21.5, 55.9, -20.8),  # La Réunion
    (44.9, -13.1, 45.4, -12.5),  # Mayotte
])

#: A point further than this from the territory is "outside" (GPS and geocoding noise).
TOLERANCE_M = 500.0


def in_france(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Boolean mask: inside one of :data:`FRANCE_BOXES` (NaN is outside)."""
    lon = np.asarray(lon, dtype=float)[:, None]
    lat = np.asarray(lat, dtype=float)[:, None]
    b = FRANCE_BOXES
    inside = (lon >= b[:, 0]) & (lat >= b[:, 1]) & (lon <= b[:, 2]) & (lat <= b[:, 3])
    return np.asarray(inside.any(axis=1))


def transform(x: np.ndarray, y: np.ndarray, src: int | str, dst: int | str
              ) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised coordinate transformation (always x/lon first)."""
    if src == dst:
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    tr = pyproj.Transformer.from_crs(src, dst, always_xy=True)
    xx, yy = tr.transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(xx, dtype=float), np.asarray(yy, dtype=float)


def to_lonlat(x: np.ndarray, y: np.ndarray, crs: int) -> tuple[np.ndarray, np.ndarray]:
    return transform(x, y, crs, WGS84)


def locate_communes(x: np.ndarray, y: np.ndarray, communes: gpd.GeoDataFrame,
                    *, tolerance_m: float = TOLERANCE_M) -> np.ndarray:
    """Code of the commune containing each point (or the nearest one within ``tolerance_m``);
    ``None`` when the point is outside the territory."""
    n = len(x)
    out = np.full(n, None, dtype=object)
    if n == 0 or communes.empty:
        return out
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    finite = np.flatnonzero(np.isfinite(x) & np.isfinite(y))
    pts = shapely.points(x[finite], y[finite])
    geoms = communes.geometry.to_numpy()
    codes = communes["code"].astype(str).to_numpy()
    tree = shapely.STRtree(geoms)
    pi, gi = tree.query(pts, predicate="intersects")
    found = np.full(len(finite), None, dtype=object)
    found[pi] = codes[gi]  # a point on a shared border takes one of its communes
    missing = np.flatnonzero(pd.isna(found))
    if len(missing):
        qi, qg = tree.query_nearest(pts[missing], max_distance=tolerance_m)
        found[missing[qi]] = codes[qg]
    out[finite] = found
    return out
