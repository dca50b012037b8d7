"""``sdaasp diagnose``: run an accessibility diagnostic, store it, print and export it."""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from sdaasp.cli.base import Command
from sdaasp.errors import SdaaspError

#: As :data:`sdaasp.access.fca.DECAY_PRESETS` (checked by a test; literal here so that the
#: parser does not import NumPy).
E2SFCA_PRESETS = ("luo_qi_2009", "drees_apl_2012", "drees_apl_2015")
#: As :data:`sdaasp.access.placement.COMMUNE_POINT_RULES` (checked by a test).
COMMUNE_POINTS = ("chef-lieu", "carreaux", "centre")


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("code", help="code du département (ex. 59, 2A, 971)")
    p.add_argument("--travel", default="crowfly", metavar="MODELE",
                   help="modèle de déplacement : crowfly (vol d'oiseau × détour, par défaut), "
                        "network:FICHIER.osm.pbf (réseau OpenStreetMap) ou osrm:URL (serveur OSRM)")
    p.add_argument("--origins", default="commune", choices=("commune", "iris", "grid"),
                   help="points d'origine : commune (par défaut), iris (contours d'IRIS importés "
                        "par « sdaasp needs import », commune ailleurs), ou grid (carreaux)")
    p.add_argument("--commune-point", choices=COMMUNE_POINTS, default=None,
                   help="où placer le point d'une commune (origines commune, et iris hors des "
                        "IRIS) : chef-lieu (emplacement de la mairie si elle est dans la "
                        "commune, sinon point représentatif ; par défaut), carreaux (centre "
                        "des carreaux --grid habités, pondéré par leur population ; par défaut "
                        "avec --grid) ou centre (point représentatif du contour)")
    p.add_argument("--grid", metavar="FICHIER", type=Path,
                   help="carreaux INSEE 200 m (Filosofi, CSV ou GeoPackage, colonnes "
                        "Idcar_200m et Ind) : avec --origins grid, un point par carreau ; "
                        "avec --origins commune ou iris, le placement « carreaux » des "
                        "communes ; sans ce fichier, --origins grid construit une grille "
                        "approximative depuis les communes")
    p.add_argument("--cell-size", type=float, default=200.0, metavar="METRES",
                   help="taille des carreaux de la grille construite (200 m par défaut)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--types", nargs="+", metavar="TYPE",
                       help="types de services à calculer (par défaut : tous ceux de l'inventaire)")
    which.add_argument("--basket", nargs="+", metavar="PANIER",
                       help="panier : son code (listé par « sdaasp services baskets », ex. "
                            "france_services) ou une liste de types ; temps pour atteindre "
                            "chacun d'eux (type PANIER)")
    p.add_argument("--e2sfca", metavar="PONDERATION", nargs="?", const="drees_apl_2015",
                   choices=E2SFCA_PRESETS,
                   help="calculer aussi l'accessibilité potentielle E2SFCA des types dont la "
                        "capacité est connue (pondération : drees_apl_2015 par défaut, "
                        "drees_apl_2012 ou luo_qi_2009 ; voir docs/methods.md)")
    p.add_argument("--output-dir", type=Path, metavar="DOSSIER",
                   help="dossier des exports GeoPackage et CSV (par défaut : "
                        "SDAASP_DATA_DIR/diagnostics/<numéro>)")
    p.add_argument("--export-origines", action="store_true",
                   help="écrire aussi la couche « origines » du GeoPackage (un point par "
                        "origine, avec ses temps : volumineuse avec --origins grid)")
    p.add_argument("--no-save", action="store_true",
                   help="ne pas enregistrer le diagnostic dans la base")


def _n(v: int) -> str:
    return f"{v:,}".replace(",", "\u202f")


def _pct(v: object) -> str:
    f = float(v)  # type: ignore[arg-type]
    return "n.d." if not math.isfinite(f) else f"{100 * f:5.1f} %"


def print_headline(result, scot_names: dict[str, str], dep_name: str) -> None:
    h = result.headline()
    print("\nPart des habitants au-delà de 20 et 30 minutes du service le plus proche")
    print(f"{'Territoire':<32} {'Type':<12} {'> 20 min':>9} {'> 30 min':>9}")
    for code in result.nearest.types:
        sub = h[h["type_code"] == code]
        for _, r in sub.iterrows():
            name = (dep_name if r["niveau"] == "departement"
                    else scot_names.get(r["code"], r["code"]))
            print(f"{str(name)[:32]:<32} {code[:12]:<12} {_pct(r['part_plus_20']):>9} "
                  f"{_pct(r['part_plus_30']):>9}")


class Diagnose(Command):
    name = "diagnose"
    help = "calculer un diagnostic d'accessibilité des services"
    description = (
        "Calcule, pour chaque habitant (point d'origine), le temps d'accès au service le "
        "plus proche de chaque type, l'agrège par commune, EPCI, territoire SCoT et pour "
        "le département, enregistre le diagnostic (empreintes des entrées, paramètres, "
        "version) et l'exporte en GeoPackage et CSV."
    )
    epilog = (
        "Exemples :\n"
        "  sdaasp diagnose 59\n"
        "  sdaasp diagnose 59 --origins grid --types MAIRIE\n"
        "  sdaasp diagnose 59 --basket france_services\n"
        "  sdaasp diagnose 59 --grid carreaux.csv --types MAIRIE\n"
        "  sdaasp diagnose 59 --travel network:nord.osm.pbf\n"
        "  sdaasp diagnose 59 --travel osrm:http://127.0.0.1:5000"
    )
    needs_django = False  # the options are checked before the database is opened

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        _add_arguments(parser)

    def handle(self, args: argparse.Namespace) -> int:
        run_id = _diagnose(args)
        self.outcome = f"diagnostic n° {run_id}" if run_id else "diagnostic non enregistré"
        return 0


COMMANDS = [Diagnose]


def _commune_point(args: argparse.Namespace) -> str:
    """The placement rule of the commune origins, from --commune-point and --grid."""
    if args.grid and not args.grid.is_file():
        raise SdaaspError(f"Fichier de carreaux introuvable : {args.grid}")
    if args.origins == "grid":
        if args.commune_point:
            raise SdaaspError("L'option --commune-point place le point d'une commune : elle ne "
                              "s'applique pas à --origins grid (un point par carreau).")
        return "centre"  # not used: no commune origin
    if args.commune_point == "carreaux" and not args.grid:
        raise SdaaspError("Le placement --commune-point carreaux demande un fichier de "
                          "carreaux INSEE 200 m : --grid FICHIER.")
    if args.grid and args.commune_point not in (None, "carreaux"):
        raise SdaaspError(f"Le fichier --grid ne sert pas avec --commune-point "
                          f"{args.commune_point} : utilisez --commune-point carreaux ou "
                          "--origins grid.")
    return args.commune_point or ("carreaux" if args.grid else "chef-lieu")


def _wanted(args: argparse.Namespace, services: object, dep: str
            ) -> tuple[list[str] | None, list[str] | None, tuple[str, str] | None]:
    """The --types or --basket codes, checked against the nomenclature and the inventory
    (``services``, every point of the département): unknown or absent ones are refused."""
    from sdaasp.access.wanted import check_present, normalise_types, resolve_basket

    inventory = services["type_code"].astype(str).value_counts().to_dict()  # type: ignore[index]
    if args.types:
        types = normalise_types(args.types, inventory, departement=dep)
        check_present(types, inventory, departement=dep)
        return types, None, None
    if args.basket:
        from sdaasp.diagnostic.offer.models import Basket

        baskets = {b.code: (b.nom, [t.code for t in b.types.all()])
                   for b in Basket.objects.prefetch_related("types")}
        types, name = resolve_basket(args.basket, baskets, inventory)
        check_present(types, inventory, basket=name, departement=dep)
        return None, types, name
    return None, None, None


def _print_origins(kind: str, info: dict) -> None:
    from sdaasp.access.placement import PLACEMENT_LABELS

    if kind == "iris":
        srcs = ", ".join(str(s["source"]) for s in info["sources"])
        print(f"Origines IRIS : {_n(info['iris'])} IRIS dans {_n(info['communes_iris'])} "
              f"commune(s) ({srcs}) ; {_n(info['communes_sans_iris'])} autre(s) commune(s) "
              "sans contours d'IRIS importés : un point par commune.")
    if kind == "grid":
        return
    counts = {k: v for k, v in info["placement_counts"].items() if k != "iris"}
    print("Point des communes : " + " ; ".join(
        f"{_n(v)} {PLACEMENT_LABELS.get(k, k)}" for k, v in counts.items()) + ".")
    odd = info["placement_exceptions"]
    if odd:
        names = ", ".join(f"{e['nom']} ({e['motif']})" for e in odd[:5])
        more = f" et {len(odd) - 5} autre(s)" if len(odd) > 5 else ""
        print(f"  placées autrement : {names}{more} ; liste complète sur la page du "
              "diagnostic.")


def _diagnose(args: argparse.Namespace) -> int | None:
    """Compute, save and export the diagnostic; its number (``None`` with --no-save)."""
    from sdaasp.access.diagnostic import build_origins, run_diagnostic
    from sdaasp.access.export import export_csv, export_gpkg
    from sdaasp.access.fca import DECAY_PRESETS
    from sdaasp.cli import _django
    from sdaasp.cli._progress import ProgressBar
    from sdaasp.travel import model_from_spec

    if args.output_dir and not args.output_dir.is_dir():
        raise SdaaspError(f"Le dossier de sortie n'existe pas : {args.output_dir}")
    commune_point = _commune_point(args)
    _django.setup()
    from sdaasp.diagnostic.runs.inputs import service_points
    from sdaasp.diagnostic.runs.services import save_diagnostic
    from sdaasp.diagnostic.territory.loading import held_territory

    territory, _ = held_territory(args.code)
    services = service_points(territory.code, None)
    types, basket, basket_name = _wanted(args, services, territory.code)
    wanted = types or basket
    if wanted is not None:
        services = services[services["type_code"].isin(wanted)].reset_index(drop=True)
    model = model_from_spec(args.travel, crs=int(territory.departement["crs"]))
    iris_sources = None
    if args.origins == "iris":
        from sdaasp.diagnostic.zones.services import load_sources
        iris_sources = load_sources(territory.code)[0]
    origins, info = build_origins(territory, args.origins, grid_file=args.grid,
                                  cell_m=args.cell_size, iris_sources=iris_sources,
                                  commune_point=commune_point)
    print(f"Diagnostic {territory.departement['nom']} ({territory.code}) : "
          f"{_n(len(origins))} points d'origine ({args.origins}), "
          f"{_n(len(services))} équipements, modèle {model.kind}")
    _print_origins(args.origins, info)
    result = run_diagnostic(territory, services, model, origins=origins, origins_info=info,
                            types=types, basket=basket, basket_name=basket_name,
                            e2sfca=DECAY_PRESETS[args.e2sfca] if args.e2sfca else None,
                            progress=ProgressBar("Temps d'accès par type"))
    for w in result.warnings:
        print(f"Attention : {w}")
    scot_names = dict(zip(territory.scot["code"], territory.scot["nom"], strict=True))
    print_headline(result, scot_names, str(territory.departement["nom"]))
    run_id = None
    if not args.no_save:
        run_id = save_diagnostic(result).pk
        print(f"\nDiagnostic enregistré : n° {run_id} (page web /diagnostic/{run_id}/)")
    out = args.output_dir
    if out is None:
        base = Path(os.environ.get("SDAASP_DATA_DIR", "var")).resolve() / "diagnostics"
        out = base / (str(run_id) if run_id else "non-enregistre")
        out.mkdir(parents=True, exist_ok=True)
    stem = f"diagnostic-{territory.code}" + (f"-{run_id}" if run_id else "")
    gpkg = export_gpkg(result, territory, out / f"{stem}.gpkg", origins=args.export_origines)
    csv = export_csv(result, out / f"{stem}.csv")
    print(f"Exports : {gpkg}\n          {csv}")
    if not args.export_origines:
        print("          (couche « origines » non écrite : ajoutez --export-origines)")
    return run_id
