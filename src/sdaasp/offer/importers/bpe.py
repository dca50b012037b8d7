"""INSEE Base permanente des équipements (BPE): detailed and aggregated files.

- Detailed ("ensemble_xy"): one row per equipment, ``TYPEQU``, ``DEPCOM``, ``DCIRIS``, ``AN``,
  ``LAMBERT_X``, ``LAMBERT_Y``, ``QUALITE_XY`` (other columns are ignored).
- Aggregated (e.g. the teaching sub-base): counts ``NB_EQUIP`` by ``TYPEQU`` and commune or
  IRIS, no coordinates. Each equipment is placed at its IRIS point when one is known, else at
  its commune's representative point, and flagged ``approximate``.

Rows of other départements: a detailed file's equipments within the import area's border
buffer are kept (flagged ``hors_departement``); the others, and every aggregated row of another
département (no coordinates: it cannot be placed), are skipped and counted.

Separator ``;``, UTF-8 or CP1252, zipped or not. Validation is vectorised over the whole file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sdaasp.errors import InputFileError, Problem
from sdaasp.offer import nomenclature
from sdaasp.offer._files import decode_text, read_raw
from sdaasp.offer.importers import ImportArea, ImportResult, empty_points, finish

DETAILED = ("TYPEQU", "DEPCOM", "AN", "LAMBERT_X", "LAMBERT_Y")
AGGREGATED = ("TYPEQU", "DEPCOM", "AN", "NB_EQUIP")
#: Kept per check so that a wholly broken 200,000-row file does not build 200,000 messages;
#: the total count is always exact.
MAX_PROBLEMS_PER_CHECK = 50

_COMMUNE_RE = r"^(?:\d{2}|2A|2B)\d{3}$"
_IRIS_RE = r"^(?:\d{2}|2A|2B)\d{3}(?:_?\d{4})?$"
#: QUALITE_XY values meaning the position is not reliable.
_POOR_QUALITY = {"mauvaise", "non géolocalisé", "non geolocalise", "non géolocalisée"}


class _Checks:
    """Collects problems per check, keeping the exact total."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, mask: np.ndarray, lines: np.ndarray, values: pd.Series, field: str,
            expected: str) -> None:
        idx = np.flatnonzero(mask)
        self.total += len(idx)
        for i in idx[:MAX_PROBLEMS_PER_CHECK]:
            v = values.iloc[i]
            found = "une valeur vide" if v is None or (isinstance(v, float) and np.isnan(v)) \
                or str(v).strip() == "" else f"« {v} »"
            self.problems.append(Problem(self.name, int(lines[i]), field, expected, found))

    def raise_if_any(self) -> None:
        if self.total:
            self.problems.sort(key=lambda p: (p.line or 0, p.field or ""))
            n = self.total
            raise InputFileError(self.problems, summary=(
                f"Fichier refusé : {n} problème{'s' if n > 1 else ''} "
                f"trouvé{'s' if n > 1 else ''}, rien n'a été enregistré."))


def read_bpe(path: str | Path, *, area: ImportArea | None = None, year: int | None = None,
             strict: bool = False, iris_points: pd.DataFrame | None = None) -> ImportResult:
    """Read a BPE file (detailed or aggregated, detected from its header).

    ``iris_points``: optional ``x``/``y`` indexed by IRIS code (``DCIRIS``), used to place the
    counts of an aggregated file closer than the commune's point.
    """
    raw = read_raw(path)
    text = decode_text(raw)
    name = raw.name
    try:
        df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False,
                         na_filter=False, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise InputFileError([Problem(name, None, None, "un fichier CSV séparé par « ; »",
                                      str(exc).strip().splitlines()[0])]) from None
    df.columns = [str(c).strip().strip('"').upper() for c in df.columns]
    cols = set(df.columns)
    if set(DETAILED) <= cols:
        kind = "detailed"
    elif set(AGGREGATED) <= cols:
        kind = "aggregated"
    else:
        missing = sorted(set(DETAILED) - cols) if "NB_EQUIP" not in cols else \
            sorted(set(AGGREGATED) - cols)
        raise InputFileError([Problem(
            name, 1, "en-tête",
            "les colonnes TYPEQU, DEPCOM, AN et LAMBERT_X, LAMBERT_Y (fichier détaillé) ou "
            "NB_EQUIP (fichier agrégé), séparées par « ; »",
            f"colonnes manquantes : {', '.join(missing)}")])
    if df.empty:
        raise InputFileError([Problem(name, 2, None, "au moins une ligne d'équipement",
                                      "aucune ligne")])
    lines = np.arange(len(df)) + 2
    checks = _Checks(name)
    # codes repeat a lot (≈200 TYPEQU, a few hundred communes): normalise and validate the
    # distinct values only, then broadcast back to the rows
    typequ = _Coded(df["TYPEQU"])
    depcom = _Coded(df["DEPCOM"], upper=True)
    an = _Coded(df["AN"])
    checks.add(typequ.bad(nomenclature.TYPEQU_RE.pattern), lines, typequ.series(), "TYPEQU",
               "un code TYPEQU (une lettre de A à G et trois chiffres, ex. A206)")
    checks.add(depcom.bad(_COMMUNE_RE), lines, depcom.series(), "DEPCOM",
               "un code commune INSEE à 5 caractères (ex. 59350)")
    an_u = pd.to_numeric(pd.Series(an.uniques), errors="coerce").to_numpy(float)
    bad_an_u = np.isnan(an_u) | (an_u < 1990) | (an_u > 2100)
    checks.add(bad_an_u[an.codes], lines, an.series(), "AN", "une année (ex. 2018)")
    if year is not None:
        checks.add((~bad_an_u & (an_u != year))[an.codes], lines, an.series(), "AN",
                   f"le millésime demandé {year}")
    iris = _Coded(df["DCIRIS"], upper=True) if "DCIRIS" in cols else None
    if iris is not None:
        bad_iris = iris.bad(_IRIS_RE) & (iris.values() != "")
        checks.add(bad_iris, lines, iris.series(), "DCIRIS",
                   "un code IRIS (commune + 4 chiffres, ex. 59350_0101) ou un code commune")
    if kind == "detailed":
        xs, ys = df["LAMBERT_X"], df["LAMBERT_Y"]
        x, x_empty = _coordinates(xs)
        y, y_empty = _coordinates(ys)
        checks.add(~x_empty & np.isnan(x), lines, xs, "LAMBERT_X",
                   "une coordonnée en mètres (Lambert-93) ou une valeur vide")
        checks.add(~y_empty & np.isnan(y), lines, ys, "LAMBERT_Y",
                   "une coordonnée en mètres (Lambert-93) ou une valeur vide")
        checks.add(x_empty != y_empty, lines, xs, "LAMBERT_X",
                   "LAMBERT_X et LAMBERT_Y tous deux remplis ou tous deux vides")
        count = None
    else:
        nb = df["NB_EQUIP"].str.strip()
        count = pd.to_numeric(nb, errors="coerce").to_numpy(float)
        bad_nb = np.isnan(count) | (count < 1) | (count != np.round(count))
        checks.add(bad_nb, lines, nb, "NB_EQUIP", "un nombre entier d'équipements ≥ 1")
    checks.raise_if_any()
    an_num = an_u[an.codes]

    years = sorted(set(an_num.astype(int)))
    if len(years) > 1:
        raise InputFileError([Problem(name, None, "AN", "un seul millésime par fichier",
                                      ", ".join(map(str, years)))])
    vintage = years[0]
    rows_read = len(df)

    keep = np.ones(len(df), dtype=bool)
    other = 0
    if area is not None:
        dep_u = np.array([c[:3] if c.startswith("97") else c[:2] for c in depcom.uniques],
                         dtype=object)
        keep = (dep_u == area.departement)[depcom.codes]
        if kind == "detailed":  # other départements' equipments within the border buffer
            away = np.flatnonzero(~keep)
            keep[away] = area.within_buffer(x[away], y[away])
        other = int((~keep).sum())
    rows = np.flatnonzero(keep)
    t_codes, d_codes = typequ.codes[rows], depcom.codes[rows]
    t_vals, d_vals = typequ.uniques[t_codes], depcom.uniques[d_codes]
    lines = lines[rows]
    i_vals = iris.uniques[iris.codes[rows]] if iris is not None else \
        np.full(len(rows), "", dtype=object)

    warnings = _unknown_codes(name, pd.Series(t_vals, dtype=object))
    # "École élémentaire (59350)": built once per distinct (type, commune) pair
    pair, pairs = pd.factorize(t_codes.astype(np.int64) * (len(depcom.uniques) + 1) + d_codes)
    t = nomenclature.service_types()
    label_of = dict(zip(t["code"], t["libelle"], strict=True))
    width = len(depcom.uniques) + 1
    pair_nom = np.array([
        f"{label_of.get(tc, 'Équipement ' + tc)} ({dc})"
        for tc, dc in ((typequ.uniques[p // width], depcom.uniques[p % width]) for p in pairs)
    ], dtype=object)
    nom = pair_nom[pair] if len(rows) else np.array([], dtype=object)

    if kind == "detailed":
        xr, yr = x[rows], y[rows]
        if "QUALITE_XY" in df.columns:
            q = _Coded(df["QUALITE_XY"])
            poor_u = np.array([v.lower() in _POOR_QUALITY for v in q.uniques], dtype=bool)
            poor = poor_u[q.codes[rows]] if len(q.uniques) else np.zeros(len(rows), bool)
        else:
            poor = np.zeros(len(rows), dtype=bool)
        key = pd.DataFrame({"t": t_codes, "c": d_codes,
                            "i": iris.codes[rows] if iris is not None else 0,
                            "x": np.nan_to_num(np.round(xr, 1), nan=-1.0),
                            "y": np.nan_to_num(np.round(yr, 1), nan=-1.0)})
        # ids hash the values (not their codes, which depend on the file's row order)
        hkey = pd.DataFrame({"t": t_vals, "c": d_vals, "i": i_vals, "x": key["x"],
                             "y": key["y"]})
        h = pd.util.hash_pandas_object(hkey, index=False).to_numpy()
        occ = key.groupby(["t", "c", "i", "x", "y"], sort=False).cumcount().to_numpy()
        pid = [f"bpe{vintage}:{v:016x}" + (f"-{k}" if k else "") for v, k in
               zip(h.tolist(), occ.tolist(), strict=True)]
        cand = _frame(pid, t_vals, nom, xr, yr, d_vals, poor, lines)
    else:
        reps = count[rows].astype(int)  # type: ignore[index]
        pos = np.repeat(np.arange(len(rows)), reps)
        t_r, c_r, i_r = t_vals[pos], d_vals[pos], i_vals[pos]
        place = np.where(i_r == "", c_r, i_r)
        key = pd.DataFrame({"i": place, "t": t_r})
        occ = key.groupby(["i", "t"], sort=False).cumcount().to_numpy() + 1
        pid = [f"bpe{vintage}:agg:{a}:{b}:{k}" for a, b, k in
               zip(place.tolist(), t_r.tolist(), occ.tolist(), strict=True)]
        xx = np.full(len(pos), np.nan)
        yy = np.full(len(pos), np.nan)
        if iris_points is not None and len(pos):
            ip = iris_points.reindex(place)
            xx, yy = ip["x"].to_numpy(float), ip["y"].to_numpy(float)
        cand = _frame(pid, t_r, nom[pos], xx, yy, c_r, np.ones(len(pos), dtype=bool),
                      lines[pos])
    if cand.empty:
        return ImportResult("bpe", name, raw.sha256, vintage, "", empty_points(), rows_read,
                            warnings=warnings, other_departements=other,
                            buffer_m=area.buffer_m if area is not None else None)
    points, excluded = finish(cand, file_name=name, area=area, strict=strict, source="bpe")
    return ImportResult("bpe", name, raw.sha256, vintage, "", points, rows_read,
                        excluded=excluded, warnings=warnings, other_departements=other,
                        buffer_m=area.buffer_m if area is not None else None)


class _Coded:
    """A text column as codes into its distinct, stripped (optionally upper-cased) values."""

    def __init__(self, s: pd.Series, *, upper: bool = False) -> None:
        codes, uniq = pd.factorize(s.to_numpy(dtype=object))
        self.codes = codes
        self.uniques = np.array([str(v).strip().upper() if upper else str(v).strip()
                                 for v in uniq], dtype=object)

    def values(self) -> np.ndarray:
        return self.uniques[self.codes]

    def series(self) -> pd.Series:
        return pd.Series(self.values(), dtype=object)

    def bad(self, pattern: str) -> np.ndarray:
        """Rows whose value does not match ``pattern``."""
        rx = re.compile(pattern)
        ok = np.array([rx.match(v) is not None for v in self.uniques], dtype=bool)
        return ~ok[self.codes] if len(ok) else np.zeros(len(self.codes), dtype=bool)


def _coordinates(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Float coordinates (NaN when empty or invalid) and the mask of empty cells."""
    raw = s.to_numpy(dtype=object)
    vals = pd.to_numeric(s, errors="coerce").to_numpy(float, copy=True)
    empty = raw == ""
    retry = np.flatnonzero(np.isnan(vals) & ~empty)
    if len(retry):  # " 704 512,3": spaces or a decimal comma
        fixed = pd.Series(raw[retry], dtype=object).str.strip().str.replace(",", ".")
        vals[retry] = pd.to_numeric(fixed, errors="coerce").to_numpy(float)
        empty[retry] = (fixed == "").to_numpy()
    return vals, empty


def _labels() -> frozenset[str]:
    return nomenclature.known_codes()


def _unknown_codes(name: str, typequ: pd.Series) -> list[Problem]:
    counts = typequ[~typequ.isin(_labels())].value_counts()
    return [Problem(name, None, "TYPEQU", "un code décrit dans la nomenclature de sdaasp",
                    f"« {code} » ({n} ligne(s), importé(s) sans libellé)")
            for code, n in counts.items()]


def _frame(pid: list[str], typequ: np.ndarray, nom: np.ndarray, x: np.ndarray, y: np.ndarray,
           commune: np.ndarray, approximate: np.ndarray, lines: np.ndarray) -> pd.DataFrame:
    n = len(pid)
    return pd.DataFrame({
        "point_id": pid, "type_code": typequ, "nom": nom, "x": x, "y": y,
        "capacity": np.full(n, np.nan), "commune_code": commune,
        "approximate": approximate, "source": "bpe", "lon": np.full(n, np.nan),
        "lat": np.full(n, np.nan), "adresse": "", "operateur": "INSEE (BPE)",
        "itinerant": False, "telephone": "", "email": "", "horaires": None,
        "horaires_texte": "", "hours_per_week": np.nan, "days_open": None,
        "saturday_open": None, "evening_open": None, "hours_approximate": False,
        "line": lines,
    })
