"""``sdaasp demo``: load the demo pack of real open data of the Nord (2018–2021 vintages)."""

from __future__ import annotations

import argparse

from sdaasp.cli.base import Command, Group


class DemoLoad(Command):
    name = "load"
    help = "charger le jeu de démonstration (données réelles du Nord, 2018-2021)"
    description = (
        "Importe, pour le Nord (59), les fichiers du jeu de démonstration livré avec sdaasp : "
        "France Services 2020 et MSAP 2018 du Nord et des départements voisins, équipements "
        "d'enseignement de la BPE 2018, collèges de la MEL avec leurs effectifs, Filosofi 2019 "
        "par commune et profils sociaux des IRIS de la MEL 2019 (sources et licences : "
        "docs/demo.md). Un fichier déjà importé, ou remplacé par un fichier de l'utilisateur, "
        "est laissé tel quel : relancer la commande ne change rien."
    )
    epilog = "Exemple :\n  sdaasp territory build 59\n  sdaasp demo load"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--departement", metavar="CODE", default="59",
                            help="département (le jeu ne concerne que le Nord, 59)")

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.demo.loader import load_pack

        report = load_pack(args.departement)
        print(report)
        self.outcome = f"jeu de démonstration, département {report.departement}"
        return 0


COMMANDS = [
    Group("demo", help="jeu de démonstration (données réelles du Nord)",
          description="Le jeu de démonstration : données ouvertes réelles du Nord, extraites et "
                      "livrées avec sdaasp.",
          commands=[DemoLoad]),
]
