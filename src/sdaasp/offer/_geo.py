"""Where points fall: inside France at all, inside the territory or near it, in which commune."""

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

#: The longest access-time threshold of the diagnostics, in minutes (the last of
#: ``sdaasp.access.THRESHOLDS``; a test keeps the two equal).
LONGEST_THRESHOLD_MIN = 30
#: A long-distance road speed, as the crow flies (km/h): what a car covers in a straight line
#: on main roads outside towns, detours included. Deliberately generous: a service the border
#: buffer leaves out can never be within the longest threshold.
LONG_DISTANCE_SPEED_KMH = 60.0
#: Default border buffer (metres): services of neighbouring départements (or countries) this
#: close to the département are kept as destinations. 30 min at 60 km/h = 30 km.
DEFAULT_BUFFER_M = LONGEST_THRESHOLD_MIN / 60 * LONG_DISTANCE_SPEED_KMH * 1000


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


def outline(geometries: np.ndarray) -> shapely.Geometry:
    """The union of a territory's commune polygons (repaired first: one invalid polygon
    must not break the union)."""
    geoms = np.asarray(geometries, dtype=object)
    return shapely.union_all(shapely.make_valid(geoms))


def within_distance(shape: shapely.Geometry, x: np.ndarray, y: np.ndarray,
                    distance_m: float) -> np.ndarray:
    """Boolean mask: the point is at most ``distance_m`` from ``shape`` (exact distance, same
    projected CRS; NaN is never within). A bounding-box test first keeps national files fast."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    out = np.zeros(len(x), dtype=bool)
    if len(x) == 0 or shape is None or shape.is_empty:
        return out
    minx, miny, maxx, maxy = shape.bounds
    with np.errstate(invalid="ignore"):
        cand = np.flatnonzero((x >= minx - distance_m) & (x <= maxx + distance_m)
                              & (y >= miny - distance_m) & (y <= maxy + distance_m))
    if len(cand):
        shapely.prepare(shape)
        out[cand] = shapely.dwithin(shape, shapely.points(x[cand], y[cand]), distance_m)
    return out
