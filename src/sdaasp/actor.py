"""Who is acting, for the logs: the web user of the current request, else the account that
runs the process (the ``sdaasp`` command, a script).

The web sets the actor per request (:class:`sdaasp.web.access_log.AccessLogMiddleware`); the
write paths (imports, runs) only ask :func:`current_actor`, so they need no user argument.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Actor = str | Callable[[], str]

_actor: ContextVar[Actor | None] = ContextVar("sdaasp_actor", default=None)


def system_user() -> str:
    """The account running this process, e.g. ``« alice (terminal) »``."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name, no passwd entry (some containers)
        name = "inconnu"
    return f"{name} (terminal)"


def current_actor() -> str:
    actor = _actor.get()
    if actor is None:
        return system_user()
    return actor() if callable(actor) else actor


@contextmanager
def acting_as(actor: Actor) -> Iterator[None]:
    """Attribute what happens in this block to ``actor`` (a name, or a function giving it
    lazily, e.g. once the request's user is known)."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)
