"""sdaasp's generic formats for partners' lists of service points: CSV and GeoJSON.

Documented for users in docs/offer.md. Columns (CSV) or properties (GeoJSON):
``identifiant``, ``nom``*, ``type``*, ``operateur``, ``adresse``, ``commune``, ``lon``/``lat``
(WGS84) or ``x``/``y`` (Lambert-93) in CSV, ``horaires`` (generic opening-hours format),
``capacite``, ``itinerant`` (oui/non), ``telephone``, ``courriel``. (* required)

A row whose commune is of another département is kept (flagged ``hors_departement``, its
commune kept) when its position is within the import area's border buffer; so is a foreign
point (Belgium…) without a commune. Its position decides, never its commune code alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

import numpy as np

from sdaasp.errors import InputFileError, Problem
from sdaasp.offer import hours, nomenclature
from sdaasp.offer._files import decode_text, read_raw
from sdaasp.offer.importers import (
    ImportArea,
    ImportResult,
    departement_of_commune,
    empty_points,
)
from sdaasp.offer.importers.anct import _features, _finish_lonlat, point_lonlat

COLUMNS = ("identifiant", "nom", "type", "operateur", "adresse", "commune", "lon", "lat", "x",
           "y", "horaires", "capacite", "itinerant", "telephone", "courriel")
REQUIRED = ("nom", "type")
_YES = {"oui", "o", "vrai", "1", "yes", "true"}
_NO = {"non", "n", "faux", "0", "no", "false", ""}


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:60] or "partenaire"


def _geojson_records(p: Path) -> tuple[str, str, list[tuple[int, dict]]]:
    """Features as (feature number, lower-cased properties with ``lon``/``lat``)."""
    name, sha, feats = _features(p)
    records = []
    for n, f in enumerate(feats, start=1):
        props = f.get("properties") if isinstance(f, dict) else None
        rec = {str(k).strip().lower(): v for k, v in props.items()} \
            if isinstance(props, dict) else {}
        ll = point_lonlat(f) if isinstance(f, dict) else None
        rec["lon"], rec["lat"] = (ll if ll else ("", ""))
        rec["_geometry_ok"] = ll is not None or (isinstance(f, dict)
                                                 and f.get("geometry") is None)
        records.append((n, rec))
    return name, sha, records


class _Record:
    """One row of a partner's file, read and checked; ``problems`` lists what is wrong."""

    def __init__(self, name: str, line: int, rec: dict, known: frozenset[str] | set[str]
                 ) -> None:
        self.name, self.line, self.rec = name, line, rec
        self.problems: list[Problem] = []
        for k in REQUIRED:
            if not self.get(k):
                self.bad(k, "une valeur", "une valeur vide")
        self.code = self.get("type").upper()
        if self.code and self.code not in known:
            self.bad("type", "un code de la nomenclature (TYPEQU comme A206, ou FS_FIXE, "
                             "MSAP, PERMANENCE, CONSEILLER_NUM, MAIRIE…)",
                     f"« {self.get('type')} »")
        if rec.get("_geometry_ok") is False:
            self.bad("geometry", "un point (longitude, latitude)", "une autre géométrie")
        self._position()
        self.capacity = _num(self.get("capacite"))
        if self.capacity is False or (isinstance(self.capacity, float) and self.capacity < 0):
            self.bad("capacite", "un nombre positif ou vide", f"« {self.get('capacite')} »")
        self.itinerant = self.get("itinerant").lower()
        if self.itinerant not in _YES | _NO:
            self.bad("itinerant", "oui ou non", f"« {self.get('itinerant')} »")
        # unreadable hours do not refuse the row: unknown, flagged, text kept, and reported
        self.schedule = hours.parse_generic(self.get("horaires"))
        self.hours_unread = bool(self.get("horaires")) and self.schedule.approximate

    def get(self, k: str) -> str:
        v = self.rec.get(k)
        return "" if v is None else str(v).replace("\x00", "").strip()

    def bad(self, field: str, expected: str, found: str) -> None:
        self.problems.append(Problem(self.name, self.line, field, expected, found))

    def _position(self) -> None:
        self.lon, self.lat, self.x, self.y = (_num(self.get(k)) for k in ("lon", "lat", "x", "y"))
        for k, v in (("lon", self.lon), ("lat", self.lat), ("x", self.x), ("y", self.y)):
            if v is False:
                self.bad(k, "un nombre (point décimal)", f"« {self.get(k)} »")
        self.commune = self.get("commune").upper()
        if self.commune and not re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", self.commune):
            self.bad("commune", "un code commune INSEE (ex. 59350)",
                     f"« {self.get('commune')} »")
        self.has_ll = isinstance(self.lon, float) and isinstance(self.lat, float)
        self.has_xy = isinstance(self.x, float) and isinstance(self.y, float)
        if self.has_ll and not (-180 <= self.lon <= 180  # type: ignore[operator]
                                and -90 <= self.lat <= 90):  # type: ignore[operator]
            self.bad("lon/lat", "des degrés WGS84 (lon, lat)",
                     f"{self.get('lon')}, {self.get('lat')}")
        if not self.has_ll and not self.has_xy and not self.commune:
            self.bad("lon/lat ou x/y", "une position (lon/lat, x/y) ou au moins le code commune",
                     "aucune")

    def row(self, *, fmt: str, dataset: str, area: ImportArea | None) -> dict:
        lon, lat = self.lon, self.lat
        if self.has_xy and not self.has_ll:
            lon, lat = _to_lonlat(self.x, self.y, area)  # type: ignore[arg-type]
        g = self.get
        fields = (g("nom"), self.code, g("lon"), g("lat"), g("x"), g("y"), self.commune)
        key = g("identifiant") or hashlib.sha1("|".join(fields).encode()).hexdigest()[:12]
        return {
            "point_id": f"{'csv' if fmt == 'csv' else 'geojson'}:{dataset}:{key}",
            "type_code": self.code, "nom": g("nom"),
            "lon": lon if isinstance(lon, float) else np.nan,
            "lat": lat if isinstance(lat, float) else np.nan,
            "capacity": self.capacity if isinstance(self.capacity, float) else np.nan,
            "commune_code": self.commune or None, "approximate": False,
            "adresse": g("adresse"), "operateur": g("operateur"),
            "itinerant": self.itinerant in _YES, "telephone": g("telephone"),
            "email": g("courriel"),
            "horaires": None if not g("horaires") else self.schedule.to_json(),
            "horaires_texte": g("horaires"), **self.schedule.summary(), "line": self.line,
        }


def read_generic(path: str | Path, *, fmt: str, area: ImportArea | None = None,
                 year: int | None = None, strict: bool = False,
                 dataset: str | None = None) -> ImportResult:
    """Read a partner's CSV or GeoJSON file in sdaasp's generic format."""
    p = Path(path)
    dataset = _slug(dataset or p.stem)
    name, sha, records = _csv_records(p) if fmt == "csv" else _geojson_records(p)
    known = nomenclature.known_codes()
    problems: list[Problem] = []
    rows: list[dict] = []
    ids: dict[str, int] = {}
    unread: list[Problem] = []
    for line, rec in records:
        r = _Record(name, line, rec, known)
        ident = r.get("identifiant")
        if ident:
            if ident in ids:
                r.bad("identifiant", "un identifiant unique",
                      f"« {ident} », déjà à la ligne {ids[ident]}")
            ids.setdefault(ident, line)
        problems += r.problems
        if r.problems:
            continue
        rows.append(r.row(fmt=fmt, dataset=dataset, area=area))
        if r.hours_unread:
            unread.append(Problem(name, line, "horaires",
                                  "des horaires lisibles (voir docs/offer.md)",
                                  f"« {r.get('horaires')} » : lus en partie ou illisibles, "
                                  "conservés tels quels et comptés comme inconnus"))
    if problems:
        raise InputFileError(problems)
    rows, other = _near_rows(rows, area)
    kept_lines = {r["line"] for r in rows}
    unread = [w for w in unread if w.line in kept_lines]
    if not rows:
        if not records:
            raise InputFileError([Problem(name, None, None, "au moins un point de service",
                                          "aucune ligne")])
        return ImportResult(fmt, name, sha, year, dataset, empty_points(), len(records),
                            other_departements=other,
                            buffer_m=area.buffer_m if area is not None else None)
    res = _finish_lonlat(rows, name=name, sha=sha, source=fmt, year=year, area=area,
                         strict=strict, rows_read=len(records), other=other)
    res.dataset = dataset
    res.warnings.extend(unread)
    return res


def _near_rows(rows: list[dict], area: ImportArea | None) -> tuple[list[dict], int]:
    """The rows to keep, and how many are left out: rows whose commune is of another
    département are kept only when placed within the area's border buffer."""
    if area is None:
        return rows, 0
    away = [i for i, r in enumerate(rows) if r["commune_code"]
            and departement_of_commune(r["commune_code"]) != area.departement]
    if not away:
        return rows, 0
    near = area.within_buffer_lonlat(np.array([rows[i]["lon"] for i in away], dtype=float),
                                     np.array([rows[i]["lat"] for i in away], dtype=float))
    drop = {i for i, k in zip(away, near, strict=True) if not k}
    return [r for i, r in enumerate(rows) if i not in drop], len(drop)


def _to_lonlat(x: float, y: float, area: ImportArea | None) -> tuple[float, float]:
    from sdaasp.offer._geo import to_lonlat
    from sdaasp.territory.crs import LAMBERT_93

    lon, lat = to_lonlat(np.array([x]), np.array([y]), area.crs if area else LAMBERT_93)
    return float(lon[0]), float(lat[0])


def _num(s: str) -> float | bool | None:
    """``None`` when empty, the float, or ``False`` when not a number."""
    if s == "":
        return None
    try:
        v = float(s.replace(",", ".")) if s.count(",") == 1 and "." not in s else float(s)
    except ValueError:
        return False
    return v if np.isfinite(v) else False


def _csv_records(p: Path) -> tuple[str, str, list[tuple[int, dict]]]:
    raw = read_raw(p)
    text = decode_text(raw)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputFileError([Problem(raw.name, 1, "en-tête", "une ligne d'en-tête",
                                      "un fichier vide")]) from None
    except csv.Error as exc:
        raise InputFileError([Problem(raw.name, 1, "en-tête", "un CSV valide", str(exc))]) \
            from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputFileError([Problem(raw.name, 1, "en-tête",
                                      "les colonnes nom et type (au moins), séparées par « ; » "
                                      "ou « , »", f"colonnes manquantes : {', '.join(missing)}")])
    records: list[tuple[int, dict]] = []
    problems: list[Problem] = []
    try:
        for row in reader:
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                problems.append(Problem(raw.name, reader.line_num, None,
                                        f"{len(header)} colonnes", f"{len(row)} colonnes"))
                continue
            records.append((reader.line_num, dict(zip(header, row, strict=True))))
    except csv.Error as exc:
        problems.append(Problem(raw.name, reader.line_num, None, "un CSV valide", str(exc)))
    if problems:
        raise InputFileError(problems)
    return raw.name, raw.sha256, records
