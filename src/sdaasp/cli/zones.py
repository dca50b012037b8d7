"""``sdaasp needs import`` and ``sdaasp zones``: needs files, deficit territories, priority
zones."""

from __future__ import annotations

import argparse
from pathlib import Path

from sdaasp.cli.base import Command, Group

#: As :data:`sdaasp.diagnostic.zones.services.KINDS` (checked by a test; literal here so that
#: the parser does not import pandas).
KINDS = ["recensement", "filosofi", "mel-iris-2019", "couverture", "qpv"]


class NeedsImport(Command):
    name = "import"
    help = "importer un fichier INSEE ou ANCT"
    description = (
        "Importe un fichier officiel : base du recensement INSEE par IRIS (base-ic-…) ou "
        "par commune (base-cc-…), Filosofi (taux de pauvreté), extrait IRIS de la MEL "
        "2019, couverture fixe par commune, contours des QPV de l'ANCT. Le fichier est "
        "entièrement vérifié avant d'être enregistré ; réimporter le même fichier le met "
        "à jour."
    )
    epilog = ("Exemples :\n"
              "  sdaasp needs import base-ic-logement-2019.csv --source recensement\n"
              "  sdaasp needs import IRIS_MEL_PROFILS_SOCIAUX_2019.geojson "
              "--source mel-iris-2019\n"
              "  sdaasp needs import QP2024_France_hexagonale_WGS84.geojson --source qpv")
    atomic = True

    def add_arguments(self, i: argparse.ArgumentParser) -> None:
        i.add_argument("file", metavar="FICHIER", type=Path, help="fichier à importer")
        i.add_argument("--source", required=True, choices=KINDS, help="type du fichier")
        i.add_argument("--departement", metavar="CODE", default=None,
                       help="département pour lequel importer : seules ses zones (ou ses QPV) "
                            "sont gardées, les imports des autres départements restent "
                            "intacts (par défaut : SDAASP_DEPARTEMENT ou 59)")

    def handle(self, args: argparse.Namespace) -> int:
        self.outcome = _import(args)
        return 0


class Zones(Command):
    name = "zones"
    help = "calculer les territoires déficitaires et les zones prioritaires"
    description = (
        "Calcule, pour chaque commune ou IRIS, le déficit d'accès aux services et les "
        "besoins de la population, puis les zones prioritaires (déficit × besoins) avec "
        "leurs motifs, et les problématiques multiples par EPCI et SCoT. Le calcul est "
        "enregistré avec ses paramètres et ses données d'entrée."
    )
    epilog = ("Exemples :\n  sdaasp zones 59\n  sdaasp zones 59 --params mes-seuils.toml\n"
              "  sdaasp zones 59 --travel network:nord.osm.pbf")

    def add_arguments(self, z: argparse.ArgumentParser) -> None:
        z.add_argument("code", help="code du département (ex. 59)")
        z.add_argument("--params", metavar="FICHIER", type=Path, default=None,
                       help="fichier TOML des seuils et poids (par défaut : celui fourni avec "
                            "sdaasp)")
        z.add_argument("--travel", metavar="MODELE", default="crowfly",
                       help="modèle de déplacement du moteur d'accessibilité : crowfly (vol "
                            "d'oiseau, défaut), network:FICHIER.osm.pbf ou osrm:URL")

    def handle(self, args: argparse.Namespace) -> int:
        self.outcome = _zones(args)
        return 0


COMMANDS = [
    Group("needs", help="importer les données de besoins de la population (INSEE, ANCT)",
          description="Besoins de la population : précarité, QPV, mobilité, exclusion "
                      "numérique, vieillissement. Voir docs/needs.md pour les fichiers.",
          commands=[NeedsImport]),
    Zones,
]


def _import(args: argparse.Namespace) -> str:
    """Import the file; what was imported, for the command's log line."""
    from sdaasp.cli.services import _dep
    from sdaasp.diagnostic.zones.services import import_needs_file

    src = import_needs_file(args.file, args.source, departement=_dep(args.departement))
    what = "QPV" if src.kind == "qpv" else ("IRIS" if src.level == "iris" else "communes")
    print(f"Importé : {src.label} — {src.rows} {what} ({args.file.name}).")
    if src.indicators:
        print(f"  Indicateurs : {', '.join(src.indicators)}")
    for note in src.notes:
        print(f"  Remarque : {note}")
    return f"source de besoins n° {src.pk}"


def _pct(n: int, total: int) -> str:
    return f"{n} ({round(100 * n / total) if total else 0} %)"


def _zones(args: argparse.Namespace) -> str:
    """Compute and save the zones; the run's number, for the command's log line."""
    from sdaasp.diagnostic.zones.pipeline import compute_zones
    from sdaasp.needs import DIMENSIONS

    out = compute_zones(args.code, params_path=args.params, travel=args.travel)
    run, res = out.run, out.result
    if out.territory_saved:
        print(f"Territoire {run.departement_id} construit et enregistré.")
    z = res.zones
    total = len(z)
    n_iris = int((res.units["level"] == "iris").sum())
    print(f"Zones du département {run.departement_id} — calcul n° {run.pk}")
    print(f"  Paramètres   : {res.params.label}")
    print(f"  Accessibilité : {run.access_method}")
    print(f"  Unités       : {total} ({n_iris} IRIS, {total - n_iris} communes)")
    print(f"  Déficitaires : {_pct(int((z['acces'] == 'déficitaire').sum()), total)}")
    print(f"  Prioritaires : {_pct(int((z['statut'] == 'prioritaire').sum()), total)}")
    undetermined = int((z["statut"] == "indéterminée").sum())
    if undetermined:
        print(f"  Indéterminées : {undetermined}")
    multiples = res.territories[res.territories["multiples"]]
    print(f"  Problématiques multiples : {len(multiples)} territoire(s) EPCI/SCoT")
    assessed = [DIMENSIONS[d] for d in DIMENSIONS if d not in res.dimensions_not_assessed]
    print(f"  Dimensions évaluées : {', '.join(assessed) if assessed else 'aucune'}")
    if res.dimensions_not_assessed:
        print("Dimensions non évaluées (les zones sont décidées sur les dimensions "
              "disponibles et signalées « critères partiels ») :")
        for dim, files in res.dimensions_not_assessed.items():
            print(f"  - {DIMENSIONS[dim]} — à importer : {files}")
    if res.services_not_assessed:
        labels = {s.code: f"{s.libelle} ({s.code})" for s in res.params.services}
        print("Services non évalués (aucun temps d'accès) : "
              + ", ".join(labels[c] for c in res.services_not_assessed))
    print(f"Empreinte des résultats : {run.digest[:16]}")
    return f"calcul de zones n° {run.pk}"
