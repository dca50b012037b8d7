"""Start Django for the ``sdaasp`` commands.

:func:`configure` (every command): the data directory, the settings and logging.
:func:`setup` (the commands that use the database): Django's apps, then a check that no
migration is pending (the command refuses, in French, and asks for ``sdaasp migrate``).
Migrations are applied by ``sdaasp migrate`` only, never implicitly.
"""

from __future__ import annotations

import os
from typing import Any

from sdaasp.errors import SdaaspError

DEFAULT_SETTINGS = "sdaasp.web.settings.dev"
NOT_MIGRATED = "La base n'est pas à jour : lancez d'abord « sdaasp migrate »."

_configured = False
_ready = False


def configure() -> None:
    """Data directory, settings and logging, once per process (no database access)."""
    global _configured
    if _configured:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    from django.apps import apps
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from sdaasp import datadir

    datadir.prepare()
    try:
        logging_settings = (settings.LOGGING_CONFIG, settings.LOGGING)
    except ImproperlyConfigured as exc:
        raise SdaaspError(f"Configuration invalide : {exc}") from None
    if not apps.ready:  # in tests, pytest-django has already set Django up
        from django.utils.log import configure_logging

        configure_logging(*logging_settings)
    _configured = True


def setup(*, migrate: bool = False) -> None:
    """Django ready for the database, once per process. With ``migrate``, apply pending
    migrations (scripts on a fresh data directory); otherwise refuse when some are pending."""
    global _ready
    if _ready:
        return
    configure()
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    elif not is_up_to_date():
        raise SdaaspError(NOT_MIGRATED)
    _ready = True


def is_up_to_date() -> bool:
    """No migration pending. A SQLite file that does not exist yet is not up to date, and
    stays absent (connecting would create it)."""
    from django.db import connection

    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor == "sqlite" and name != ":memory:" and "mode=memory" not in name \
            and not os.path.exists(name):
        return False
    return not migration_plan()


def migration_plan() -> list[tuple[Any, bool]]:
    """The migrations ``migrate`` would apply, as (migration, backwards) pairs: Django's own
    plan, cheap (it reads the migration files and one table)."""
    from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        return executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise SdaaspError(f"Base de données inaccessible : {str(exc).strip()}") from None
