"""``sdaasp serve`` and ``sdaasp manage``: the web platform and Django's own commands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "serve", help="lancer la plateforme web",
        description="Lance la plateforme web (serveur WSGI waitress, fichiers statiques "
                    "servis par la plateforme) après avoir mis à jour la base. En production, "
                    "placez-le derrière un serveur HTTPS (nginx, Apache).",
    )
    s.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    s.add_argument("--port", default=8000, type=int, help="port d'écoute (défaut : 8000)")
    s.add_argument("--threads", default=4, type=int,
                   help="nombre de requêtes traitées en parallèle (défaut : 4)")
    s.set_defaults(handler=_serve)

    m = sub.add_parser(
        "manage", help="commandes d'administration Django (createsuperuser, migrate…)",
        description="Transmet les arguments aux commandes d'administration de Django, par "
                    "exemple : sdaasp manage createsuperuser",
    )
    m.add_argument("args", nargs=argparse.REMAINDER, help="commande et arguments")
    m.set_defaults(handler=_manage)


def _serve(args: argparse.Namespace) -> int:
    from sdaasp.cli import _django

    _django.setup()
    import logging

    from django.core.wsgi import get_wsgi_application
    from waitress import serve

    logging.getLogger("waitress").setLevel(logging.ERROR)  # its notices are English
    print(f"Plateforme disponible sur http://{args.host}:{args.port}/ (Ctrl+C pour arrêter)",
          flush=True)
    serve(get_wsgi_application(), host=args.host, port=args.port, threads=args.threads,
          ident="sdaasp")
    return 0


def _manage(args: argparse.Namespace) -> int:
    from sdaasp.cli import _django

    _django.setup(migrate=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sdaasp manage", *args.args])
    return 0
