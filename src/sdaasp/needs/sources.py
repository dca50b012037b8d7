"""A needs source (one imported file) and the helpers shared by the importers.

Every importer returns a :class:`NeedsSource`: the file's identity (content hash, vintage)
and a long table of values by area, one row per (area, indicator). Missing is not zero: a
value INSEE does not publish (secret, ``ns``, ``nd``, empty cell) stays NaN.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp.errors import InputFileError, Problem, SdaaspError

#: Columns of :attr:`NeedsSource.values`.
VALUE_COLUMNS = ["code", "commune_code", "indicator", "numerator", "denominator", "value"]

#: Cell contents that mean "not published" in INSEE files (secret, non significant, n/a).
MISSING_MARKERS = {"", "s", "ns", "nd", "nc", "n.d.", "na", "nan", "null", "secret"}

_COMMUNE_RE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_IRIS_RE = re.compile(r"^[0-9][0-9AB][0-9]{7}$")


@dataclass(frozen=True)
class NeedsSource:
    """One imported needs file.

    Attributes
    ----------
    kind : importer used (``recensement``, ``filosofi``, ``mel-iris-2019``, ``qpv``,
        ``couverture``).
    label : French description of the source shown to users, with its vintage.
    vintage : year of the data (``"2019"``).
    level : ``"iris"`` or ``"commune"``.
    path, sha256 : the file read and its content hash (runs record it).
    values : long table with :data:`VALUE_COLUMNS` (``value`` is a fraction, NaN if missing).
    geometry : area polygons in Lambert-93 (``code``, ``geometry``) when the file has them.
    definitions : indicator code → French definition of the value in this source.
    notes : French remarks on how the file was read (e.g. duplicates merged).
    """

    kind: str
    label: str
    vintage: str
    level: str
    path: str
    sha256: str
    values: pd.DataFrame
    geometry: gpd.GeoDataFrame | None = None
    definitions: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def indicators(self) -> list[str]:
        return sorted(set(self.values["indicator"]))


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_bytes(path: str | Path) -> bytes:
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SdaaspError(f"Fichier introuvable : {path}") from None
    except IsADirectoryError:
        raise SdaaspError(f"{path} est un dossier, pas un fichier.") from None


def read_csv_text(data: bytes, name: str) -> pd.DataFrame:
    """Decode (UTF-8, else Windows-1252 as some INSEE files), sniff the separator, all str."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    seps = {s: first.count(s) for s in (";", ",", "\t")}
    sep = max(seps, key=lambda s: seps[s])
    if seps[sep] == 0:
        raise InputFileError([Problem(name, 1, None, "un en-tête CSV (séparateur « ; » ou « , »)",
                                      first[:60] or "une ligne vide")])
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputFileError([Problem(name, None, None, "un fichier CSV lisible",
                                      str(exc).strip())]) from None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def parse_numbers(df: pd.DataFrame, columns: list[str], name: str, problems: list[Problem], *,
                  first_line: int = 2, where: str = "ligne") -> pd.DataFrame:
    """Parse ``columns`` as floats (decimal comma accepted); INSEE's markers become NaN.

    Every cell that is neither a number nor a missing marker adds a :class:`Problem`.
    """
    out = pd.DataFrame(index=df.index)
    for col in columns:
        raw = df[col].astype(object).where(df[col].notna(), "").astype(str).str.strip()
        missing = raw.str.lower().isin(MISSING_MARKERS)
        num = pd.to_numeric(raw.str.replace(",", ".", regex=False).where(~missing),
                            errors="coerce")
        bad = num.isna() & ~missing
        negative = num < 0
        for i in np.flatnonzero((bad | negative).to_numpy())[:50]:
            line = int(i) + first_line if where == "ligne" else None
            field_name = col if where == "ligne" else f"{col} (entité n° {int(i) + 1})"
            expected = "un nombre positif ou nul (ou une case vide / « s » / « nd »)"
            problems.append(Problem(name, line, field_name, expected, repr(raw.iloc[i])))
        out[col] = num.astype(float)
    return out


def check_codes(codes: pd.Series, *, level: str, name: str, column: str,
                problems: list[Problem], first_line: int = 2) -> None:
    """Codes must be well-formed INSEE codes and unique."""
    pattern = _IRIS_RE if level == "iris" else _COMMUNE_RE
    expected = ("un code IRIS à 9 caractères (ex. 593500101)" if level == "iris"
                else "un code commune INSEE à 5 caractères (ex. 59350)")
    ok = codes.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(~ok)[:50]:
        problems.append(Problem(name, int(i) + first_line, column, expected, repr(codes.iloc[i])))
    dup = codes.duplicated(keep="first").to_numpy()
    for i in np.flatnonzero(dup & ok)[:50]:
        problems.append(Problem(name, int(i) + first_line, column, "un code unique",
                                f"{codes.iloc[i]} déjà vu plus haut"))


def ratio_rows(codes: pd.Series, communes: pd.Series, indicator: str,
               numerator: pd.Series, denominator: pd.Series) -> pd.DataFrame:
    """Rows of the long table for a ratio; value is NaN when either side is missing or 0."""
    num = numerator.to_numpy(dtype=float)
    den = denominator.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(den > 0, num / den, np.nan)
    return pd.DataFrame({
        "code": codes.to_numpy(), "commune_code": communes.to_numpy(), "indicator": indicator,
        "numerator": num, "denominator": den, "value": value,
    })


def count_rows(codes: pd.Series, communes: pd.Series, indicator: str,
               count: pd.Series) -> pd.DataFrame:
    c = count.to_numpy(dtype=float)
    return pd.DataFrame({
        "code": codes.to_numpy(), "commune_code": communes.to_numpy(), "indicator": indicator,
        "numerator": c, "denominator": np.nan, "value": c,
    })


def finish(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate value rows in a stable order (reproducible runs)."""
    values = pd.concat(parts, ignore_index=True)[VALUE_COLUMNS]
    return values.sort_values(["indicator", "code"], kind="stable").reset_index(drop=True)
