"""Reporting permissions. Deny by default."""

from __future__ import annotations

from typing import Any

from sdaasp.scheme.organisations.perms import can_read_internal, is_coordinator
from sdaasp.scheme.programme.perms import is_involved
from sdaasp.scheme.reporting.models import CampaignStatus


def can_manage_campaigns(user: Any) -> bool:
    """Opening, closing and validating campaigns is the coordinator's job."""
    return is_coordinator(user)


def can_view_dashboard(user: Any) -> bool:
    """Who reported and the committee's summary: coordinator and readers."""
    return can_read_internal(user) and not _is_referent(user)


def can_report(user: Any, campaign: Any, action: Any) -> bool:
    """A referent reports on its organisation's actions only, while the campaign is open."""
    if campaign.status != CampaignStatus.OPEN:
        return False
    return is_involved(user, action)


def _is_referent(user: Any) -> bool:
    from sdaasp.scheme.organisations.perms import is_referent

    return is_referent(user)


def can_view_campaigns(user: Any) -> bool:
    """The reporting space is internal."""
    return can_read_internal(user)
