"""The long access table the zones method takes (:func:`sdaasp.needs.priority_zones`), and the
record of how it was made.

One row per (origin, type): ``origin_id``, ``commune_code``, ``iris_code``, ``population``,
``type_code``, ``minutes`` — ``nan`` not known (origin not placed, no service of the type),
``inf`` placed but unreachable, as everywhere in sdaasp.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sdaasp.access.diagnostic import frame_hash
from sdaasp.access.indicators import NearestByType
from sdaasp.travel.base import TravelModel

ACCESS_COLUMNS = ("origin_id", "commune_code", "iris_code", "population", "type_code",
                  "minutes")


def access_table(origins: pd.DataFrame, nearest: NearestByType) -> pd.DataFrame:
    """Long table of the times of :func:`~sdaasp.access.nearest_by_type` for ``origins``
    (the same origins, in the same order; ``iris_code`` is ``None`` where absent)."""
    n, t = nearest.minutes.shape
    if n != len(origins):
        raise ValueError(f"{len(origins)} origins for {n} rows of times")
    ids = origins["origin_id"].to_numpy()
    if nearest.origin_ids is not None and not np.array_equal(nearest.origin_ids, ids):
        raise ValueError("the times were computed for other origins (or in another order)")
    iris = origins["iris_code"].to_numpy(dtype=object) if "iris_code" in origins \
        else np.full(n, None, dtype=object)
    return pd.DataFrame({
        "origin_id": np.repeat(ids, t),
        "commune_code": np.repeat(origins["commune_code"].to_numpy(), t),
        "iris_code": np.repeat(iris, t),
        "population": np.repeat(origins["population"].to_numpy(dtype=float), t),
        "type_code": np.tile(np.asarray(nearest.types, dtype=object), n),
        "minutes": nearest.minutes.ravel().astype(float),
    }, columns=list(ACCESS_COLUMNS))


def _origins_words(origins: pd.DataFrame | None) -> str:
    """« depuis la mairie (623 communes), un point intérieur (24 communes) » (short: the
    label is stored in 300 characters)."""
    if origins is None or "placement" not in origins:
        return "depuis un point de chaque zone"
    words = {"chef-lieu": "la mairie ({n} communes)", "iris": "un point de chaque IRIS ({n})",
             "centre-carreaux": "le centre des carreaux habités ({n} communes)",
             "carreau-proche": "un carreau habité ({n} communes)",
             "point-representatif": "un point intérieur ({n} communes)"}
    counts = origins["placement"].astype(str).value_counts()
    parts = [words.get(str(k), "un point de chaque zone ({n})").format(n=v)
             for k, v in counts.items()]
    return "depuis " + ", ".join(parts)


def access_method_label(model: TravelModel, origins: pd.DataFrame | None = None) -> str:
    """French description of how the times were computed, shown with a zones run; with the
    ``origins``, where they were placed."""
    d = model.describe()
    if d.get("kind") == "crowfly":
        return (f"moteur d'accessibilité sdaasp, {d.get('label')} (vitesse selon la distance "
                f"et la densité des communes de départ et d'arrivée, calibrage "
                f"{d.get('calibration') or 'manuel'}), {_origins_words(origins)}")
    return (f"moteur d'accessibilité sdaasp, modèle {d.get('kind')} ({d.get('source', '')}), "
            f"{_origins_words(origins)}")


def offer_record(services: pd.DataFrame, model: TravelModel) -> dict[str, object]:
    """The inputs' record of the offer used (counts by type, content hash, travel model)."""
    counts = services["type_code"].value_counts().to_dict()
    source = ("points de service (offre) : " + ", ".join(
        f"{k} {v}" for k, v in sorted(counts.items()))) if counts else "aucun point de service"
    return {"type": "offre", "source": source,
            "sha256": frame_hash(services) if len(services) else "",
            "deplacement": model.describe()}
