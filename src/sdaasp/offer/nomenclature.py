"""Service-type nomenclature: INSEE BPE TYPEQU codes, sdaasp's own types, code changes, baskets.

The BPE nomenclature changes between vintages (La Poste: A201 in 2009, A206 since 2013), so every
type records the vintages it exists in, and :func:`equivalent_codes` follows the changes. Types
the BPE lacks (France Services, MSAP, town halls…) have stable codes of our own.
"""

from __future__ import annotations

import csv
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from sdaasp.errors import InputFileError, Problem

#: A well-formed BPE TYPEQU code: domain letter A–G and three digits.
TYPEQU_RE = re.compile(r"^[A-G]\d{3}$")

#: sdaasp's own types, for what the BPE lacks.
OWN_TYPES = ("FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP", "PERMANENCE", "CONSEILLER_NUM",
             "MAIRIE")

GAMMES = ("proximité", "intermédiaire", "supérieure")

#: Columns of :func:`service_types`.
TYPE_COLUMNS = ["code", "libelle", "domaine", "sous_domaine", "gamme", "panier", "annees",
                "origine"]


def _data_lines(name: str) -> list[str]:
    text = resources.files("sdaasp.offer").joinpath("data", name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def service_types() -> pd.DataFrame:
    """Every known service type, one row per code.

    Columns: ``code``, ``libelle``, ``domaine``, ``sous_domaine``, ``gamme`` (``""`` when not
    classified), ``panier`` (bool), ``annees`` (tuple of BPE vintages, empty for own types),
    ``origine`` (``"bpe"`` or ``"sdaasp"``).
    """
    rows = []
    for r in csv.DictReader(_data_lines("typequ.csv"), delimiter=";"):
        rows.append({**r, "panier": r["panier"] == "oui",
                     "annees": tuple(int(y) for y in r["annees"].split()), "origine": "bpe"})
    for r in csv.DictReader(_data_lines("own_types.csv"), delimiter=";"):
        rows.append({**r, "panier": r["panier"] == "oui", "annees": (), "origine": "sdaasp"})
    df = pd.DataFrame(rows, columns=TYPE_COLUMNS)
    return df.set_index("code", drop=False).rename_axis(None)


def known_codes() -> frozenset[str]:
    """Every code of the nomenclature (all vintages and our own types)."""
    return frozenset(service_types()["code"])


def types_of_year(year: int) -> pd.DataFrame:
    """Types of the BPE vintage ``year`` (the latest described vintage not after it) plus ours.

    Only the 2009, 2013 and (partly) 2018 vintages are described; a year in between uses the
    previous described vintage.
    """
    t = service_types()
    vintages = sorted({y for ys in t["annees"] for y in ys})
    base = max((v for v in vintages if v <= year), default=vintages[0])
    mask = t["annees"].map(lambda ys: base in ys) | (t["origine"] == "sdaasp")
    return t[mask]


def label(code: str) -> str:
    """French label of ``code``, or a neutral label for a well-formed but undescribed code."""
    t = service_types()
    if code in t.index:
        return str(t.at[code, "libelle"])
    return f"Code BPE {code} (non décrit dans la nomenclature de sdaasp)"


@lru_cache(maxsize=1)
def code_changes() -> pd.DataFrame:
    """TYPEQU code changes: ``ancien_code``, ``ancienne_annee``, ``nouveau_code``,
    ``nouvelle_annee``, ``note``."""
    df = pd.DataFrame(list(csv.DictReader(_data_lines("changes.csv"), delimiter=";")))
    df["ancienne_annee"] = df["ancienne_annee"].astype(int)
    df["nouvelle_annee"] = df["nouvelle_annee"].astype(int)
    return df


def equivalent_codes(code: str) -> set[str]:
    """``code`` and every code linked to it by a change, in either direction (transitively).

    Used to compare vintages: the post offices of 2009 (A201) are those of 2018 (A206).
    """
    ch = code_changes()
    edges: dict[str, set[str]] = {}
    for old, new in zip(ch["ancien_code"], ch["nouveau_code"], strict=True):
        edges.setdefault(old, set()).add(new)
        edges.setdefault(new, set()).add(old)
    seen, todo = {code}, [code]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def translate_code(code: str, *, to_year: int) -> set[str]:
    """The codes of vintage ``to_year`` that continue ``code`` (itself if it still exists).

    Changes are followed in the direction of time only (forward to a later vintage, backward
    to an earlier one), so that a split is not mistaken for a merge with its siblings.
    """
    target = types_of_year(to_year).index
    if code in target:
        return {code}
    ch = code_changes()
    t = service_types()
    years: tuple[int, ...] = tuple(t.loc[code, "annees"]) if code in t.index else ()  # type: ignore[arg-type]  # a tuple cell
    forward = not years or max(years) < to_year
    src, dst = ("ancien_code", "nouveau_code") if forward else ("nouveau_code", "ancien_code")
    edges: dict[str, set[str]] = {}
    for a, b in zip(ch[src], ch[dst], strict=True):
        edges.setdefault(a, set()).add(b)
    out: set[str] = set()
    seen, todo = {code}, [code]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt in seen:
                continue
            seen.add(nxt)
            if nxt in target:
                out.add(nxt)
            else:
                todo.append(nxt)
    return out


@dataclass(frozen=True)
class Basket:
    """A named set of service types (a "panier"), e.g. the France Services network."""

    code: str
    nom: str
    types: tuple[str, ...]
    description: str = ""
    source: str = field(default="sdaasp", compare=False)


def load_baskets(path: str | Path | None = None) -> list[Basket]:
    """Read baskets from a TOML file (the bundled file by default), checking every code.

    ``types = "panier"`` means every type marked as part of the "panier de la vie courante".
    Every problem is collected before refusing the file.
    """
    if path is None:
        text = resources.files("sdaasp.offer").joinpath("data", "baskets.toml").read_text(
            encoding="utf-8")
        name = "paniers fournis avec sdaasp"
    else:
        p = Path(path)
        name = p.name
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError([Problem(name, None, None, "un fichier TOML en UTF-8 lisible",
                                          type(exc).__name__)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputFileError([Problem(name, None, None, "un fichier TOML valide", str(exc))]) \
            from None
    problems: list[Problem] = []
    baskets: list[Basket] = []
    known = known_codes()
    panier = tuple(service_types().query("panier")["code"])
    entries = data.get("panier", [])
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(name, None, "panier", "au moins une table [[panier]]",
                                "aucune"))
        entries = []
    seen: set[str] = set()
    for i, e in enumerate(entries, start=1):
        where = f"panier n° {i}"
        if not isinstance(e, dict):
            problems.append(Problem(name, None, where, "une table", repr(e)))
            continue
        code, nom, types = e.get("code"), e.get("nom"), e.get("types")
        if not isinstance(code, str) or not re.fullmatch(r"[a-z0-9_-]{1,50}", code):
            problems.append(Problem(name, None, f"{where} : code",
                                    "un identifiant court (minuscules, chiffres, _ ou -)",
                                    repr(code)))
        elif code in seen:
            problems.append(Problem(name, None, f"{where} : code", "un code unique",
                                    f"« {code} » en double"))
        else:
            seen.add(code)
        if not isinstance(nom, str) or not nom.strip():
            problems.append(Problem(name, None, f"{where} : nom", "un nom", repr(nom)))
        if types == "panier":
            types = list(panier)
        if not isinstance(types, list) or not types:
            problems.append(Problem(name, None, f"{where} : types",
                                    "une liste de codes de types", repr(types)))
            continue
        bad = [t for t in types if t not in known]
        if bad:
            problems.append(Problem(name, None, f"{where} : types",
                                    "des codes de la nomenclature (TYPEQU ou types sdaasp)",
                                    ", ".join(map(str, bad))))
            continue
        baskets.append(Basket(code=str(code), nom=str(nom), types=tuple(types),
                              description=str(e.get("description", "")), source=name))
    if problems:
        raise InputFileError(problems)
    return baskets
