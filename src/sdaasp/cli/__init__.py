"""The ``sdaasp`` command: one entry point, sub-commands declared by each domain's module.

Every command is a :class:`~sdaasp.cli.base.Command` (set-up, logging, transaction and
French errors in one place). Every user-facing message is in French. Building the parser
imports nothing heavy: ``sdaasp --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sdaasp import __version__
from sdaasp.cli import _argparse_fr

#: Modules that each define ``COMMANDS`` (commands and groups); a domain adds its module here.
COMMAND_MODULES = [
    "sdaasp.cli.server",
    "sdaasp.cli.territory",
    "sdaasp.cli.services",
    "sdaasp.cli.diagnose",
    "sdaasp.cli.scheme",
    "sdaasp.cli.zones",
    "sdaasp.cli.demo",
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
            "  sdaasp migrate\n"
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
        for command in importlib.import_module(name).COMMANDS:
            command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    return args.sdaasp_command.execute(args, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
