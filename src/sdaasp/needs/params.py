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
    agregation: str = "moyenne"


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
    vitesse_kmh: float
    detour: float

    @property
    def label(self) -> str:
        return f"{self.nom} (version {self.version}, empreinte {self.sha256[:12]})"


def default_params_path() -> Path:
    return Path(str(resources.files("sdaasp.needs") / "data" / "zones-default.toml"))


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
    problems: list[Problem] = []

    def num(table: dict, key: str, where: str, *, lo: float = 0.0, hi: float | None = None,
            default: float | None = None) -> float:
        value = table.get(key, default)
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= lo \
            and (hi is None or value <= hi)
        if not ok:
            bound = f"entre {lo:g} et {hi:g}" if hi is not None else f"≥ {lo:g}"
            problems.append(Problem(name, None, f"{where}.{key}", f"un nombre {bound}",
                                    repr(value)))
            return 0.0
        return float(value)

    version = data.get("version")
    if not isinstance(version, str) or not version:
        problems.append(Problem(name, None, "version", "un texte non vide (ex. « 2026.1 »)",
                                repr(version)))
    acces = data.get("acces", {})
    besoins = data.get("besoins", {})
    terr = data.get("territoires", {})
    approx = data.get("approximation", {})
    part_min = num(acces, "part_population_min", "acces", hi=1.0)
    services: list[Service] = []
    seen: set[str] = set()
    for kind in ("service", "panier"):
        for i, s in enumerate(acces.get(kind, []), start=1):
            where = f"acces.{kind} n° {i}"
            code = s.get("code")
            if not isinstance(code, str) or not code or code in seen:
                problems.append(Problem(name, None, f"{where}.code", "un code unique non vide",
                                        repr(code)))
                continue
            seen.add(code)
            types = s.get("types", [code]) if kind == "panier" else [code]
            if not isinstance(types, list) or not types or \
                    not all(isinstance(t, str) for t in types):
                problems.append(Problem(name, None, f"{where}.types",
                                        "une liste de codes de types", repr(types)))
                types = [code]
            agg = s.get("agregation", "moyenne")
            if agg not in ("moyenne", "maximum"):
                problems.append(Problem(name, None, f"{where}.agregation",
                                        "« moyenne » ou « maximum »", repr(agg)))
            services.append(Service(
                code=code, libelle=str(s.get("libelle", code)), types=tuple(types),
                seuil_minutes=num(s, "seuil_minutes", where, lo=0.0),
                poids=num(s, "poids", where, default=1.0), agregation=agg,
            ))
    manquant = besoins.get("manquant", "disponibles")
    if manquant not in ("disponibles", "indetermine"):
        problems.append(Problem(name, None, "besoins.manquant",
                                "« disponibles » ou « indetermine »", repr(manquant)))
    poids = {}
    for dim, w in besoins.get("poids", {}).items():
        if dim not in DIMENSIONS:
            problems.append(Problem(name, None, f"besoins.poids.{dim}",
                                    f"une dimension parmi {', '.join(DIMENSIONS)}", dim))
        else:
            poids[dim] = num({dim: w}, dim, "besoins.poids")
    seuils = {}
    for ind, v in besoins.get("seuils", {}).items():
        if ind not in INDICATORS:
            problems.append(Problem(name, None, f"besoins.seuils.{ind}",
                                    f"un indicateur parmi {', '.join(INDICATORS)}", ind))
        else:
            seuils[ind] = num({ind: v}, ind, "besoins.seuils", hi=1.0)
    multiples = terr.get("problematiques_multiples", 2)
    if not isinstance(multiples, int) or multiples < 1:
        problems.append(Problem(name, None, "territoires.problematiques_multiples",
                                "un entier ≥ 1", repr(multiples)))
        multiples = 2
    params = Params(
        version=str(version), nom=str(data.get("nom", path.stem)),
        sha256=hashlib.sha256(raw).hexdigest(), path=name, part_population_min=part_min,
        services=tuple(services), poids_min=num(besoins, "poids_min", "besoins", default=1.0),
        manquant=str(manquant), poids=poids, seuils=seuils,
        part_population_critique=num(terr, "part_population_critique", "territoires",
                                     hi=1.0, default=0.25),
        problematiques_multiples=multiples,
        vitesse_kmh=num(approx, "vitesse_kmh", "approximation", lo=1.0, default=30.0),
        detour=num(approx, "detour", "approximation", lo=1.0, default=1.3),
    )
    if problems:
        raise InputFileError(problems)
    return params
