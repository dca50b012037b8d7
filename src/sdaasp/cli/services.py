"""``sdaasp services`` (import, list the service offer) and ``sdaasp download`` (official files)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from sdaasp.cli.base import Command, Group

#: As :data:`sdaasp.offer.SOURCES` (checked by a test; literal here so that the parser does not
#: import pandas).
SOURCES = ("bpe", "france-services", "msap", "csv", "geojson")


def _dep(value: str | None) -> str:
    return value or os.environ.get("SDAASP_DEPARTEMENT", "59")


class Import(Command):
    name = "import"
    help = "importer un fichier de points de service"
    description = (
        "Valide tout le fichier puis l'enregistre en une seule fois : un fichier refusé "
        "n'enregistre rien. Réimporter le même fichier met à jour ses points sans les "
        "dupliquer ; un millésime plus récent d'une source remplace l'ancien (conservé "
        "pour l'historique). Les points mal géocodés ou hors du territoire sont exclus et "
        "signalés par leur nom (ou le fichier est refusé avec --strict).")
    epilog = ("Exemples :\n"
              "  sdaasp services import bpe21_ensemble_xy_csv.zip --source bpe --year 2021\n"
              "  sdaasp services import france_services.geojson --source france-services\n"
              "  sdaasp services import MSAP-20180627.shp --source msap --strict\n"
              "  sdaasp services import partenaires.csv --source csv")
    atomic = True

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", metavar="FICHIER", type=Path, help="fichier à importer")
        parser.add_argument("--source", required=True, choices=SOURCES,
                            help="format du fichier : bpe (INSEE, détaillé ou agrégé), "
                                 "france-services (GeoJSON de l'ANCT), msap (Shapefile 2018), "
                                 "csv ou geojson (format générique des partenaires, voir "
                                 "docs/offer.md)")
        parser.add_argument("--year", type=int, metavar="AAAA",
                            help="millésime du fichier (BPE : vérifié contre la colonne AN)")
        parser.add_argument("--strict", action="store_true",
                            help="refuser tout le fichier si un point est hors du territoire ou "
                                 "mal géocodé (par défaut : ces points sont exclus et signalés)")
        parser.add_argument("--departement", metavar="CODE", default=None,
                            help="département du territoire (par défaut : SDAASP_DEPARTEMENT "
                                 "ou 59)")
        parser.add_argument("--dataset", metavar="NOM",
                            help="nom du jeu de données d'un partenaire (csv/geojson ; par "
                                 "défaut le nom du fichier) : un nouvel import du même jeu "
                                 "remplace le précédent")
        parser.add_argument("--zone-tampon", type=float, metavar="KM", dest="buffer_km",
                            help="garder aussi, comme destinations « hors département », les "
                                 "points situés à moins de KM km du département (par défaut : "
                                 "30 km, ce qu'atteint le seuil le plus long ; 0 : aucun)")

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.diagnostic.offer.services import import_services

        batch, result = import_services(
            args.file, source=args.source, departement=_dep(args.departement), year=args.year,
            strict=args.strict, dataset=args.dataset,
            buffer_m=None if args.buffer_km is None else args.buffer_km * 1000.0)
        print(result.summary())
        border = (f", et {batch.border_points} hors département" if batch.border_points
                  else "")
        print(f"Import enregistré pour le département {batch.departement_id} "
              f"({batch.points_count} point(s) en vigueur pour cette source{border}).")
        self.outcome = f"lot d'import n° {batch.pk}"
        return 0


class List(Command):
    name = "list"
    help = "lister les points de service enregistrés"
    description = ("Liste les points de service en vigueur d'un département (mairies "
                   "comprises), au format CSV (séparateur « ; ») sur la sortie standard.")
    epilog = ("Exemples :\n  sdaasp services list --type FS_FIXE --type MSAP\n"
              "  sdaasp services list --commune 59350")

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--type", action="append", metavar="CODE",
                            help="code de type (TYPEQU ou FS_FIXE, MAIRIE…) ; répétable")
        parser.add_argument("--commune", action="append", metavar="CODE",
                            help="code INSEE de commune ; répétable")
        parser.add_argument("--departement", metavar="CODE", default=None,
                            help="département (par défaut : SDAASP_DEPARTEMENT ou 59)")

    def handle(self, args: argparse.Namespace) -> int:
        import csv
        import sys

        from sdaasp.diagnostic.offer.services import get_departement, service_points_frame

        dep = get_departement(_dep(args.departement))
        df = service_points_frame(dep.code, types=args.type)
        if args.commune:
            df = df[df["commune_code"].isin(args.commune)]
        w = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        w.writerow(["identifiant", "type", "nom", "commune", "x", "y", "capacite", "approche",
                    "source", "hors_departement"])
        for r in df.itertuples(index=False):
            w.writerow([r.point_id, r.type_code, r.nom, r.commune_code or "", f"{r.x:.1f}",
                        f"{r.y:.1f}", "" if r.capacity != r.capacity else r.capacity,
                        "oui" if r.approximate else "non", r.source,
                        "oui" if r.hors_departement else "non"])
        border = int(df["hors_departement"].sum())
        print(f"{len(df) - border} point(s) de service dans le département"
              + (f", {border} hors département (destinations)." if border else "."),
              file=sys.stderr)
        return 0


class Baskets(Command):
    name = "baskets"
    help = "importer ou lister les paniers de types de service"
    description = ("Sans fichier : liste les paniers enregistrés. Avec un fichier TOML de "
                   "paniers (format décrit dans docs/offer.md) : vérifie tout le fichier puis "
                   "crée ou met à jour ses paniers.")
    epilog = "Exemple :\n  sdaasp services baskets mes_paniers.toml"
    needs_django = False  # the file is checked before the database is opened

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("file", metavar="FICHIER", type=Path, nargs="?",
                            help="fichier TOML de paniers à importer (facultatif)")

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.offer.nomenclature import load_baskets

        baskets = load_baskets(args.file) if args.file else None
        self.setup_django()
        from sdaasp.diagnostic.offer.models import Basket
        from sdaasp.diagnostic.offer.services import save_baskets

        if baskets is not None:
            with self.transaction():
                save_baskets(baskets)
            print(f"{len(baskets)} panier(s) enregistré(s) depuis {args.file.name}.")
            self.outcome = f"{len(baskets)} panier(s) depuis {args.file}"
        for b in Basket.objects.prefetch_related("types").order_by("code"):
            codes = ", ".join(sorted(t.code for t in b.types.all()))
            print(f"{b.code} — {b.nom}{' (fourni)' if b.builtin else ''} : {codes}")
        return 0


class _Download(Command):
    needs_django = False

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--url", help="adresse à utiliser à la place de l'adresse "
                                          "officielle (miroir, nouveau millésime)")
        parser.add_argument("--sha256", metavar="EMPREINTE",
                            help="somme de contrôle SHA-256 attendue (vérifiée après "
                                 "téléchargement)")
        parser.add_argument("--force", action="store_true",
                            help="télécharger à nouveau même si une copie intacte est en cache")

    def report(self, got: object) -> None:
        print(("Copie en cache réutilisée : " if got.from_cache else "Fichier téléchargé : ")  # type: ignore[attr-defined]
              + f"{got.path}\nSHA-256 : {got.sha256}")  # type: ignore[attr-defined]
        self.outcome = f"fichier {got.path}"  # type: ignore[attr-defined]


class DownloadBpe(_Download):
    name = "bpe"
    help = "base permanente des équipements de l'INSEE (géolocalisée)"
    description = "Télécharge la BPE (fichier détail géolocalisé) de l'INSEE."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--year", type=int, required=True, metavar="AAAA", help="millésime")
        super().add_arguments(parser)

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.offer import download

        url = args.url or download.bpe_url(args.year)
        name = url.rsplit("/", 1)[-1] or f"bpe{args.year}.zip"
        got = download.fetch(url, download.cache_dir() / "bpe" / name,
                             expected_sha256=args.sha256, force=args.force)
        self.report(got)
        print(f"Import : sdaasp services import {got.path} --source bpe --year {args.year}")
        return 0


class DownloadFranceServices(_Download):
    name = "france-services"
    help = "liste des France Services (ANCT, GeoJSON)"
    description = "Télécharge la liste des France Services de l'ANCT."

    def handle(self, args: argparse.Namespace) -> int:
        from sdaasp.offer import download

        url = args.url or download.FRANCE_SERVICES_URL
        got = download.fetch(url, download.cache_dir() / "france-services"
                             / "france_services.geojson",
                             expected_sha256=args.sha256, force=args.force)
        self.report(got)
        print(f"Import : sdaasp services import {got.path} --source france-services")
        return 0


COMMANDS = [
    Group("services", help="importer et lister l'offre de services (BPE, France Services…)",
          description="Offre de services au public : import des fichiers officiels (BPE de "
                      "l'INSEE, France Services, MSAP) et des listes des partenaires, liste des "
                      "points de service.",
          commands=[Import, List, Baskets]),
    Group("download", help="télécharger les fichiers officiels (BPE, France Services)",
          description="Télécharge un fichier officiel dans le cache "
                      "(SDAASP_DATA_DIR/downloads), avec une somme de contrôle SHA-256 et une "
                      "barre de progression. Une copie déjà téléchargée et intacte est "
                      "réutilisée. Nécessite un accès à internet.",
          epilog="Exemples :\n  sdaasp download bpe --year 2021\n"
                 "  sdaasp download france-services",
          commands=[DownloadBpe, DownloadFranceServices],
          dest="what", metavar="<fichier>", title="fichiers"),
]
