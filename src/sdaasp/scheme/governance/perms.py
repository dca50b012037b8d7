"""Governance permissions. Deny by default."""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.perms import is_coordinator


def can_manage_governance(user: Any) -> bool:
    """Bodies and their meetings are prepared and recorded by the coordinator."""
    return is_coordinator(user)
