"""INSEE Base permanente des équipements (BPE): detailed and aggregated files.

- Detailed ("ensemble_xy"): one row per equipment, ``TYPEQU``, ``DEPCOM``, ``DCIRIS``, ``AN``,
  ``LAMBERT_X``, ``LAMBERT_Y``, ``QUALITE_XY`` (other columns are ignored).
- Aggregated (e.g. the teaching sub-base): counts ``NB_EQUIP`` by ``TYPEQU`` and commune or
  IRIS, no coordinates. Each equipment is placed at its IRIS point when one is known, else at
  its commune's representative point, and flagged ``approximate``.

Separator ``;``, UTF-8 or CP1252, zipped or not. Validation is vectorised over the whole file.
"""

from __future__ import annotations

import io
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
    typequ = df["TYPEQU"].str.strip()
    depcom = df["DEPCOM"].str.strip().str.upper()
    an = df["AN"].str.strip()
    checks.add(~typequ.str.match(nomenclature.TYPEQU_RE.pattern).to_numpy(), lines, typequ,
               "TYPEQU", "un code TYPEQU (une lettre de A à G et trois chiffres, ex. A206)")
    checks.add(~depcom.str.match(_COMMUNE_RE).to_numpy(), lines, depcom, "DEPCOM",
               "un code commune INSEE à 5 caractères (ex. 59350)")
    an_num = pd.to_numeric(an, errors="coerce")
    bad_an = an_num.isna() | (an_num < 1990) | (an_num > 2100)
    checks.add(bad_an.to_numpy(), lines, an, "AN", "une année (ex. 2018)")
    if year is not None:
        checks.add((~bad_an & (an_num != year)).to_numpy(), lines, an, "AN",
                   f"le millésime demandé {year}")
    iris = df["DCIRIS"].str.strip().str.upper() if "DCIRIS" in cols else None
    if iris is not None:
        bad_iris = (iris != "") & ~iris.str.match(_IRIS_RE)
        checks.add(bad_iris.to_numpy(), lines, iris, "DCIRIS",
                   "un code IRIS (commune + 4 chiffres, ex. 59350_0101) ou un code commune")
    if kind == "detailed":
        xs, ys = df["LAMBERT_X"].str.strip(), df["LAMBERT_Y"].str.strip()
        x = pd.to_numeric(xs.str.replace(",", ".", regex=False), errors="coerce")
        y = pd.to_numeric(ys.str.replace(",", ".", regex=False), errors="coerce")
        checks.add(((xs != "") & x.isna()).to_numpy(), lines, xs, "LAMBERT_X",
                   "une coordonnée en mètres (Lambert-93) ou une valeur vide")
        checks.add(((ys != "") & y.isna()).to_numpy(), lines, ys, "LAMBERT_Y",
                   "une coordonnée en mètres (Lambert-93) ou une valeur vide")
        checks.add(((xs == "") != (ys == "")).to_numpy(), lines, xs, "LAMBERT_X",
                   "LAMBERT_X et LAMBERT_Y tous deux remplis ou tous deux vides")
        count = None
    else:
        nb = df["NB_EQUIP"].str.strip()
        count = pd.to_numeric(nb, errors="coerce")
        bad_nb = count.isna() | (count < 1) | (count != count.round())
        checks.add(bad_nb.to_numpy(), lines, nb, "NB_EQUIP", "un nombre entier d'équipements ≥ 1")
    checks.raise_if_any()

    years = sorted(set(an_num.astype(int)))
    if len(years) > 1:
        raise InputFileError([Problem(name, None, "AN", "un seul millésime par fichier",
                                      ", ".join(map(str, years)))])
    vintage = years[0]
    rows_read = len(df)

    other = 0
    if area is not None:
        dep = depcom.str[:3].where(depcom.str.startswith("97"), depcom.str[:2])
        mine = (dep == area.departement).to_numpy()
        other = int((~mine).sum())
        df, typequ, depcom, lines = df[mine], typequ[mine], depcom[mine], lines[mine]
        if iris is not None:
            iris = iris[mine]
        if kind == "detailed":
            x, y = x[mine], y[mine]
        else:
            count = count[mine]  # type: ignore[index]

    warnings = _unknown_codes(name, typequ)
    t = nomenclature.service_types()
    labels = typequ.map(dict(zip(t["code"], t["libelle"], strict=True)))
    labels = labels.fillna("Équipement " + typequ)
    nom = labels + " (" + depcom + ")"
    iris_s = iris if iris is not None else pd.Series("", index=df.index)

    if kind == "detailed":
        quality = df["QUALITE_XY"].str.strip().str.lower() if "QUALITE_XY" in df.columns else \
            pd.Series("", index=df.index)
        key = pd.DataFrame({"t": typequ, "c": depcom, "i": iris_s, "x": x.round(1).astype(str),
                            "y": y.round(1).astype(str)})
        h = pd.util.hash_pandas_object(key, index=False).to_numpy()
        occ = key.groupby(["t", "c", "i", "x", "y"], sort=False).cumcount().to_numpy()
        pid = [f"bpe{vintage}:{v:016x}" + (f"-{k}" if k else "") for v, k in zip(h, occ,
                                                                                  strict=True)]
        cand = _frame(pid, typequ, nom, x.to_numpy(float), y.to_numpy(float), depcom,
                      quality.isin(_POOR_QUALITY).to_numpy(), lines)
    else:
        reps = count.astype(int).to_numpy()  # type: ignore[union-attr]
        pos = np.repeat(np.arange(len(df)), reps)
        t_r, c_r = typequ.to_numpy()[pos], depcom.to_numpy()[pos]
        i_r = iris_s.to_numpy()[pos]
        key = pd.DataFrame({"i": np.where(i_r == "", c_r, i_r), "t": t_r})
        occ = key.groupby(["i", "t"], sort=False).cumcount().to_numpy() + 1
        pid = [f"bpe{vintage}:agg:{a}:{b}:{k}" for a, b, k in
               zip(key["i"], key["t"], occ, strict=True)]
        xx = np.full(len(pos), np.nan)
        yy = np.full(len(pos), np.nan)
        if iris_points is not None and len(pos):
            ip = iris_points.reindex(key["i"].to_numpy())
            xx, yy = ip["x"].to_numpy(float), ip["y"].to_numpy(float)
        cand = _frame(pid, pd.Series(t_r), pd.Series(nom.to_numpy()[pos]), xx, yy,
                      pd.Series(c_r), np.ones(len(pos), dtype=bool), lines[pos])
    if cand.empty:
        return ImportResult("bpe", name, raw.sha256, vintage, "", empty_points(), rows_read,
                            warnings=warnings, other_departements=other)
    points, excluded = finish(cand, file_name=name, area=area, strict=strict, source="bpe")
    return ImportResult("bpe", name, raw.sha256, vintage, "", points, rows_read,
                        excluded=excluded, warnings=warnings, other_departements=other)


def _labels() -> frozenset[str]:
    return nomenclature.known_codes()


def _unknown_codes(name: str, typequ: pd.Series) -> list[Problem]:
    counts = typequ[~typequ.isin(_labels())].value_counts()
    return [Problem(name, None, "TYPEQU", "un code décrit dans la nomenclature de sdaasp",
                    f"« {code} » ({n} ligne(s), importé(s) sans libellé)")
            for code, n in counts.items()]


def _frame(pid: list[str], typequ: pd.Series, nom: pd.Series, x: np.ndarray, y: np.ndarray,
           commune: pd.Series, approximate: np.ndarray, lines: np.ndarray) -> pd.DataFrame:
    n = len(pid)
    return pd.DataFrame({
        "point_id": pid, "type_code": typequ.to_numpy(), "nom": nom.to_numpy(), "x": x, "y": y,
        "capacity": np.full(n, np.nan), "commune_code": commune.to_numpy(),
        "approximate": approximate, "source": "bpe", "lon": np.full(n, np.nan),
        "lat": np.full(n, np.nan), "adresse": "", "operateur": "INSEE (BPE)",
        "itinerant": False, "telephone": "", "email": "", "horaires": None,
        "horaires_texte": "", "hours_per_week": np.nan, "days_open": None,
        "saturday_open": None, "evening_open": None, "hours_approximate": False,
        "line": lines,
    })
