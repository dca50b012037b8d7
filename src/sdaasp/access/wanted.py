"""Which service types a diagnostic computes: the codes asked for, checked against the
nomenclature and the inventory, and basket names resolved to their types.

A type with no point in the inventory would give « non disponible » everywhere: the command
refuses it before computing anything, and says in one French line what the inventory holds
and how to import what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sdaasp.errors import SdaaspError
from sdaasp.offer import nomenclature as nm

#: How to import the points of a type, by its code (BPE codes: the BPE file).
_IMPORT_HINTS = {
    "FS_FIXE": "france-services", "FS_ITINERANT": "france-services",
    "FS_ANTENNE": "france-services", "MSAP": "msap",
}


def _n(v: int) -> str:
    return f"{v:,}".replace(",", "\u202f")


def _named(code: str) -> str:
    return f"{code} ({nm.label(code)})" if code in nm.known_codes() else code


def describe_inventory(inventory: Mapping[str, int], limit: int = 12) -> str:
    """« MAIRIE (Mairie) : 647, A206 (Bureau de poste) : 120 … » — the most numerous first."""
    if not inventory:
        return "aucun point de service"
    items = sorted(inventory.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{_named(c)} : {_n(v)}" for c, v in items[:limit])
    return text + (f" et {len(items) - limit} autre(s) type(s)" if len(items) > limit else "")


def import_hint(codes: Sequence[str]) -> str:
    """The commands that import the points of ``codes``."""
    sources = []
    for c in codes:
        if nm.TYPEQU_RE.match(c):
            s = "bpe (sdaasp download bpe, puis sdaasp services import FICHIER --source bpe)"
        elif c in _IMPORT_HINTS:
            s = f"{_IMPORT_HINTS[c]} (sdaasp services import FICHIER --source {_IMPORT_HINTS[c]})"
        else:
            s = "csv ou geojson (sdaasp services import FICHIER --source csv)"
        if s not in sources:
            sources.append(s)
    return "importez-les : " + " ; ".join(sources)


def _of(departement: str | None) -> str:
    return f"l'inventaire du département {departement}" if departement else "l'inventaire"


def normalise_types(codes: Sequence[str], inventory: Mapping[str, int], *,
                    departement: str | None = None) -> list[str]:
    """Type codes as written in the nomenclature (``a206`` → ``A206``), once each, in order;
    a code neither in the nomenclature nor in the inventory is refused, naming what exists."""
    known = nm.known_codes()
    out: list[str] = []
    unknown: list[str] = []
    for raw in codes:
        code = raw if (raw in known or raw in inventory) else raw.strip().upper()
        if code not in known and code not in inventory:
            unknown.append(raw)
        elif code not in out:
            out.append(code)
    if unknown:
        raise SdaaspError(
            f"Type(s) de service inconnu(s) : {', '.join(unknown)} (ni dans la nomenclature "
            f"des types — codes TYPEQU de la BPE, FS_FIXE, MSAP, MAIRIE… — ni dans "
            f"{_of(departement)}). Types présents : {describe_inventory(inventory)}.")
    return out


def check_present(codes: Sequence[str], inventory: Mapping[str, int], *,
                  basket: tuple[str, str] | None = None, departement: str | None = None
                  ) -> None:
    """Refuse types without any point in the inventory, naming them, what exists and how to
    import them; ``basket`` (code, name) says that these types are those of a basket."""
    absent = [c for c in codes if inventory.get(c, 0) == 0]
    if not absent:
        return
    names = ", ".join(_named(c) for c in absent)
    present = [c for c in codes if c not in absent]
    if basket is not None:
        head = (f"Panier « {basket[0]} » ({basket[1]}) : {len(absent)} type(s) sur "
                f"{len(codes)} sans aucun point de service dans {_of(departement)} : {names}"
                + (f" (présents : {', '.join(present)})" if present else ""))
    else:
        head = f"Aucun point de service de type {names} dans {_of(departement)}"
    raise SdaaspError(f"{head} ; {import_hint(absent)}. Types présents : "
                      f"{describe_inventory(inventory)}.")


def resolve_basket(args: Sequence[str], baskets: Mapping[str, tuple[str, Sequence[str]]],
                   inventory: Mapping[str, int]) -> tuple[list[str], tuple[str, str] | None]:
    """The types of ``--basket``: one or more basket codes (as ``sdaasp services baskets``
    lists them; ``baskets`` maps a code to its name and types) and/or type codes. Returns the
    types, once each, and (code, name) of the basket when exactly one was named alone."""
    known = nm.known_codes()
    types: list[str] = []
    named: list[tuple[str, str]] = []
    unknown: list[str] = []
    lower = {k.lower(): k for k in baskets}
    for raw in args:
        key = raw if raw in baskets else lower.get(raw.strip().lower())
        if key is not None:
            nom, codes = baskets[key]
            named.append((key, nom))
            types += [c for c in codes if c not in types]
            continue
        code = raw if (raw in known or raw in inventory) else raw.strip().upper()
        if code in known or code in inventory:
            types += [code] if code not in types else []
        else:
            unknown.append(raw)
    if unknown:
        listing = "; ".join(f"{k} ({baskets[k][0]})" for k in sorted(baskets)) or "aucun"
        raise SdaaspError(
            f"Panier inconnu : {', '.join(unknown)} (ni un panier enregistré, ni un code de "
            f"type de la nomenclature). Paniers enregistrés (sdaasp services baskets) : "
            f"{listing}.")
    only = named[0] if len(named) == 1 and len(args) == 1 else None
    return types, only
