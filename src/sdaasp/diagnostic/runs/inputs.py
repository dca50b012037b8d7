"""Service points for a diagnostic, read from the database.

Uses the offer app's ``service_points_frame(departement_code, types)`` when it is installed
(same column contract as :data:`sdaasp.access.SERVICE_COLUMNS`); otherwise falls back to the
territory's town halls (type ``MAIRIE``), which are always there. Town halls have ONE id
convention, the core's (:func:`sdaasp.territory.mairie_points`: ``mairie:<commune code>``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import pandas as pd

from sdaasp.access import SERVICE_COLUMNS
from sdaasp.diagnostic.territory.loading import saved_town_halls
from sdaasp.diagnostic.territory.models import Departement


def town_halls(departement_code: str) -> pd.DataFrame:
    """The saved town halls of a département as service points (type ``MAIRIE``)."""
    return saved_town_halls(Departement.objects.get(code=departement_code))


def service_points(departement_code: str, types: Sequence[str] | None = None) -> pd.DataFrame:
    """Service points of a département, restricted to ``types`` when given."""
    try:
        offer = importlib.import_module("sdaasp.diagnostic.offer.services")
    except ModuleNotFoundError:
        offer = None
    frames = []
    if offer is not None and hasattr(offer, "service_points_frame"):
        frames.append(offer.service_points_frame(departement_code, types))
    has_mairie = any((f["type_code"] == "MAIRIE").any() for f in frames if len(f))
    if not has_mairie and (types is None or "MAIRIE" in types):
        frames.append(town_halls(departement_code))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=list(SERVICE_COLUMNS))
    if types is not None:
        out = out[out["type_code"].isin(list(types))]
    return out.reset_index(drop=True)
