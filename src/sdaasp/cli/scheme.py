"""``sdaasp scheme``: load the Nord scheme, export a scheme, import a programme spreadsheet."""

from __future__ import annotations

import argparse
from pathlib import Path

from sdaasp.cli.base import Command, Group


class LoadNord(Command):
    name = "load-nord"
    help = "charger le SDAASP du Nord 2018-2023 (contenu par défaut)"
    description = ("Charge le schéma du Nord 2018-2023 tel que le donne sa présentation : "
                   "calendrier, avis, approbation, arrêté, diagnostic, orientations, leviers, "
                   "gouvernance, convention cadre, 9 orientations et 13 groupes de travail. "
                   "Un second chargement ne change rien.")
    epilog = "Exemples :\n  sdaasp scheme load-nord\n  sdaasp scheme load-nord --exemples"
    atomic = True

    def add_arguments(self, n: argparse.ArgumentParser) -> None:
        n.add_argument("--exemples", action="store_true",
                       help="ajouter aussi des contenus de démonstration marqués « exemple "
                            "(fictif) » : trois fiches action, une campagne de suivi et quatre "
                            "comptes de démonstration")

    def handle(self, args: argparse.Namespace) -> int:
        self.outcome = "schéma du Nord chargé" + (", exemples ajoutés" if args.exemples else "")
        return _load_nord(args)


class Export(Command):
    name = "export"
    help = "exporter un schéma en JSON ou en classeur XLSX"
    description = ("Exporte le schéma d'un département : JSON (tout le schéma) ou XLSX "
                   "(le programme d'actions, à modifier dans un tableur puis réimporter).")
    epilog = ("Exemples :\n  sdaasp scheme export 59 --format json --output nord.json\n"
              "  sdaasp scheme export 59 --format xlsx --output programme.xlsx")

    def add_arguments(self, e: argparse.ArgumentParser) -> None:
        e.add_argument("code", help="code du département (ex. 59)")
        e.add_argument("--format", required=True, choices=("json", "xlsx"),
                       help="format du fichier")
        e.add_argument("--output", required=True, type=Path, metavar="CHEMIN",
                       help="fichier à écrire")

    def handle(self, args: argparse.Namespace) -> int:
        return _export(args)


class ImportProgramme(Command):
    name = "import-programme"
    help = "importer le programme d'actions depuis un classeur XLSX"
    description = ("Importe un classeur produit par « sdaasp scheme export … --format xlsx » "
                   "puis modifié : tout le fichier est vérifié d'abord ; au moindre problème "
                   "rien n'est enregistré et chaque cellule fautive est signalée.")
    epilog = "Exemple :\n  sdaasp scheme import-programme programme.xlsx"
    atomic = True

    def add_arguments(self, i: argparse.ArgumentParser) -> None:
        i.add_argument("file", type=Path, metavar="FICHIER", help="classeur XLSX à importer")

    def handle(self, args: argparse.Namespace) -> int:
        return _import(args)


COMMANDS = [
    Group("scheme", help="schéma : charger le SDAASP du Nord, exporter, importer le programme",
          description="Le schéma lui-même : procédure, stratégie, gouvernance, programme "
                      "d'actions, convention cadre et suivi annuel.",
          commands=[LoadNord, Export, ImportProgramme]),
]


def _load_nord(args: argparse.Namespace) -> int:
    from sdaasp.scheme.nord import DEMO_PASSWORD, load_examples, load_seed

    scheme = load_seed()
    groups = sum(o.groups.count() for o in scheme.programme_orientations.all())
    print(f"{scheme.title} : chargé.")
    print(f"  Orientations du programme : {scheme.programme_orientations.count()}, "
          f"groupes de travail : {groups}, fiches action : {scheme.actions.count()}")
    if args.exemples:
        out = load_examples(scheme)
        print("Contenus de démonstration « exemple (fictif) » ajoutés : fiches action EX-1 à "
              f"EX-3, campagne de suivi {out['campaign'].year}.")
        for username, created in out["users"].items():
            state = f"mot de passe « {DEMO_PASSWORD} »" if created else "compte déjà présent"
            print(f"  Compte de démonstration {username} : {state}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from sdaasp.scheme.exchange.files import export_scheme

    path = export_scheme(args.code, args.output, fmt=args.format)
    print(f"Schéma {args.code} exporté : {path}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from sdaasp.scheme.exchange.xlsx_import import import_programme

    summary = import_programme(args.file)
    print(f"Programme importé depuis {args.file.name} : {summary}")
    return 0
