"""Importers of the service-offer files: validate the whole file, then return a table.

Every importer reads one official (or documented) format and returns an :class:`ImportResult`
whose ``points`` table follows the service-points contract (:data:`POINT_COLUMNS`, Lambert-93 or
the territory's CRS). A file with any problem is refused once with every problem listed
(:class:`~sdaasp.errors.InputFileError`); points badly geocoded or outside the territory are
excluded and reported by name, or refuse the import with ``strict=True``.

Services beyond the border are destinations too: points of neighbouring départements (or
countries) within :attr:`ImportArea.buffer_m` of the département are kept with
``hors_departement=True`` (their commune when the file gives it, else ``None``); they are
never counted in the département's own inventory.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from sdaasp.errors import InputFileError, Problem, SdaaspError
from sdaasp.offer import _geo
from sdaasp.offer._geo import DEFAULT_BUFFER_M
from sdaasp.territory.crs import LAMBERT_93, WGS84, crs_for_departement

#: The service-points contract shared with the other domains (travel, access).
POINT_COLUMNS = ["point_id", "type_code", "nom", "x", "y", "capacity", "commune_code",
                 "approximate", "source"]
#: Optional column of an importer's candidates: the département a row declares when it has no
#: commune code (the MSAP's address postcode); never in the output.
DEPARTEMENT_COLUMN = "departement_declare"
#: Flag of the points kept beyond the border (destinations, not the département's own offer).
BORDER_COLUMN = "hors_departement"
#: Descriptive columns the importers add after the contract ones.
EXTRA_COLUMNS = [BORDER_COLUMN, "lon", "lat", "adresse", "operateur", "itinerant", "telephone",
                 "email", "horaires", "horaires_texte", "hours_per_week", "days_open",
                 "saturday_open", "evening_open", "hours_approximate"]

SOURCES = ("bpe", "france-services", "msap", "csv", "geojson")


@dataclass(frozen=True)
class ImportArea:
    """The territory an import is for: its communes (``code``, ``geometry``, optional
    representative ``x``/``y``) in its projected CRS, and the border buffer (metres) within
    which services outside it are kept as destinations (default
    :data:`~sdaasp.offer._geo.DEFAULT_BUFFER_M`, what the longest threshold can reach; 0 keeps
    the département's own points only)."""

    departement: str
    communes: gpd.GeoDataFrame
    crs: int
    buffer_m: float = DEFAULT_BUFFER_M

    def __post_init__(self) -> None:
        b = self.buffer_m
        if not isinstance(b, numbers.Real) or isinstance(b, bool) or not np.isfinite(b) \
                or b < 0:
            raise SdaaspError(f"Zone tampon invalide : « {b} » (attendu : une distance en "
                              "mètres, positive ou nulle).")

    @classmethod
    def from_territory(cls, territory: object, *,
                       buffer_m: float = DEFAULT_BUFFER_M) -> ImportArea:
        """From a :class:`sdaasp.territory.Territory`."""
        com = territory.communes  # type: ignore[attr-defined]
        return cls(departement=territory.code, communes=com,  # type: ignore[attr-defined]
                   crs=int(territory.departement["crs"]),  # type: ignore[attr-defined]
                   buffer_m=buffer_m)

    @cached_property
    def outline(self) -> shapely.Geometry:
        """The département's polygon (union of its communes)."""
        return _geo.outline(self.communes.geometry.to_numpy())

    @cached_property
    def buffered(self) -> shapely.Geometry:
        """The département and its border buffer, as one polygon (e.g. to clip a road
        network so that it reaches the services kept beyond the border)."""
        return self.outline.buffer(self.buffer_m) if self.buffer_m else self.outline

    def within_buffer(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Boolean mask: the point (area CRS) is in the département or within
        :attr:`buffer_m` of it, by exact distance to :attr:`outline`."""
        return _geo.within_distance(self.outline, x, y, self.buffer_m)

    def within_buffer_lonlat(self, lon: np.ndarray, lat: np.ndarray,
                             src: int = WGS84) -> np.ndarray:
        """:meth:`within_buffer` for coordinates in ``src`` (WGS84 lon/lat by default)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        out = np.zeros(len(lon), dtype=bool)
        ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        if len(ok):
            x, y = _geo.transform(lon[ok], lat[ok], src, self.crs)
            out[ok] = self.within_buffer(x, y)
        return out

    @property
    def buffer_km(self) -> str:
        """The buffer in km, for messages (« 30 », « 12,5 »)."""
        return km_label(self.buffer_m)

    def representative_points(self) -> pd.DataFrame:
        """``x``, ``y`` per commune code (a point inside each commune)."""
        com = self.communes
        if {"x", "y"} <= set(com.columns):
            xy = com[["x", "y"]].to_numpy(dtype=float)
        else:
            xy = np.asarray([(p.x, p.y) for p in com.geometry.representative_point()])
        return pd.DataFrame(xy, index=com["code"].astype(str), columns=["x", "y"])


def km_label(metres: float) -> str:
    """A distance in km the French way, for messages: 30000 → « 30 », 12500 → « 12,5 »."""
    return f"{metres / 1000:.1f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass
class ImportResult:
    """What an importer found: the points kept and everything the user should know."""

    source: str
    file_name: str
    sha256: str
    year: int | None
    dataset: str
    points: pd.DataFrame
    rows_read: int
    excluded: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    other_departements: int = 0
    #: The border buffer of the import (metres); ``None`` without an area.
    buffer_m: float | None = None

    @property
    def border_points(self) -> int:
        """Points kept beyond the border (destinations, not the département's own offer)."""
        if BORDER_COLUMN not in self.points.columns:
            return 0
        return int(self.points[BORDER_COLUMN].astype(bool).sum())

    def summary(self) -> str:
        """French summary for the CLI."""
        own = len(self.points) - self.border_points
        lines = [f"{self.file_name} ({self.source}"
                 + (f", millésime {self.year}" if self.year else "") + ") : "
                 f"{self.rows_read} ligne(s) lue(s), {len(self.points)} point(s) retenu(s)"]
        if self.buffer_m is not None:
            lines.append(f"  dont {own} dans le département et {self.border_points} hors "
                         "département conservé(s) comme destinations (zone tampon de "
                         f"{km_label(self.buffer_m)} km autour du département ; jamais "
                         "comptés dans son inventaire)")
        if self.other_departements:
            lines.append(f"  {self.other_departements} ligne(s) d'autres départements ignorée(s)"
                         + (" (au-delà de la zone tampon ou sans position)"
                            if self.buffer_m else ""))
        if self.excluded:
            lines.append(f"  {len(self.excluded)} point(s) exclu(s) :")
            lines += [f"    - {p}" for p in self.excluded[:20]]
            if len(self.excluded) > 20:
                lines.append(f"    … et {len(self.excluded) - 20} autre(s).")
        if self.warnings:
            lines.append(f"  {len(self.warnings)} avertissement(s) :")
            lines += [f"    - {p}" for p in self.warnings[:20]]
            if len(self.warnings) > 20:
                lines.append(f"    … et {len(self.warnings) - 20} autre(s).")
        return "\n".join(lines)


def empty_points() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in POINT_COLUMNS + EXTRA_COLUMNS})


def finish(candidates: pd.DataFrame, *, file_name: str, area: ImportArea | None,
           strict: bool, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Shared last stage of every importer: check locations, fill communes, apply ``strict``.

    ``candidates`` has the contract and extra columns, ``x``/``y`` in the area's CRS (NaN
    when unknown), ``lon``/``lat`` (NaN when unknown), ``commune_code`` as declared by the
    file (``None`` when not given) and ``line`` (line or feature number for messages).

    With an area, a point is the département's own when its position is in the territory
    (within :data:`~sdaasp.offer._geo.TOLERANCE_M`) and its declared commune, if any, is of
    the département; a point outside (or declared in another département's commune) but
    within the area's buffer is kept with ``hors_departement=True``; a point declared in one
    of the département's communes but placed outside it contradicts itself and is excluded,
    as is a point beyond the buffer or abroad. Returns the kept points and the exclusions.
    """
    df = candidates.reset_index(drop=True).copy()
    crs = area.crs if area else LAMBERT_93
    x, y, lon, lat = _positions(df, crs)
    has_xy = np.isfinite(x) & np.isfinite(y)
    has_ll = np.isfinite(lon) & np.isfinite(lat)
    france = _geo.in_france(lon, lat)
    near = np.zeros(len(df), dtype=bool)  # foreign points within the buffer are kept
    if area is not None:
        near[~france] = area.within_buffer(x[~france], y[~france])
    abroad = (has_xy | has_ll) & ~france & ~near
    where = (f"en France ou à moins de {area.buffer_km} km du département {area.departement}"
             if area is not None and area.buffer_m else "en France")
    excluded = [_exclusion(file_name, df, int(i), f"un point situé {where}",
                           "mal géocodé, exclu") for i in np.flatnonzero(abroad)]
    drop = abroad.copy()
    border = np.zeros(len(df), dtype=bool)
    if area is not None:
        placed = _place(df, area, has_xy & ~abroad)
        border = placed.border
        for i in np.flatnonzero(placed.outside):
            excluded.append(_exclusion(
                file_name, df, int(i), f"un point dans le territoire du département "
                f"{area.departement}" + (f" ou à moins de {area.buffer_km} km de ses limites"
                                         if area.buffer_m else ""), "hors territoire, exclu"))
        for i in np.flatnonzero(placed.conflict):
            code = placed.declared[i]
            excluded.append(_exclusion(
                file_name, df, int(i), f"un point dans le département {area.departement}, "
                + (f"dans la commune {code} " if code else "") + "comme le déclare le fichier",
                f"hors du département : position ou {'commune' if code else 'adresse'} "
                "erronée, exclu"))
        drop |= placed.outside | placed.conflict
        _place_without_xy(df, area, ~has_xy & placed.known_declared, crs)
        lost = ~has_xy & ~placed.known_declared
    else:
        lost = ~has_xy & ~has_ll
    for i in np.flatnonzero(lost):
        code = candidates["commune_code"].iloc[i]
        found = (f"« {df.at[i, 'nom']!s} » sans coordonnées, commune {code} absente du "
                 "territoire (commune fusionnée ou d'un autre département ?) (exclu)"
                 if area is not None and code is not None and not pd.isna(code)
                 else f"« {df.at[i, 'nom']!s} » sans coordonnées ni commune connue (exclu)")
        excluded.append(Problem(file_name, _line(df, int(i)), "coordonnées",
                                "des coordonnées ou une commune du territoire", found))
    drop |= lost

    if strict and excluded:
        raise InputFileError(excluded, summary=(
            f"Import refusé (--strict) : {len(excluded)} point(s) hors de France, hors du "
            "territoire ou sans position ; rien n'a été enregistré."))
    df[BORDER_COLUMN] = border
    return _typed(df[~drop], source), excluded


@dataclass(frozen=True)
class _Placement:
    """Where each point of an import falls, as masks over its rows."""

    declared: np.ndarray        # declared commune code or None
    known_declared: np.ndarray  # declared commune is one of the territory's
    border: np.ndarray          # kept beyond the border
    outside: np.ndarray         # beyond the buffer: excluded
    conflict: np.ndarray        # declared in the territory, placed outside it: excluded


def _positions(df: pd.DataFrame, crs: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``x``/``y`` and ``lon``/``lat`` of every row, each filled from the other when missing
    (written back to ``df``)."""
    x, y = df["x"].to_numpy(float).copy(), df["y"].to_numpy(float).copy()
    lon, lat = df["lon"].to_numpy(float).copy(), df["lat"].to_numpy(float).copy()
    has_xy = np.isfinite(x) & np.isfinite(y)
    has_ll = np.isfinite(lon) & np.isfinite(lat)
    need = has_xy & ~has_ll
    if need.any():
        lon[need], lat[need] = _geo.to_lonlat(x[need], y[need], crs)
    need = has_ll & ~has_xy
    if need.any():
        with np.errstate(invalid="ignore"):
            x[need], y[need] = _geo.transform(lon[need], lat[need], WGS84, crs)
    df["x"], df["y"], df["lon"], df["lat"] = x, y, lon, lat
    return x, y, lon, lat


def _place(df: pd.DataFrame, area: ImportArea, ok: np.ndarray) -> _Placement:
    """Communes and border status of the points with a position (``ok``); fills
    ``df["commune_code"]`` (the declared code when the territory has it, else the located one;
    for a border point, its declared commune of another département or ``None``)."""
    n = len(df)
    loc = np.full(n, None, dtype=object)
    loc[ok] = _geo.locate_communes(df["x"].to_numpy(float)[ok], df["y"].to_numpy(float)[ok],
                                   area.communes)
    declared = _declared(df["commune_code"])
    has_decl = pd.notna(declared)
    # the département a row declares: its commune's, else the file's own (MSAP: the address);
    # computed on the distinct codes (a national BPE repeats a few thousand codes)
    codes, uniques = pd.factorize(declared)
    dep_u = np.array([departement_of_commune(u) for u in uniques] + [None], dtype=object)
    dep = dep_u[codes]  # -1 (no commune) takes the trailing None
    if DEPARTEMENT_COLUMN in df.columns:
        dep = np.where(has_decl, dep, _declared(df[DEPARTEMENT_COLUMN]))
    decl_here = dep == area.departement
    decl_other = pd.notna(dep) & ~decl_here
    inside = ok & ~pd.isna(loc) & ~decl_other
    away = ok & ~inside
    near = np.zeros(n, dtype=bool)  # tested for the points not inside only (fewer)
    near[away] = area.within_buffer(df["x"].to_numpy(float)[away],
                                    df["y"].to_numpy(float)[away])
    border = away & near & ~decl_here
    known_u = np.append(pd.Index(uniques).isin(area.communes["code"].astype(str)), False)
    known = known_u[codes]
    df["commune_code"] = np.where(known, declared, loc)
    beyond = np.full(n, None, dtype=object)  # a border point's commune: the declared one
    beyond[decl_other] = declared[decl_other]
    df.loc[border, "commune_code"] = beyond[border]
    return _Placement(declared=declared, known_declared=known, border=border,
                      outside=away & ~near, conflict=away & near & decl_here)


def _declared(values: pd.Series) -> np.ndarray:
    """Declared codes as text, ``None`` where not given (None, NaN or empty)."""
    v = values.astype(object).to_numpy()
    given = pd.notna(v) & (v != "")
    out = np.full(len(v), None, dtype=object)
    out[given] = v[given].astype(str)
    return out


def _place_without_xy(df: pd.DataFrame, area: ImportArea, placeable: np.ndarray,
                      crs: int) -> None:
    """No coordinates but a commune of the territory: its representative point, flagged
    approximate."""
    if not placeable.any():
        return
    rep = area.representative_points()
    pts = rep.loc[df.loc[placeable, "commune_code"].to_numpy()]
    df.loc[placeable, "x"] = pts["x"].to_numpy()
    df.loc[placeable, "y"] = pts["y"].to_numpy()
    plon, plat = _geo.to_lonlat(pts["x"].to_numpy(), pts["y"].to_numpy(), crs)
    df.loc[placeable, "lon"], df.loc[placeable, "lat"] = plon, plat
    df.loc[placeable, "approximate"] = True


def _exclusion(file_name: str, df: pd.DataFrame, i: int, expected: str, why: str) -> Problem:
    lon, lat = df["lon"].to_numpy(float)[i], df["lat"].to_numpy(float)[i]
    return Problem(file_name, _line(df, int(i)), "coordonnées", expected,
                   f"« {df.at[i, 'nom']!s} » à lon {lon:.4f}, lat {lat:.4f} ({why})")


def _typed(kept: pd.DataFrame, source: str) -> pd.DataFrame:
    """The kept rows with the contract's types; ids checked unique."""
    kept = kept.copy()
    kept["source"] = source
    kept["capacity"] = pd.to_numeric(kept["capacity"], errors="coerce").astype(float)
    kept["approximate"] = kept["approximate"].astype(bool)
    kept[BORDER_COLUMN] = kept[BORDER_COLUMN].astype(bool)
    kept["x"] = kept["x"].astype(float)
    kept["y"] = kept["y"].astype(float)
    for c in ("point_id", "type_code", "nom"):
        kept[c] = kept[c].astype(str)
    # a border point's commune may be unknown: None, never the text "None"
    kept["commune_code"] = pd.Series(_declared(kept["commune_code"]), index=kept.index,
                                     dtype=object)
    dup = kept["point_id"].duplicated(keep=False)
    if dup.any():  # importers build unique ids; a duplicate is a bug, not a user error
        ids = sorted(set(kept.loc[dup, "point_id"]))[:5]
        raise SdaaspError(f"Identifiants de points en double : {ids}")
    return kept[POINT_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True)


def _line(df: pd.DataFrame, i: int) -> int | None:
    v = df["line"].iloc[i] if "line" in df.columns else None
    return None if v is None or pd.isna(v) else int(v)


def read_services(path: str | Path, *, source: str, area: ImportArea | None = None,
                  year: int | None = None, strict: bool = False,
                  dataset: str | None = None) -> ImportResult:
    """Read a service-offer file of ``source`` (one of :data:`SOURCES`).

    Parameters
    ----------
    path
        The file (a zip archive is accepted for the BPE).
    source
        ``bpe``, ``france-services``, ``msap``, ``csv`` or ``geojson``.
    area
        The territory: rows of other départements are skipped, points outside it excluded and
        reported. ``None`` keeps every point located in France.
    year
        Vintage of the file (the BPE's ``AN`` column is checked against it when given).
    strict
        Refuse the whole file when any point is excluded.
    dataset
        Name of a partner's dataset (generic formats; default: the file name).
    """
    if source not in SOURCES:
        raise SdaaspError(f"Source inconnue : « {source} » (attendu : {', '.join(SOURCES)}).")
    if source == "bpe":
        from sdaasp.offer.importers.bpe import read_bpe
        return read_bpe(path, area=area, year=year, strict=strict)
    if source == "france-services":
        from sdaasp.offer.importers.anct import read_france_services
        return read_france_services(path, area=area, year=year, strict=strict)
    if source == "msap":
        from sdaasp.offer.importers.anct import read_msap
        return read_msap(path, area=area, year=year, strict=strict)
    from sdaasp.offer.importers.generic import read_generic
    return read_generic(path, fmt=source, area=area, year=year, strict=strict, dataset=dataset)


def departement_of_commune(code: str) -> str:
    """Département of an INSEE commune code (``"2A004"`` → ``"2A"``, ``"97105"`` → ``"971"``)."""
    return code[:3] if code.startswith("97") else code[:2]


__all__ = ["BORDER_COLUMN", "DEFAULT_BUFFER_M", "EXTRA_COLUMNS", "POINT_COLUMNS", "SOURCES",
           "ImportArea", "ImportResult", "crs_for_departement", "km_label", "read_services"]
