"""The one write path of annual reporting, and the read models of the coordinator's views."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.history.services import record
from sdaasp.scheme.organisations.models import Organisation
from sdaasp.scheme.programme.models import Action, ActionStatus, IndicatorValue
from sdaasp.scheme.programme.services import (
    do_add_note,
    do_set_indicator_value,
    do_update_action_status,
)
from sdaasp.scheme.reporting.models import (
    Campaign,
    CampaignStatus,
    Report,
    ReportedResult,
    ReportStatus,
)

STALE_DAYS = 365


def actions_of(organisation: Organisation, scheme) -> Any:
    """Actions the organisation (or its parent) pilots, co-pilots or partners."""
    ids = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
    return (Action.objects.filter(scheme=scheme, actors__organisation_id__in=ids)
            .distinct().select_related("group__orientation"))


@transaction.atomic
def do_open_campaign(scheme, year: int, *, opens_on: dt.date, closes_on: dt.date,
                     user: Any = None) -> Campaign:
    if closes_on < opens_on:
        raise SchemeError("La date limite précède l'ouverture de la campagne.")
    if Campaign.objects.filter(scheme=scheme, year=year).exists():
        raise SchemeError(f"Une campagne existe déjà pour {year}.")
    c = Campaign.objects.create(scheme=scheme, year=year, opens_on=opens_on,
                                closes_on=closes_on)
    record(user, scheme.departement, c, "ouverture de campagne")
    return c


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, user: Any = None) -> Campaign:
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    record(user, campaign.scheme.departement, campaign, "clôture de campagne")
    return campaign


@transaction.atomic
def do_submit_report(campaign: Campaign, action: Action, organisation: Organisation, *,
                     action_status: str, note: str, results: dict[int, Decimal | None],
                     user: Any = None) -> Report:
    """A referent's yearly report: updates the action's status, adds a follow-up note and
    records the indicator results for the campaign's year."""
    if campaign.status != CampaignStatus.OPEN:
        raise SchemeError("La campagne est close.")
    if action_status not in ActionStatus.values:
        raise SchemeError(f"État inconnu : « {action_status} ».")
    if not note.strip():
        raise SchemeError("Décrivez l'avancement de l'action.")
    indicators = {i.pk: i for i in action.indicators.all()}
    if set(results) - set(indicators):
        raise SchemeError("Indicateur étranger à cette action.")
    report, _ = Report.objects.update_or_create(
        campaign=campaign, action=action, organisation=organisation,
        defaults={"author": user, "action_status": action_status, "note": note.strip(),
                  "status": ReportStatus.SUBMITTED, "validated_by": None,
                  "validated_at": None})
    for pk, value in results.items():
        if value is None:
            ReportedResult.objects.filter(report=report, indicator_id=pk).delete()
            continue
        ReportedResult.objects.update_or_create(report=report, indicator_id=pk,
                                                defaults={"value": value})
        do_set_indicator_value(indicators[pk], campaign.year, result=value,
                               result_source=f"bilan {campaign.year} — {organisation.name}",
                               user=user)
    if action.status != action_status:
        do_update_action_status(action, action_status, user=user)
    do_add_note(action, f"Bilan {campaign.year} ({organisation.name}) : {note.strip()}",
                user=user, organisation=organisation)
    record(user, campaign.scheme.departement, report, "bilan transmis",
           {"état": action_status, "résultats": {str(k): v for k, v in results.items()}})
    return report


@transaction.atomic
def do_validate_report(report: Report, *, accepted: bool, comment: str = "",
                       user: Any = None) -> Report:
    """Accept a report, or send it back to its referent with a comment."""
    if not accepted and not comment.strip():
        raise SchemeError("Indiquez ce qui est à revoir.")
    report.status = ReportStatus.VALIDATED if accepted else ReportStatus.TO_REVISE
    report.validated_by = user if accepted else None
    report.validated_at = timezone.now() if accepted else None
    report.validation_comment = comment.strip()
    report.save()
    record(user, report.campaign.scheme.departement, report,
           "bilan validé" if accepted else "bilan à revoir", {"commentaire": comment})
    return report


@dataclass
class OrganisationProgress:
    organisation: Organisation
    due: int
    reported: int

    @property
    def missing(self) -> int:
        return self.due - self.reported


def reporting_progress(campaign: Campaign) -> list[OrganisationProgress]:
    """For every organisation acting on at least one action: actions due and reported."""
    scheme = campaign.scheme
    orgs = (Organisation.objects.filter(action_roles__action__scheme=scheme)
            .distinct().order_by("name"))
    out = []
    for org in orgs:
        due = actions_of(org, scheme).count()
        reported = campaign.reports.filter(organisation=org).count()
        out.append(OrganisationProgress(org, due, reported))
    return out


def stale_actions(scheme, today: dt.date | None = None) -> list[Action]:
    """Open actions without any update for a year (or never updated)."""
    today = today or dt.date.today()
    limit = today - dt.timedelta(days=STALE_DAYS)
    return list(Action.objects.filter(scheme=scheme)
                .exclude(status__in=[ActionStatus.DONE, ActionStatus.ABANDONED])
                .filter(Q(last_update__isnull=True) | Q(last_update__lt=limit))
                .select_related("group__orientation"))


@dataclass
class OrientationSummary:
    orientation: Any
    by_status: dict[str, int] = field(default_factory=dict)
    late: int = 0
    actions: int = 0
    indicators_met: int = 0
    indicators_not_met: int = 0
    indicators_unavailable: int = 0


def committee_summary(scheme, year: int, today: dt.date | None = None
                      ) -> list[OrientationSummary]:
    """The steering committee's table: by orientation, actions by status, late actions,
    and the year's indicators against their targets ("non disponible" when missing)."""
    today = today or dt.date.today()
    out = []
    for orientation in scheme.programme_orientations.all():
        s = OrientationSummary(orientation)
        actions = list(Action.objects.filter(group__orientation=orientation)
                       .prefetch_related("indicators"))
        s.actions = len(actions)
        counts = Counter(a.status for a in actions)
        s.by_status = {st.value: counts.get(st.value, 0) for st in ActionStatus}
        s.late = sum(a.is_late(today) for a in actions)
        for a in actions:
            for ind in a.indicators.all():
                iv = IndicatorValue.objects.filter(indicator=ind, year=year).first()
                met = iv.target_met() if iv else None
                if met is None:
                    s.indicators_unavailable += 1
                elif met:
                    s.indicators_met += 1
                else:
                    s.indicators_not_met += 1
        out.append(s)
    return out
