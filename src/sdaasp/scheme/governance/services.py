"""The one write path of the governance."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sdaasp.scheme.dates import FuzzyDate
from sdaasp.scheme.governance.models import Body, Meeting, MeetingDecision
from sdaasp.scheme.history.services import record_upsert, upsert


@transaction.atomic
def do_set_body(scheme, key: str, *, kind: str, name: str, members=(), note: str = "",
                user: Any = None) -> Body:
    body, created, changes = upsert(Body, {"scheme": scheme, "key": key},
                                    {"kind": kind, "name": name, "note": note})
    before = sorted(m.key for m in body.members.all())
    body.members.set(members)
    after = sorted(m.key for m in members)
    if before != after:
        changes["membres"] = [before, after]
    record_upsert(user, scheme.departement, body, created, changes)
    return body


@transaction.atomic
def do_record_meeting(body: Body, *, date: FuzzyDate, title: str, decisions: list[str],
                      attendees=(), minutes: str = "", user: Any = None) -> Meeting:
    """Record a meeting and its decisions (idempotent on body, date and title)."""
    meeting, created, changes = upsert(
        Meeting, {"body": body, "date": date.value, "title": title},
        {"precision": date.precision, "minutes": minutes})
    meeting.attendees.set(attendees)
    before = [d.text for d in meeting.decisions.all()]
    for i, text in enumerate(decisions, start=1):
        MeetingDecision.objects.update_or_create(meeting=meeting, position=i,
                                                 defaults={"text": text})
    meeting.decisions.filter(position__gt=len(decisions)).delete()
    if before != list(decisions):
        changes["décisions"] = [before, list(decisions)]
    record_upsert(user, body.scheme.departement, meeting, created, changes)
    return meeting
