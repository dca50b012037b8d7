"""sdaasp's generic formats for partners' lists of service points: CSV and GeoJSON.

Documented for users in docs/offer.md. Columns (CSV) or properties (GeoJSON):
``identifiant``, ``nom``*, ``type``*, ``operateur``, ``adresse``, ``commune``, ``lon``/``lat``
(WGS84) or ``x``/``y`` (Lambert-93) in CSV, ``horaires`` (generic opening-hours format),
``capacite``, ``itinerant`` (oui/non), ``telephone``, ``courriel``. (* required)
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
from sdaasp.offer.importers import ImportArea, ImportResult, empty_points
from sdaasp.offer.importers.anct import _features, _finish_lonlat, point_lonlat

COLUMNS = ("identifiant", "nom", "type", "operateur", "adresse", "commune", "lon", "lat", "x",
           "y", "horaires", "capacite", "itinerant", "telephone", "courriel")
REQUIRED = ("nom", "type")
_YES = {"oui", "o", "vrai", "1", "yes", "true"}
_NO = {"non", "n", "faux", "0", "no", "false", ""}


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:60] or "partenaire"


def read_generic(path: str | Path, *, fmt: str, area: ImportArea | None = None,
                 year: int | None = None, strict: bool = False,
                 dataset: str | None = None) -> ImportResult:
    """Read a partner's CSV or GeoJSON file in sdaasp's generic format."""
    p = Path(path)
    dataset = _slug(dataset or p.stem)
    if fmt == "csv":
        name, sha, records = _csv_records(p)
    else:
        name, sha, feats = _features(p)
        records = []
        for n, f in enumerate(feats, start=1):
            props = f.get("properties") if isinstance(f, dict) else None
            rec = {str(k).strip().lower(): v for k, v in (props or {}).items()} \
                if isinstance(props, dict) else {}
            ll = point_lonlat(f) if isinstance(f, dict) else None
            rec["lon"], rec["lat"] = (ll if ll else ("", ""))
            rec["_geometry_ok"] = ll is not None or (isinstance(f, dict)
                                                     and f.get("geometry") is None)
            records.append((n, rec))
    known = nomenclature.known_codes()
    problems: list[Problem] = []
    rows: list[dict] = []
    ids: dict[str, int] = {}
    other = 0
    for line, rec in records:
        def get(k: str, rec: dict = rec) -> str:
            v = rec.get(k)
            return "" if v is None else str(v).replace("\x00", "").strip()

        bad_before = len(problems)
        for k in REQUIRED:
            if not get(k):
                problems.append(Problem(name, line, k, "une valeur", "une valeur vide"))
        code = get("type").upper()
        if code and code not in known:
            problems.append(Problem(name, line, "type",
                                    "un code de la nomenclature (TYPEQU comme A206, ou FS_FIXE, "
                                    "MSAP, PERMANENCE, CONSEILLER_NUM, MAIRIE…)",
                                    f"« {get('type')} »"))
        if rec.get("_geometry_ok") is False:
            problems.append(Problem(name, line, "geometry", "un point (longitude, latitude)",
                                    "une autre géométrie"))
        lon, lat, x, y = (_num(get(k)) for k in ("lon", "lat", "x", "y"))
        for k, v in (("lon", lon), ("lat", lat), ("x", x), ("y", y)):
            if v is False:
                problems.append(Problem(name, line, k, "un nombre (point décimal)",
                                        f"« {get(k)} »"))
        commune = get("commune").upper()
        if commune and not re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", commune):
            problems.append(Problem(name, line, "commune", "un code commune INSEE (ex. 59350)",
                                    f"« {get('commune')} »"))
        has_ll = isinstance(lon, float) and isinstance(lat, float)
        has_xy = isinstance(x, float) and isinstance(y, float)
        if has_ll and not (-180 <= lon <= 180 and -90 <= lat <= 90):  # type: ignore[operator]
            problems.append(Problem(name, line, "lon/lat", "des degrés WGS84 (lon, lat)",
                                    f"{get('lon')}, {get('lat')}"))
        if not has_ll and not has_xy and not commune:
            problems.append(Problem(name, line, "lon/lat ou x/y",
                                    "une position (lon/lat, x/y) ou au moins le code commune",
                                    "aucune"))
        cap = _num(get("capacite"))
        if cap is False or (isinstance(cap, float) and cap < 0):
            problems.append(Problem(name, line, "capacite", "un nombre positif ou vide",
                                    f"« {get('capacite')} »"))
        itin = get("itinerant").lower()
        if itin not in _YES | _NO:
            problems.append(Problem(name, line, "itinerant", "oui ou non",
                                    f"« {get('itinerant')} »"))
        sched = hours.parse_generic(get("horaires"))  # unreadable: unknown, flagged, text kept
        ident = get("identifiant")
        if ident:
            if ident in ids:
                problems.append(Problem(name, line, "identifiant", "un identifiant unique",
                                        f"« {ident} », déjà à la ligne {ids[ident]}"))
            ids.setdefault(ident, line)
        if len(problems) > bad_before:
            continue
        if area is not None and commune and _dep(commune) != area.departement:
            other += 1
            continue
        if has_xy and not has_ll:
            lon, lat = _to_lonlat(x, y, area)  # type: ignore[arg-type]
        fields = (get("nom"), code, get("lon"), get("lat"), get("x"), get("y"), commune)
        key = ident or hashlib.sha1("|".join(fields).encode()).hexdigest()[:12]
        rows.append({
            "point_id": f"{'csv' if fmt == 'csv' else 'geojson'}:{dataset}:{key}",
            "type_code": code, "nom": get("nom"),
            "lon": lon if isinstance(lon, float) else np.nan,
            "lat": lat if isinstance(lat, float) else np.nan,
            "capacity": cap if isinstance(cap, float) else np.nan,
            "commune_code": commune or None, "approximate": False, "adresse": get("adresse"),
            "operateur": get("operateur"), "itinerant": itin in _YES,
            "telephone": get("telephone"), "email": get("courriel"),
            "horaires": None if not get("horaires") else sched.to_json(),
            "horaires_texte": get("horaires"), **sched.summary(), "line": line,
        })
    if problems:
        raise InputFileError(problems)
    if not rows:
        if not records:
            raise InputFileError([Problem(name, None, None, "au moins un point de service",
                                          "aucune ligne")])
        return ImportResult(fmt, name, sha, year, dataset, empty_points(), len(records),
                            other_departements=other)
    res = _finish_lonlat(rows, name=name, sha=sha, source=fmt, year=year, area=area,
                         strict=strict, rows_read=len(records), other=other)
    res.dataset = dataset
    return res


def _dep(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


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
