"""The types a diagnostic computes: codes checked against the nomenclature and the inventory,
basket names resolved; each refusal is one French line naming what exists."""

from __future__ import annotations

import pytest

from sdaasp.access.wanted import (
    check_present,
    describe_inventory,
    normalise_types,
    resolve_basket,
)
from sdaasp.errors import SdaaspError
from sdaasp.offer.nomenclature import load_baskets

INVENTORY = {"MAIRIE": 647, "FS_FIXE": 10, "A206": 0}
BASKETS = {b.code: (b.nom, list(b.types)) for b in load_baskets()}


def test_inventory_described_most_numerous_first_with_labels():
    assert describe_inventory({"FS_FIXE": 10, "MAIRIE": 647}) == (
        "MAIRIE (Mairie) : 647, FS_FIXE (France Services (espace fixe)) : 10")
    assert describe_inventory({}) == "aucun point de service"
    many = {f"C{k:03d}": k for k in range(100, 115)}
    assert describe_inventory(many, limit=3).endswith("et 12 autre(s) type(s)")


def test_absent_type_names_it_what_exists_and_how_to_import():
    with pytest.raises(SdaaspError) as exc:
        check_present(["MAIRIE", "A206"], INVENTORY, departement="59")
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith("Aucun point de service de type A206 (Bureau de poste) dans "
                          "l'inventaire du département 59")
    assert "sdaasp services import FICHIER --source bpe" in msg
    assert "MAIRIE (Mairie) : 647" in msg and "FS_FIXE (France Services (espace fixe)) : 10" in msg
    check_present(["MAIRIE", "FS_FIXE"], INVENTORY)  # all present: nothing to say


def test_unknown_type_is_refused_unless_the_inventory_has_it():
    with pytest.raises(SdaaspError, match=r"inconnu\(s\) : X999 .*MAIRIE \(Mairie\) : 647"):
        normalise_types(["MAIRIE", "X999"], INVENTORY)
    # lower case is the nomenclature's code; duplicates once
    assert normalise_types(["mairie", "A206", "MAIRIE"], INVENTORY) == ["MAIRIE", "A206"]
    # a well-formed code the nomenclature does not describe, but the inventory holds
    assert normalise_types(["F999"], {"F999": 3}) == ["F999"]


def test_basket_by_name_by_types_and_mixed():
    types, name = resolve_basket(["france_services"], BASKETS, INVENTORY)
    assert types == ["FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP"]
    assert name == ("france_services", "Réseau France Services et MSAP")
    assert resolve_basket(["FRANCE_SERVICES"], BASKETS, INVENTORY)[1][0] == "france_services"
    assert resolve_basket(["MAIRIE", "fs_fixe"], BASKETS, INVENTORY) == (
        ["MAIRIE", "FS_FIXE"], None)
    types, name = resolve_basket(["france_services", "MAIRIE"], BASKETS, INVENTORY)
    assert types[-1] == "MAIRIE" and name is None


def test_unknown_basket_lists_the_baskets():
    with pytest.raises(SdaaspError) as exc:
        resolve_basket(["panier_inconnu"], BASKETS, INVENTORY)
    msg = str(exc.value)
    assert msg.startswith("Panier inconnu : panier_inconnu")
    for code, (nom, _) in BASKETS.items():
        assert f"{code} ({nom})" in msg


def test_partly_absent_basket_says_which():
    types, name = resolve_basket(["france_services"], BASKETS, INVENTORY)
    with pytest.raises(SdaaspError) as exc:
        check_present(types, INVENTORY, basket=name, departement="59")
    msg = str(exc.value)
    assert msg.startswith("Panier « france_services » (Réseau France Services et MSAP) : 3 "
                          "type(s) sur 4 sans aucun point de service dans l'inventaire du "
                          "département 59 : FS_ITINERANT")
    assert "MSAP (Maison de services au public (MSAP))" in msg
    assert "(présents : FS_FIXE)" in msg
    assert "--source france-services" in msg and "--source msap" in msg
