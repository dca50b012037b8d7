"""ANCT files: the France Services GeoJSON and the 2018 MSAP Shapefile.

France Services (anct-carto/France-services): WGS84 points with ``MATRICULE``, ``DEPARTEMENT``,
``lib_france_services``, ``categorie`` (FS, FS itinerante, Antenne, Antenne itinerante),
``insee_com``, address, contacts and ``h_lundi`` … ``h_samedi`` opening hours.

MSAP 2018 (list of 27 June 2018, geocoded with OpenStreetMap): Lambert-93 points whose only
descriptive field is the address (``locatin``); text fields are double-encoded UTF-8, which
is repaired when possible. Some points are geocoded abroad or in the ocean: they are excluded
and reported.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from sdaasp.errors import InputFileError, Problem
from sdaasp.offer import _geo, hours
from sdaasp.offer._files import decode_text, read_raw
from sdaasp.offer.importers import (
    DEPARTEMENT_COLUMN,
    ImportArea,
    ImportResult,
    departement_of_commune,
    empty_points,
    finish,
)
from sdaasp.territory.crs import LAMBERT_93, WGS84

FS_CATEGORIES = {
    "fs": "FS_FIXE",
    "fs itinerante": "FS_ITINERANT",
    "fs itinérante": "FS_ITINERANT",
    "antenne": "FS_ANTENNE",
    "antenne itinerante": "FS_ANTENNE",
    "antenne itinérante": "FS_ANTENNE",
}
FS_REQUIRED = ("MATRICULE", "lib_france_services", "categorie", "insee_com")


def _features(path: str | Path) -> tuple[str, str, list[dict]]:
    raw = read_raw(path, suffixes=(".geojson", ".json"))
    text = decode_text(raw)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError([Problem(raw.name, exc.lineno, None, "un GeoJSON valide",
                                      exc.msg)]) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise InputFileError([Problem(raw.name, None, "type",
                                      "une FeatureCollection GeoJSON",
                                      repr(data.get("type") if isinstance(data, dict)
                                           else type(data).__name__))])
    crs = (((data.get("crs") or {}).get("properties") or {}).get("name") or "")
    if crs and not re.search(r"CRS84|4326", str(crs)):
        raise InputFileError([Problem(raw.name, None, "crs", "WGS84 (CRS84 ou EPSG:4326)",
                                      str(crs))])
    return raw.name, raw.sha256, data["features"]


def point_lonlat(feat: dict) -> tuple[float, float] | None:
    """Lon/lat of a Point feature, ``None`` when the geometry is not a valid point."""
    g = feat.get("geometry")
    if not isinstance(g, dict) or g.get("type") != "Point":
        return None
    c = g.get("coordinates")
    if not isinstance(c, list) or len(c) < 2:
        return None
    try:
        lon, lat = float(c[0]), float(c[1])
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return None
    return lon, lat


def _text(v: object) -> str:
    # "\u0000" escapes in JSON, NUL padding in dBase: never stored (PostgreSQL refuses them)
    return "" if v is None else str(v).replace("\x00", "").strip()


def read_france_services(path: str | Path, *, area: ImportArea | None = None,
                         year: int | None = None, strict: bool = False) -> ImportResult:
    """Read the ANCT France Services GeoJSON (national file or a département's extract)."""
    name, sha, feats = _features(path)
    problems: list[Problem] = []
    warnings: list[Problem] = []
    rows: list[dict] = []
    selected, other = _fs_selection(feats, area)
    seen: dict[str, int] = {}
    for n in selected:
        f = feats[n - 1]
        p = f.get("properties") if isinstance(f, dict) else None
        if not isinstance(p, dict):
            problems.append(Problem(name, None, f"entité n° {n}", "un objet avec des propriétés",
                                    type(p).__name__))
            continue
        missing = [k for k in FS_REQUIRED if _text(p.get(k)) == ""]
        if missing:
            problems.append(Problem(name, None, f"entité n° {n} : {missing[0]}",
                                    "une valeur", "une valeur vide ou absente"))
            continue
        cat = _text(p["categorie"]).lower()
        if cat not in FS_CATEGORIES:
            problems.append(Problem(name, None, f"entité n° {n} : categorie",
                                    "FS, FS itinerante, Antenne ou Antenne itinerante",
                                    f"« {p['categorie']} »"))
            continue
        commune = _text(p["insee_com"]).upper().zfill(5)
        corsica = re.fullmatch(r"0?(2[AB])(\d{1,2})", commune)
        if corsica:  # the national file has "2B14": its leading zeros were lost
            fixed = corsica.group(1) + corsica.group(2).zfill(3)
            warnings.append(Problem(name, n, "insee_com", "un code commune à 5 caractères",
                                    f"« {p['insee_com']} », lu comme {fixed}"))
            commune = fixed
        if not re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", commune):
            problems.append(Problem(name, None, f"entité n° {n} : insee_com",
                                    "un code commune INSEE", f"« {p['insee_com']} »"))
            continue
        ll = point_lonlat(f)
        if ll is None:
            problems.append(Problem(name, None, f"entité n° {n} : geometry",
                                    "un point (longitude, latitude)",
                                    repr(f.get("geometry"))[:60]))
            continue
        matricule = _text(p["MATRICULE"])
        if matricule in seen:
            problems.append(Problem(name, None, f"entité n° {n} : MATRICULE",
                                    "un matricule unique",
                                    f"« {matricule} », déjà vu à l'entité n° {seen[matricule]}"))
            continue
        seen[matricule] = n
        sched = hours.parse_france_services(p)
        raw_hours = {d: _text(p.get(f"h_{d}")) for d in hours.DAYS[:6]}
        comment = _text(p.get("Commentaire.horaires"))
        itinerant = "itin" in cat or _text(p.get("ITINERANCE")).lower() == "oui"
        adresse = ", ".join(x for x in (_text(p.get("ADRESSE")),
                                        _text(p.get("COMPLEMENT.D.ADRESSE")),
                                        " ".join(x for x in (_text(p.get("code_postal")),
                                                             _text(p.get("lib_com"))) if x))
                            if x)
        rows.append({
            "point_id": f"fs:{matricule}", "type_code": FS_CATEGORIES[cat],
            "nom": f"France Services — {_text(p['lib_france_services'])}",
            "lon": ll[0], "lat": ll[1], "capacity": np.nan, "commune_code": commune,
            "approximate": False, "adresse": adresse, "operateur": "France Services (ANCT)",
            "itinerant": itinerant, "telephone": _text(p.get("TELEPHONE")),
            "email": _text(p.get("CONTACT.MAIL")), "horaires": sched.to_json(),
            "horaires_texte": " | ".join(f"{d} : {v}" for d, v in raw_hours.items() if v)
            + (f" | {comment}" if comment else ""),
            **sched.summary(), "line": n,
        })
    if problems:
        raise InputFileError(problems)
    res = _finish_lonlat(rows, name=name, sha=sha, source="france-services", year=year,
                         area=area, strict=strict, rows_read=len(feats), other=other)
    res.warnings = warnings
    return res


def _fs_departement(feat: object) -> str | None:
    """The département a France Services row says it is in (``DEPARTEMENT``, else its
    commune code), ``None`` when it says nothing readable."""
    p = feat.get("properties") if isinstance(feat, dict) else None
    if not isinstance(p, dict):
        return None
    dep = _text(p.get("DEPARTEMENT")).upper()
    if dep:
        return dep.zfill(2) if dep.isdigit() else dep
    com = _text(p.get("insee_com")).upper()
    return departement_of_commune(com.zfill(5)) if com else None


def _fs_selection(feats: list, area: ImportArea | None) -> tuple[list[int], int]:
    """Feature numbers (from 1) to read, and how many rows of other départements are left
    out: every row without an area; else the département's rows and those of other
    départements placed within the border buffer (rows of far départements are neither
    validated nor kept)."""
    if area is None:
        return list(range(1, len(feats) + 1)), 0
    own: list[int] = []
    away: list[int] = []
    lonlat: list[tuple[float, float]] = []
    for n, f in enumerate(feats, start=1):
        dep = _fs_departement(f)
        ll = point_lonlat(f) if isinstance(f, dict) else None
        if dep is None or dep == area.departement:
            own.append(n)
        elif ll is not None:
            away.append(n)
            lonlat.append(ll)
    if lonlat:
        ll_arr = np.asarray(lonlat, dtype=float)
        near = area.within_buffer_lonlat(ll_arr[:, 0], ll_arr[:, 1])
        own += [n for n, k in zip(away, near, strict=True) if k]
    return sorted(own), len(feats) - len(own)


def _finish_lonlat(rows: list[dict], *, name: str, sha: str, source: str, year: int | None,
                   area: ImportArea | None, strict: bool, rows_read: int, other: int
                   ) -> ImportResult:
    """Rows with WGS84 ``lon``/``lat`` through :func:`finish` (which projects them)."""
    buffer_m = area.buffer_m if area is not None else None
    if not rows:
        return ImportResult(source, name, sha, year, "", empty_points(), rows_read,
                            other_departements=other, buffer_m=buffer_m)
    cand = pd.DataFrame(rows)
    cand["x"], cand["y"] = np.nan, np.nan  # projected by finish
    points, excluded = finish(cand, file_name=name, area=area, strict=strict, source=source)
    return ImportResult(source, name, sha, year, "", points, rows_read, excluded=excluded,
                        other_departements=other, buffer_m=buffer_m)


# MSAP ----------------------------------------------------------------------------------------

MSAP_FIELDS = ("locatin",)
#: "street, 59186 Anor, France": the postcode and city are the last but one part.
_POSTCODE = re.compile(r"(?:^|,)\s*(\d{4,5})\s+([^,]+?)\s*(?:,[^,]*)?$")


def repair_mojibake(s: str) -> str:
    """Undo UTF-8 read as Latin-1 (``"ChÃ¢teau"`` → ``"Château"``) when it is that."""
    if "Ã" not in s and "Å" not in s:
        return s
    try:
        return s.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        try:
            return s.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return s


def read_msap(path: str | Path, *, area: ImportArea | None = None, year: int | None = None,
              strict: bool = False) -> ImportResult:
    """Read the MSAP Shapefile (Lambert-93 points, address in ``locatin``)."""
    import pyogrio

    p = Path(path)
    name = p.name
    if p.suffix.lower() != ".shp":
        raise InputFileError([Problem(name, None, None, "un fichier Shapefile (.shp)",
                                      p.suffix or "aucune extension")])
    try:
        raw = p.read_bytes()
        gdf = pyogrio.read_dataframe(p)
    # UnboundLocalError: pyogrio 0.13 fails so on a .prj that is not valid UTF-8
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError, ValueError,
            UnboundLocalError) as exc:
        raise InputFileError([Problem(name, None, None,
                                      "un Shapefile lisible (.shp, .shx, .dbf, .prj)",
                                      str(exc).splitlines()[0][:200])]) from None
    sha = hashlib.sha256(raw).hexdigest()
    problems: list[Problem] = []
    missing = [f for f in MSAP_FIELDS if f not in gdf.columns]
    if missing:
        raise InputFileError([Problem(name, None, missing[0], "le champ de l'adresse de la MSAP",
                                      "champ absent")])
    if gdf.crs is None or not _is_lambert93(gdf.crs):
        raise InputFileError([Problem(name, None, "projection (.prj)",
                                      "Lambert-93 (EPSG:2154)", str(gdf.crs)[:80])])
    geoms = gdf.geometry
    if (geoms.isna() | (geoms.geom_type != "Point")).any():
        bad = np.flatnonzero((geoms.isna() | (geoms.geom_type != "Point")).to_numpy())
        problems += [Problem(name, int(i) + 1, "géométrie", "un point", str(geoms.iloc[i])[:40])
                     for i in bad]
    loc = gdf["locatin"].fillna("").astype(str).map(_text).map(repair_mojibake).str.strip()
    for i in np.flatnonzero((loc == "").to_numpy()):
        problems.append(Problem(name, int(i) + 1, "locatin", "l'adresse de la MSAP",
                                "une valeur vide"))
    if problems:
        raise InputFileError(problems)
    pc = loc.str.extract(_POSTCODE)
    postcode = pc[0].fillna("").str.zfill(5)
    city = pc[1].fillna("").str.strip()
    dep = postcode.str[:3].where(postcode.str.startswith("97"), postcode.str[:2]) \
        .where(postcode != "00000", None)  # no postcode: the position decides
    xs, ys = geoms.x.to_numpy(float), geoms.y.to_numpy(float)
    lon, lat = _geo.transform(xs, ys, LAMBERT_93, WGS84)
    geo_pc, mismatch = _geocoder_mismatch(gdf, postcode, lon, lat)
    geo_city = gdf["city"].fillna("").astype(str).map(repair_mojibake) \
        if "city" in gdf.columns else pd.Series("", index=gdf.index)
    keep = np.ones(len(gdf), dtype=bool)
    if area is not None:
        own = (dep == area.departement).to_numpy()
        border = ~own & area.within_buffer_lonlat(lon, lat)
        keep = own | border
        # beyond the border the position alone decides: it must be the address's place
        mismatch = mismatch | (border & _geocoded_elsewhere(postcode, city, geo_pc, geo_city))
    other = int((~keep).sum()) if area is not None else 0
    early: list[Problem] = []
    for i in np.flatnonzero(keep & mismatch):
        early.append(Problem(name, int(i) + 1, "coordonnées",
                             f"un point à l'adresse de la MSAP ({postcode.iloc[i]} "
                             f"{city.iloc[i]})",
                             f"« MSAP de {city.iloc[i]} » géocodée au code postal "
                             f"{geo_pc.iloc[i]}"
                             + (f" ({geo_city.iloc[i]})" if geo_city.iloc[i] else "")
                             + " (mal géocodée, exclue)"))
    if strict and early:
        raise InputFileError(early, summary=(
            f"Import refusé (--strict) : {len(early)} MSAP mal géocodée(s) ; "
            "rien n'a été enregistré."))
    rows = []
    seen: dict[str, int] = {}
    for i in np.flatnonzero(keep & ~mismatch):
        key = hashlib.sha1(loc.iloc[i].lower().encode("utf-8")).hexdigest()[:12]
        k = seen.get(key, 0)
        seen[key] = k + 1
        nom = f"MSAP de {city.iloc[i]}" if city.iloc[i] else f"MSAP — {loc.iloc[i]}"
        rows.append({
            "point_id": f"msap2018:{key}" + (f"-{k}" if k else ""), "type_code": "MSAP",
            "nom": nom, "lon": lon[i], "lat": lat[i], "capacity": np.nan,
            "commune_code": None, "approximate": False, "adresse": loc.iloc[i],
            "operateur": "MSAP (réseau 2018)", "itinerant": False, "telephone": "",
            "email": "", "horaires": None, "horaires_texte": "",
            **hours.UNKNOWN.summary(), "line": int(i) + 1,
            DEPARTEMENT_COLUMN: dep.iloc[i],
        })
    res = _finish_lonlat(rows, name=name, sha=sha, source="msap", year=year or 2018,
                         area=area, strict=strict, rows_read=len(gdf), other=other)
    res.excluded = early + res.excluded
    return res


def _geocoder_mismatch(gdf: pd.DataFrame, postcode: pd.Series, lon: np.ndarray,
                       lat: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """The geocoder's own postcode (``postcod``) and the rows it places in another
    département than the address's: a bad geocode (« 4260 Allos » lost its leading zero)."""
    if "postcod" not in gdf.columns:
        return pd.Series("00000", index=gdf.index), np.zeros(len(gdf), dtype=bool)
    geo_pc = gdf["postcod"].fillna("").astype(str).str.extract(r"^(\d{4,5})$")[0]
    geo_pc = geo_pc.fillna("").str.zfill(5)
    mismatch = ((geo_pc != "00000") & (postcode != "00000")
                & (geo_pc.str[:2] != postcode.str[:2])
                & _geo.in_france(lon, lat)).to_numpy()
    return geo_pc, mismatch


#: Two city names at least this similar (difflib ratio, accents and case ignored) are the
#: same place: the geocoder's names may be mis-encoded (« Saint-Ã?tienne »).
SAME_CITY_RATIO = 0.8


def _geocoded_elsewhere(postcode: pd.Series, city: pd.Series, geo_pc: pd.Series,
                        geo_city: pd.Series) -> np.ndarray:
    """Rows whose geocoder found another postcode AND another city than the address's
    (« Place de la gare, 62820 Libercourt » placed at 62120 Aire-sur-la-Lys)."""
    out = np.zeros(len(postcode), dtype=bool)
    for i in np.flatnonzero(((geo_pc != "00000") & (geo_pc != postcode)).to_numpy()):
        a, b = _plain(city.iloc[i]), _plain(geo_city.iloc[i])
        out[i] = bool(a and b) and difflib.SequenceMatcher(None, a, b).ratio() < SAME_CITY_RATIO
    return out


def _plain(name: str) -> str:
    """Lower-case ASCII words of a place name (« Saint-Étienne » → « saint etienne »)."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()


def _is_lambert93(crs: object) -> bool:
    import pyproj

    try:
        c = pyproj.CRS.from_user_input(crs)
        return c.equals(pyproj.CRS.from_epsg(LAMBERT_93), ignore_axis_order=True) or \
            (c.to_epsg(min_confidence=20) == LAMBERT_93) or _lcc_like_l93(c)
    except pyproj.exceptions.CRSError:
        return False


def _lcc_like_l93(c: object) -> bool:
    """ESRI .prj files describe Lambert-93 without its EPSG code: compare the parameters."""
    import pyproj

    wkt = c.to_wkt() if isinstance(c, pyproj.CRS) else str(c)
    return all(s in wkt.replace(" ", "") for s in (
        '"latitude_of_origin",46.5', '"central_meridian",3', '"standard_parallel_1",49',
        '"standard_parallel_2",44', '"false_easting",700000', '"false_northing",6600000'))
