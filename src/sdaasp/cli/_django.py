"""Start Django for the commands that use the database; create or update its tables first."""

from __future__ import annotations

import os

_ready = False


def setup(*, migrate: bool = True) -> None:
    """Configure Django once per process and apply pending migrations quietly."""
    global _ready
    if _ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sdaasp.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    _ready = True
