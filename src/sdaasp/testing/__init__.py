"""Small SYNTHETIC territories and service tables for tests and benchmarks.

Everything here is invented (labelled « synthétique » in every name and source field): it
must never be shown to users as real data.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sdaasp.territory.build import Territory

SYNTHETIC = "synthétique (données inventées pour les tests)"


def synthetic_territory(nx: int = 4, ny: int = 3, *, commune_m: float = 4000.0,
                        seed: int = 0, x0: float = 700_000.0, y0: float = 7_000_000.0
                        ) -> Territory:
    """A grid of ``nx × ny`` square communes (Lambert-93 coordinates, code ``"99"``).

    EPCI: one per column pair; SCoT: west and east halves. Populations are random (one
    commune has 0 inhabitants, one is unknown) to exercise edge cases.
    """
    rng = np.random.default_rng(seed)
    n = nx * ny
    gi, gj = np.meshgrid(np.arange(nx), np.arange(ny), indexing="xy")
    i, j = gi.ravel(), gj.ravel()
    geoms = shapely.box(x0 + i * commune_m, y0 + j * commune_m,
                        x0 + (i + 1) * commune_m, y0 + (j + 1) * commune_m)
    pop = rng.integers(50, 20_000, n).astype("float")
    pop[0] = 0.0
    if n > 2:
        pop[n - 1] = np.nan
    codes = [f"99{k:03d}" for k in range(1, n + 1)]
    epci = [f"2000000{c // 2:02d}" for c in i]
    scot = ["S1" if c < nx / 2 else "S2" for c in i]
    communes = gpd.GeoDataFrame({
        "code": codes, "nom": [f"Commune synthétique {k}" for k in range(1, n + 1)],
        "population": pd.array(np.round(pop), dtype="Int64"),
        "epci_code": pd.array(epci, dtype="string"), "scot_code": pd.array(scot, dtype="string"),
    }, geometry=list(geoms), crs=2154)

    def dissolve(key: str) -> gpd.GeoDataFrame:
        g = communes.dissolve(by=key, aggfunc={"population": "sum", "code": "count"})
        g = g.rename(columns={"code": "communes"}).reset_index().rename(columns={key: "code"})
        g["nom"] = g["code"].map(lambda c: f"{key[:-5].upper()} synthétique {c}")
        return g

    e = dissolve("epci_code")
    e["nature"] = "CC"
    e["scot_code"] = e["code"].map(dict(zip(epci, scot, strict=True)))
    s = dissolve("scot_code")
    centres = shapely.centroid(geoms)
    mairies = gpd.GeoDataFrame({
        "commune_code": codes, "nom": [f"Mairie synthétique {k}" for k in range(1, n + 1)],
        "adresse": "", "accessibilite": "", "horaires": "[]", "email": "", "telephone": "",
        "site": "",
    }, geometry=list(centres), crs=2154)
    return Territory(
        departement={"code": "99", "nom": "Territoire synthétique", "crs": 2154,
                     "source": SYNTHETIC},
        communes=communes, epci=e, scot=s, mairies=mairies, grouping=None,
    )


def synthetic_services(territory: Territory, types: Sequence[str], *, per_type: int = 3,
                       seed: int = 0, capacity: bool = True) -> pd.DataFrame:
    """Random service points inside the territory's bounds, ``per_type`` of each type."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = territory.communes.total_bounds
    n = per_type * len(types)
    x = rng.uniform(xmin, xmax, n)
    y = rng.uniform(ymin, ymax, n)
    return pd.DataFrame({
        "point_id": [f"SYN-{k:05d}" for k in range(n)],
        "type_code": np.repeat(np.asarray(types, dtype=object), per_type),
        "nom": [f"Service synthétique {k}" for k in range(n)],
        "x": x, "y": y,
        "capacity": rng.integers(1, 10, n).astype(float) if capacity else np.nan,
        "commune_code": None, "approximate": False, "source": SYNTHETIC,
    })


def mairie_services(territory: Territory) -> pd.DataFrame:
    """The territory's town halls as a services table of type ``MAIRIE`` (the core's one
    convention, :func:`sdaasp.territory.town_hall_points`)."""
    from sdaasp.territory import town_hall_points

    return town_hall_points(territory)


def synthetic_points(n: int, *, extent_m: float = 1_000_000.0, seed: int = 0,
                     clustered: bool = True) -> np.ndarray:
    """``n`` synthetic points in a square of ``extent_m`` (Lambert-93-like), clustered around
    random towns when ``clustered`` (as population is)."""
    rng = np.random.default_rng(seed)
    base = np.array([100_000.0, 6_100_000.0])
    if not clustered:
        return base + rng.uniform(0, extent_m, (n, 2))
    towns = rng.uniform(0, extent_m, (max(n // 500, 1), 2))
    pick = rng.integers(0, towns.shape[0], n)
    pts = towns[pick] + rng.normal(0, extent_m / 200, (n, 2))
    return base + np.clip(pts, 0, extent_m)
