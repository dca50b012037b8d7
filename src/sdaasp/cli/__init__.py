"""The ``sdaasp`` command: one entry point, sub-commands registered by each domain.

Every user-facing message is in French. An :class:`~sdaasp.errors.SdaaspError` is printed as
one message on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sdaasp import __version__
from sdaasp.cli import _argparse_fr
from sdaasp.errors import SdaaspError

#: Modules that each define ``register(subparsers)``; a domain adds its module here.
COMMAND_MODULES = [
    "sdaasp.cli.territory",
    "sdaasp.cli.server",
    "sdaasp.cli.services",
    "sdaasp.cli.diagnose",
    "sdaasp.cli.scheme",
    "sdaasp.cli.zones",
]


def build_parser() -> argparse.ArgumentParser:
    _argparse_fr.install()
    parser = _argparse_fr.Parser(
        prog="sdaasp",
        description=(
            "sdaasp : diagnostic, programme et suivi du schéma départemental d'amélioration "
            "de l'accessibilité des services au public (SDAASP)."
        ),
        epilog=(
            "Exemples :\n"
            "  sdaasp territory build 59\n"
            "  sdaasp territory export 59 --format gpkg --output nord.gpkg\n"
            "  sdaasp serve\n\n"
            "Aide d'une sous-commande : sdaasp <commande> --help"
        ),
    )
    parser.add_argument("--version", action="version", version=f"sdaasp {__version__}",
                        help="afficher la version et quitter")
    sub = parser.add_subparsers(dest="command", metavar="<commande>", title="commandes",
                                parser_class=_argparse_fr.Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except SdaaspError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
