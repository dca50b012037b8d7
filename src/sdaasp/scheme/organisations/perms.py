"""Who is who on the platform. Deny by default: anyone without a role is the public.

Each function answers yes or no; its docstring says the business reason.
"""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.models import Role

PUBLIC = "public"


def role_of(user: Any) -> str:
    """The user's role: a superuser coordinates; a person without a role is the public."""
    if user is None or not user.is_authenticated or not user.is_active:
        return PUBLIC
    if user.is_superuser:
        return Role.COORDINATOR
    person = getattr(user, "scheme_person", None)
    if person is None:
        return PUBLIC
    if person.role == Role.REFERENT and person.organisation_id is None:
        return PUBLIC  # a referent without an organisation represents no one
    return person.role


def organisation_id_of(user: Any) -> int | None:
    """The organisation a referent acts for (None for everyone else)."""
    if role_of(user) != Role.REFERENT:
        return None
    return user.scheme_person.organisation_id


def is_coordinator(user: Any) -> bool:
    """The coordinator keeps the scheme: the only role allowed to change its content."""
    return role_of(user) == Role.COORDINATOR


def is_referent(user: Any) -> bool:
    """A partner's technical referent reports on its own organisation's actions."""
    return role_of(user) == Role.REFERENT


def can_read_internal(user: Any) -> bool:
    """Internal content (drafts, follow-up notes, budget, reports) is for signed-in roles."""
    return role_of(user) in (Role.COORDINATOR, Role.REFERENT, Role.READER)


def can_manage_organisations(user: Any) -> bool:
    """Organisations and people are kept by the coordinator."""
    return is_coordinator(user)
