"""Convention permissions. Deny by default."""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.perms import is_coordinator


def can_manage_convention(user: Any) -> bool:
    """Signatures and commitments are recorded by the coordinator from the signed act."""
    return is_coordinator(user)
