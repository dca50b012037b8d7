"""The versioned parameter file of the zones method (TOML), validated all at once.

A run records the file's ``version`` and the SHA-256 of its bytes, so that a figure can be
traced to the exact thresholds and weights used.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sdaasp.errors import InputFileError, Problem, SdaaspError
from sdaasp.needs.catalogue import DIMENSIONS, INDICATORS


@dataclass(frozen=True)
class Service:
    """A service type or a basket of types with its time threshold."""

    code: str
    libelle: str
    types: tuple[str, ...]
    seuil_minutes: float
    poids: float
    agregation: str = "moyenne"  # "moyenne", "maximum" or "minimum" (nearest of any type)


@dataclass(frozen=True)
class Params:
    version: str
    nom: str
    sha256: str
    path: str
    part_population_min: float
    services: tuple[Service, ...]
    poids_min: float
    manquant: str
    poids: dict[str, float]
    seuils: dict[str, float]
    part_population_critique: float
    problematiques_multiples: int

    @property
    def label(self) -> str:
        return f"{self.nom} (version {self.version}, empreinte {self.sha256[:12]})"


def default_params_path() -> Path:
    return Path(str(resources.files("sdaasp.needs") / "data" / "zones-default.toml"))


class _Reader:
    """Reads values of a parameter file, collecting every problem (the file is refused once,
    with all of them)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []

    def bad(self, where: str, expected: str, found: object) -> None:
        self.problems.append(Problem(self.name, None, where, expected, repr(found)))

    def num(self, table: dict, key: str, where: str, *, lo: float = 0.0,
            hi: float | None = None, default: float | None = None) -> float:
        value = table.get(key, default)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= lo \
            and (hi is None or value <= hi)
        if not ok:
            bound = f"entre {lo:g} et {hi:g}" if hi is not None else f"≥ {lo:g}"
            self.bad(f"{where}.{key}", f"un nombre {bound}", value)
            return 0.0
        return float(value)  # type: ignore[arg-type]  # checked above: a number

    def service(self, kind: str, i: int, s: dict, seen: set[str]) -> Service | None:
        where = f"acces.{kind} n° {i}"
        code = s.get("code")
        if not isinstance(code, str) or not code or code in seen:
            self.bad(f"{where}.code", "un code unique non vide", code)
            return None
        seen.add(code)
        types = s.get("types", [code]) if kind == "panier" else [code]
        if not isinstance(types, list) or not types or \
                not all(isinstance(t, str) for t in types):
            self.bad(f"{where}.types", "une liste de codes de types", types)
            types = [code]
        agg = s.get("agregation", "moyenne")
        if agg not in ("moyenne", "maximum", "minimum"):
            self.bad(f"{where}.agregation", "« moyenne », « maximum » ou « minimum »", agg)
        return Service(code=code, libelle=str(s.get("libelle", code)), types=tuple(types),
                       seuil_minutes=self.num(s, "seuil_minutes", where, lo=0.0),
                       poids=self.num(s, "poids", where, default=1.0), agregation=agg)

    def keyed(self, table: dict, where: str, known: dict, label: str, *,
              hi: float | None = None) -> dict[str, float]:
        """``{key: number}`` whose keys must be among ``known`` (dimensions, indicators)."""
        out = {}
        for key, value in table.items():
            if key not in known:
                self.problems.append(Problem(self.name, None, f"{where}.{key}",
                                             f"{label} parmi {', '.join(known)}", key))
            else:
                out[key] = self.num({key: value}, key, where, hi=hi)
        return out


def load_params(path: str | Path | None = None) -> Params:
    """Read and validate a parameter file (the embedded default when ``path`` is None)."""
    path = Path(path) if path is not None else default_params_path()
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SdaaspError(f"Fichier de paramètres introuvable : {name}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SdaaspError(f"{name} : fichier TOML illisible ({exc}).") from None
    r = _Reader(name)
    version = data.get("version")
    if not isinstance(version, str) or not version:
        r.bad("version", "un texte non vide (ex. « 2026.1 »)", version)
    acces = data.get("acces", {})
    besoins = data.get("besoins", {})
    terr = data.get("territoires", {})
    part_min = r.num(acces, "part_population_min", "acces", hi=1.0)
    seen: set[str] = set()
    services = [svc for kind in ("service", "panier")
                for i, s in enumerate(acces.get(kind, []), start=1)
                if (svc := r.service(kind, i, s, seen)) is not None]
    manquant = besoins.get("manquant", "disponibles")
    if manquant not in ("disponibles", "indetermine"):
        r.bad("besoins.manquant", "« disponibles » ou « indetermine »", manquant)
    poids = r.keyed(besoins.get("poids", {}), "besoins.poids", DIMENSIONS, "une dimension")
    seuils = r.keyed(besoins.get("seuils", {}), "besoins.seuils", INDICATORS, "un indicateur",
                     hi=1.0)
    multiples = terr.get("problematiques_multiples", 2)
    if not isinstance(multiples, int) or multiples < 1:
        r.bad("territoires.problematiques_multiples", "un entier ≥ 1", multiples)
        multiples = 2
    params = Params(
        version=str(version), nom=str(data.get("nom", path.stem)),
        sha256=hashlib.sha256(raw).hexdigest(), path=name, part_population_min=part_min,
        services=tuple(services),
        poids_min=r.num(besoins, "poids_min", "besoins", default=1.0),
        manquant=str(manquant), poids=poids, seuils=seuils,
        part_population_critique=r.num(terr, "part_population_critique", "territoires",
                                       hi=1.0, default=0.25),
        problematiques_multiples=multiples,
    )
    if r.problems:
        raise InputFileError(r.problems)
    return params
