"""Who may do what in the procedure. Deny by default."""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.perms import can_read_internal, is_coordinator


def can_view_scheme(user: Any, scheme: Any) -> bool:
    """Signed-in roles read everything; the public only a scheme made visible to it."""
    return can_read_internal(user) or bool(scheme.visible_to_public)


def can_manage_procedure(user: Any) -> bool:
    """Transmissions, opinions, approval, arrêté, publication and versions are the
    coordinator's: they are legal acts recorded on behalf of the Département and the État."""
    return is_coordinator(user)
