"""Programme permissions. Deny by default; one condition per line."""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.models import Role
from sdaasp.scheme.organisations.perms import (
    can_read_internal,
    is_coordinator,
    organisation_id_of,
    role_of,
)


def involved_organisation_ids(action: Any) -> set[int]:
    """Organisations acting on the action, and their parents (a referent of an EPCI acts
    for "EPCI" when the whole set of EPCI is partner)."""
    ids: set[int] = set()
    for actor in action.actors.select_related("organisation"):
        ids.add(actor.organisation_id)
    return ids


def is_involved(user: Any, action: Any) -> bool:
    """A referent is involved when its organisation (or its parent) pilots, co-pilots or
    partners the action."""
    org_id = organisation_id_of(user)
    if org_id is None:
        return False
    involved = involved_organisation_ids(action)
    if org_id in involved:
        return True
    parent_id = user.scheme_person.organisation.parent_id
    return parent_id is not None and parent_id in involved


def can_edit_programme(user: Any) -> bool:
    """Orientations, groups, actions, indicators and budget are kept by the coordinator."""
    return is_coordinator(user)


def can_view_action_internal(user: Any, action: Any) -> bool:
    """Follow-up notes, budget and reports: coordinator and readers, and the referents of
    the organisations involved — never another partner."""
    if role_of(user) == Role.REFERENT:
        return is_involved(user, action)
    return can_read_internal(user)


def can_update_action(user: Any, action: Any) -> bool:
    """Status and follow-up notes: the coordinator, or a referent of an organisation
    involved in the action (its own actions only)."""
    if is_coordinator(user):
        return True
    return is_involved(user, action)


def can_view_history(user: Any) -> bool:
    """The change log names people: signed-in roles only."""
    return can_read_internal(user)
