"""Importers of the service-offer files: validate the whole file, then return a table.

Every importer reads one official (or documented) format and returns an :class:`ImportResult`
whose ``points`` table follows the service-points contract (:data:`POINT_COLUMNS`, Lambert-93 or
the territory's CRS). A file with any problem is refused once with every problem listed
(:class:`~sdaasp.errors.InputFileError`); points badly geocoded or outside the territory are
excluded and reported by name, or refuse the import with ``strict=True``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp.errors import InputFileError, Problem, SdaaspError
from sdaasp.offer import _geo
from sdaasp.territory.crs import LAMBERT_93, crs_for_departement

#: The service-points contract shared with the other domains (travel, access).
POINT_COLUMNS = ["point_id", "type_code", "nom", "x", "y", "capacity", "commune_code",
                 "approximate", "source"]
#: Descriptive columns the importers add after the contract ones.
EXTRA_COLUMNS = ["lon", "lat", "adresse", "operateur", "itinerant", "telephone", "email",
                 "horaires", "horaires_texte", "hours_per_week", "days_open", "saturday_open",
                 "evening_open", "hours_approximate"]

SOURCES = ("bpe", "france-services", "msap", "csv", "geojson")


@dataclass(frozen=True)
class ImportArea:
    """The territory an import is for: its communes (``code``, ``geometry``, optional
    representative ``x``/``y``) in its projected CRS."""

    departement: str
    communes: gpd.GeoDataFrame
    crs: int

    @classmethod
    def from_territory(cls, territory: object) -> ImportArea:
        """From a :class:`sdaasp.territory.Territory`."""
        com = territory.communes  # type: ignore[attr-defined]
        return cls(departement=territory.code, communes=com,  # type: ignore[attr-defined]
                   crs=int(territory.departement["crs"]))  # type: ignore[attr-defined]

    def representative_points(self) -> pd.DataFrame:
        """``x``, ``y`` per commune code (a point inside each commune)."""
        com = self.communes
        if {"x", "y"} <= set(com.columns):
            xy = com[["x", "y"]].to_numpy(dtype=float)
        else:
            xy = np.asarray([(p.x, p.y) for p in com.geometry.representative_point()])
        return pd.DataFrame(xy, index=com["code"].astype(str), columns=["x", "y"])


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

    def summary(self) -> str:
        """French summary for the CLI."""
        lines = [f"{self.file_name} ({self.source}"
                 + (f", millésime {self.year}" if self.year else "") + ") : "
                 f"{self.rows_read} ligne(s) lue(s), {len(self.points)} point(s) retenu(s)"]
        if self.other_departements:
            lines.append(f"  {self.other_departements} ligne(s) d'autres départements ignorée(s)")
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
    Returns the kept points and the exclusions (points outside France or the territory).
    """
    df = candidates.reset_index(drop=True).copy()
    crs = area.crs if area else LAMBERT_93
    has_xy = np.isfinite(df["x"].to_numpy(float)) & np.isfinite(df["y"].to_numpy(float))
    lon, lat = df["lon"].to_numpy(float).copy(), df["lat"].to_numpy(float).copy()
    need = has_xy & ~(np.isfinite(lon) & np.isfinite(lat))
    if need.any():
        lon[need], lat[need] = _geo.to_lonlat(df["x"].to_numpy(float)[need],
                                              df["y"].to_numpy(float)[need], crs)
    df["lon"], df["lat"] = lon, lat
    excluded: list[Problem] = []
    drop = np.zeros(len(df), dtype=bool)

    abroad = has_xy & ~_geo.in_france(lon, lat)
    for i in np.flatnonzero(abroad):
        excluded.append(Problem(file_name, _line(df, int(i)), "coordonnées",
                                "un point situé en France",
                                f"« {df.at[i, 'nom']!s} » à lon {lon[i]:.4f}, lat {lat[i]:.4f} "
                                "(mal géocodé, exclu)"))
    drop |= abroad

    if area is not None:
        ok = has_xy & ~abroad
        located = _geo.locate_communes(df["x"].to_numpy(float)[ok],
                                       df["y"].to_numpy(float)[ok], area.communes)
        loc = np.full(len(df), None, dtype=object)
        loc[ok] = located
        outside = ok & pd.isna(loc)
        for i in np.flatnonzero(outside):
            excluded.append(Problem(
                file_name, _line(df, int(i)), "coordonnées",
                f"un point dans le territoire du département {area.departement}",
                f"« {df.at[i, 'nom']!s} » à lon {lon[i]:.4f}, lat {lat[i]:.4f} (hors territoire, "
                "exclu)"))
        drop |= outside
        declared = df["commune_code"].astype(object).where(df["commune_code"].notna(), None)
        codes = set(area.communes["code"].astype(str))
        known_decl = declared.isin(codes).to_numpy()
        df["commune_code"] = np.where(known_decl, declared.to_numpy(), loc)
        # no coordinates: the commune's representative point, flagged approximate
        no_xy = ~has_xy
        rep = area.representative_points()
        placeable = no_xy & known_decl
        if placeable.any():
            pts = rep.loc[declared[placeable].to_numpy()]
            df.loc[placeable, "x"] = pts["x"].to_numpy()
            df.loc[placeable, "y"] = pts["y"].to_numpy()
            plon, plat = _geo.to_lonlat(pts["x"].to_numpy(), pts["y"].to_numpy(), crs)
            df.loc[placeable, "lon"], df.loc[placeable, "lat"] = plon, plat
            df.loc[placeable, "approximate"] = True
        lost = no_xy & ~known_decl
    else:
        lost = ~has_xy
    for i in np.flatnonzero(lost):
        declared_code = df.at[i, "commune_code"] if area is None else None
        code = candidates["commune_code"].iloc[i]
        found = (f"« {df.at[i, 'nom']!s} » sans coordonnées, commune {code} absente du "
                 "territoire (commune fusionnée ou d'un autre département ?) (exclu)"
                 if code is not None and not pd.isna(code) and declared_code is None
                 else f"« {df.at[i, 'nom']!s} » sans coordonnées ni commune connue (exclu)")
        excluded.append(Problem(file_name, _line(df, int(i)), "coordonnées",
                                "des coordonnées ou une commune du territoire", found))
    drop |= lost

    if strict and excluded:
        raise InputFileError(excluded, summary=(
            f"Import refusé (--strict) : {len(excluded)} point(s) hors de France, hors du "
            "territoire ou sans position ; rien n'a été enregistré."))
    kept = df[~drop].copy()
    kept["source"] = source
    kept["capacity"] = pd.to_numeric(kept["capacity"], errors="coerce").astype(float)
    kept["approximate"] = kept["approximate"].astype(bool)
    kept["x"] = kept["x"].astype(float)
    kept["y"] = kept["y"].astype(float)
    for c in ("point_id", "type_code", "nom", "commune_code"):
        kept[c] = kept[c].astype(str)
    dup = kept["point_id"].duplicated(keep=False)
    if dup.any():  # importers build unique ids; a duplicate is a bug, not a user error
        ids = sorted(set(kept.loc[dup, "point_id"]))[:5]
        raise SdaaspError(f"Identifiants de points en double : {ids}")
    return kept[POINT_COLUMNS + EXTRA_COLUMNS].reset_index(drop=True), excluded


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


__all__ = ["EXTRA_COLUMNS", "POINT_COLUMNS", "SOURCES", "ImportArea", "ImportResult",
           "crs_for_departement", "read_services"]
