"""The base class of every ``sdaasp`` command.

A command declares its name, its French help and arguments, and does its work in
:meth:`Command.handle`; :meth:`Command.execute` does the rest, the same way for all:

- set-up: the data directory, the settings and logging; Django and a check that the database
  is migrated when the command uses it (``needs_django``), or later, from ``handle``, through
  :meth:`Command.setup_django` (for commands that check their input before touching the
  database);
- one transaction around ``handle`` when ``atomic``;
- a log line at the start and the end of the command (who, what, how long, and what
  ``handle`` put in ``self.outcome``);
- French errors: an :class:`~sdaasp.errors.SdaaspError` is one line on stderr and exit code 2;
  anything unexpected is one French line naming the log file and exit code 1, the traceback
  going to the log only.

This module and the command modules import nothing heavy (no Django, pandas, NumPy…) at
module level: ``sdaasp --help`` only builds the parsers.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shlex
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from typing import ClassVar

from sdaasp.errors import SdaaspError

log = logging.getLogger("sdaasp.cli")


class Command:
    name: ClassVar[str]
    help: ClassVar[str]
    description: ClassVar[str]
    epilog: ClassVar[str | None] = None
    #: Set Django up and check the database before :meth:`handle`.
    needs_django: ClassVar[bool] = True
    #: Refuse to run while migrations are pending (every command but ``migrate``/``manage``).
    check_migrations: ClassVar[bool] = True
    #: Run :meth:`handle` in one database transaction (all or nothing).
    atomic: ClassVar[bool] = False
    #: Show the log lines on the console too (``serve``); otherwise they go to the file only.
    console_log: ClassVar[bool] = False

    def __init__(self) -> None:
        #: What the command did, for its closing log line (e.g. « diagnostic n° 12 »).
        self.outcome = ""

    # -- to override ---------------------------------------------------------------------

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Declare the command's arguments (every help text in French)."""

    def handle(self, args: argparse.Namespace) -> int | None:
        raise NotImplementedError

    # -- parser --------------------------------------------------------------------------

    @classmethod
    def register(cls, sub: argparse._SubParsersAction) -> None:
        parser = sub.add_parser(cls.name, help=cls.help, description=cls.description,
                                epilog=cls.epilog)
        command = cls()
        command.add_arguments(parser)
        parser.set_defaults(sdaasp_command=command)

    # -- running -------------------------------------------------------------------------

    def setup_django(self) -> None:
        """Django ready for the database (idempotent); refuses if migrations are pending."""
        from sdaasp.cli import _django

        if self.check_migrations:
            _django.setup()
        else:
            _django.configure()
            import django
            from django.apps import apps

            if not apps.ready:
                django.setup()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One database transaction (Django must be set up)."""
        from django.db import transaction

        with transaction.atomic():
            yield

    def execute(self, args: argparse.Namespace, argv: Sequence[str]) -> int:
        """Run the command as the ``sdaasp`` entry point does; returns the exit code."""
        from sdaasp.logs import ConsoleGate

        muted = ConsoleGate.muted
        ConsoleGate.muted = not self.console_log  # restored for callers in the same process
        try:
            return self._execute(args, "sdaasp " + shlex.join(argv))
        finally:
            ConsoleGate.muted = muted

    def _execute(self, args: argparse.Namespace, what: str) -> int:
        from sdaasp.actor import current_actor
        from sdaasp.cli import _django

        start = time.perf_counter()
        try:
            _django.configure()
            log.info("commande : %s par=%s", what, current_actor())
            code = self._run(args)
        except SdaaspError as exc:
            log.info("commande refusée : %s motif=%s", what, exc)
            print(f"Erreur : {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            log.warning("commande interrompue : %s", what)
            print("Interrompu.", file=sys.stderr)
            return 130
        except Exception:
            return self._unexpected(what)
        seconds = time.perf_counter() - start
        log.info("commande terminée : %s code=%d durée=%.1f s par=%s%s", what, code, seconds,
                 current_actor(), f" résultat={self.outcome}" if self.outcome else "")
        return code

    def _run(self, args: argparse.Namespace) -> int:
        if not self.needs_django:
            return int(self.handle(args) or 0)
        self.setup_django()
        with self.transaction() if self.atomic else contextlib.nullcontext():
            return int(self.handle(args) or 0)

    @staticmethod
    def _unexpected(what: str) -> int:
        from sdaasp.logs import file_of_log

        log.exception("commande en échec inattendu : %s", what)
        path = file_of_log()
        if path is None:  # no log file configured (tests): the traceback has nowhere else to go
            traceback.print_exc()
            print("Erreur inattendue : la commande a échoué.", file=sys.stderr)
        else:
            print(f"Erreur inattendue : la commande a échoué ; détails dans le journal {path}",
                  file=sys.stderr)
        return 1


class Group:
    """A command with actions (``sdaasp territory build``, ``sdaasp territory export``…)."""

    def __init__(self, name: str, *, help: str, description: str,
                 commands: Sequence[type[Command] | Group], dest: str = "action",
                 metavar: str = "<action>", title: str = "actions",
                 epilog: str | None = None) -> None:
        self.name, self.help, self.description, self.epilog = name, help, description, epilog
        self.commands, self.dest, self.metavar, self.title = commands, dest, metavar, title

    def register(self, sub: argparse._SubParsersAction) -> None:
        parser = sub.add_parser(self.name, help=self.help, description=self.description,
                                epilog=self.epilog)
        actions = parser.add_subparsers(dest=self.dest, metavar=self.metavar, title=self.title)
        actions.required = True
        for command in self.commands:
            command.register(actions)
