"""``sdaasp migrate``, ``sdaasp serve`` and ``sdaasp manage``: the database, the web platform
and Django's own commands."""

from __future__ import annotations

import argparse

from sdaasp.cli.base import Command


class Migrate(Command):
    name = "migrate"
    help = "créer ou mettre à jour la base de données (après chaque mise à jour de sdaasp)"
    description = (
        "Crée la base de données ou lui applique les migrations en attente, puis met à jour "
        "la nomenclature des services fournie avec sdaasp. Ne supprime aucune donnée : la "
        "relancer sur une base à jour ne change rien. Les autres commandes refusent de "
        "travailler sur une base qui n'est pas à jour."
    )
    epilog = "Exemple :\n  sdaasp migrate"
    check_migrations = False

    def handle(self, args: argparse.Namespace) -> int:
        from collections import Counter

        from django.apps import apps
        from django.core.management import call_command

        from sdaasp.cli._django import migration_plan

        plan = migration_plan()
        # Always run it: its post_migrate signal also refreshes the shipped nomenclature.
        call_command("migrate", verbosity=0, interactive=False)
        if not plan:
            print("La base est déjà à jour.")
            self.outcome = "base déjà à jour"
            return 0
        per_app = Counter(migration.app_label for migration, _ in plan)
        print(f"Base mise à jour : {len(plan)} migration(s) appliquée(s).")
        for label, count in sorted(per_app.items()):
            print(f"  {label} ({apps.get_app_config(label).verbose_name}) : "
                  f"{count} migration(s)")
        self.outcome = "migrations appliquées : " + ", ".join(
            f"{label} {count}" for label, count in sorted(per_app.items()))
        return 0


class Serve(Command):
    name = "serve"
    help = "lancer la plateforme web"
    description = (
        "Lance la plateforme web (serveur WSGI waitress, fichiers statiques servis par la "
        "plateforme) sur une base à jour (« sdaasp migrate »). Le journal des requêtes "
        "s'affiche dans la console et dans SDAASP_DATA_DIR/logs/sdaasp.log. En production, "
        "placez-le derrière un serveur HTTPS (nginx, Apache) : voir docs/deploiement.md."
    )
    console_log = True

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1",
                            help="adresse d'écoute (défaut : 127.0.0.1)")
        parser.add_argument("--port", default=8000, type=int,
                            help="port d'écoute (défaut : 8000)")
        parser.add_argument("--threads", default=4, type=int,
                            help="nombre de requêtes traitées en parallèle (défaut : 4)")
        parser.add_argument("--trusted-proxy", metavar="ADRESSE",
                            help="adresse du serveur HTTPS placé devant la plateforme (ex. "
                                 "127.0.0.1) : ses en-têtes X-Forwarded-Proto et "
                                 "X-Forwarded-For sont alors pris en compte (HTTPS, adresse "
                                 "du visiteur) ; ceux des autres sont ignorés")

    def handle(self, args: argparse.Namespace) -> int:
        from django.core.wsgi import get_wsgi_application
        from waitress import serve

        proxy = {}
        if args.trusted_proxy:
            proxy = {"trusted_proxy": args.trusted_proxy, "trusted_proxy_count": 1,
                     "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}}
        print(f"Plateforme disponible sur http://{args.host}:{args.port}/ "
              "(Ctrl+C pour arrêter)", flush=True)
        serve(get_wsgi_application(), host=args.host, port=args.port, threads=args.threads,
              ident="sdaasp", **proxy)
        return 0


class Manage(Command):
    name = "manage"
    help = "commandes d'administration Django (createsuperuser, changepassword…)"
    description = ("Transmet les arguments aux commandes d'administration de Django, par "
                   "exemple : sdaasp manage createsuperuser")
    needs_django = False  # Django's command line sets Django up itself
    check_migrations = False

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("args", nargs=argparse.REMAINDER, help="commande et arguments")

    def handle(self, args: argparse.Namespace) -> int:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sdaasp manage", *args.args])
        return 0


COMMANDS = [Migrate, Serve, Manage]
