"""Groupings of EPCI into the territories of a scheme (the SCoT territories of the Nord scheme).

A grouping file is a small TOML file, versioned with the code (``data/groupings/<code>.toml``)
or supplied by the user. Format (documented in docs/territory.md)::

    departement = "59"
    nom = "Territoires SCoT du SDAASP du Nord"
    source = "…"

    [[territoire]]
    code = "cambresis"
    nom = "Cambrésis"
    epci = ["200068500", "200030633", "245901038"]   # SIREN of the EPCI
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sdaasp.errors import InputFileError, Problem, SdaaspError


@dataclass(frozen=True)
class Group:
    code: str
    nom: str
    epci: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """The territories (SCoT) of one département, each a set of EPCI SIREN codes."""

    departement: str
    nom: str
    source: str
    groups: tuple[Group, ...] = field(default_factory=tuple)
    path: str = ""

    def scot_of_epci(self) -> dict[str, str]:
        """Map EPCI SIREN → territory code."""
        return {siren: g.code for g in self.groups for siren in g.epci}


def bundled_grouping_path(departement: str) -> Path | None:
    """Path of the grouping shipped with sdaasp for ``departement``, if any."""
    ref = resources.files("sdaasp.territory") / "data" / "groupings" / f"{departement}.toml"
    return Path(str(ref)) if ref.is_file() else None


def load_grouping(path: str | Path) -> Grouping:
    """Read and validate a grouping file; every problem is reported at once, in French."""
    path = Path(path)
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SdaaspError(f"Fichier de regroupements introuvable : {name}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SdaaspError(f"{name} : fichier TOML illisible ({exc}).") from None

    problems: list[Problem] = []
    for key in ("departement", "nom"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problems.append(Problem(name, None, key, "un texte non vide", repr(data.get(key))))
    groups: list[Group] = []
    seen_codes: set[str] = set()
    seen_epci: dict[str, str] = {}
    raw_groups = data.get("territoire", [])
    if not isinstance(raw_groups, list) or not raw_groups:
        problems.append(Problem(name, None, "territoire", "au moins un [[territoire]]", "aucun"))
        raw_groups = []
    for i, g in enumerate(raw_groups, start=1):
        where = f"territoire n° {i}"
        code, nom, epci = g.get("code"), g.get("nom"), g.get("epci")
        if not isinstance(code, str) or not code:
            problems.append(Problem(name, None, f"{where}.code", "un texte non vide", repr(code)))
            continue
        if code in seen_codes:
            problems.append(Problem(name, None, f"{where}.code", "un code unique", code))
        seen_codes.add(code)
        if not isinstance(nom, str) or not nom:
            problems.append(Problem(name, None, f"{where}.nom", "un texte non vide", repr(nom)))
        if not isinstance(epci, list) or not all(isinstance(e, str) for e in epci) or not epci:
            problems.append(
                Problem(name, None, f"{where}.epci", "une liste de SIREN (textes)", repr(epci))
            )
            continue
        for siren in epci:
            if siren in seen_epci:
                problems.append(
                    Problem(name, None, f"{where}.epci", "un EPCI dans un seul territoire",
                            f"{siren} déjà dans « {seen_epci[siren]} »")
                )
            seen_epci[siren] = code
        groups.append(Group(code=code, nom=str(nom), epci=tuple(epci)))
    if problems:
        raise InputFileError(problems)
    return Grouping(
        departement=data["departement"],
        nom=data["nom"],
        source=str(data.get("source", "")),
        groups=tuple(groups),
        path=name,
    )
