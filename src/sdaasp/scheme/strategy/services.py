"""The one write path of the strategy (replace-by-position, idempotent)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sdaasp.scheme.history.services import record_upsert, upsert
from sdaasp.scheme.strategy.models import Finding, Lever, StrategicOrientation, SubObjective


@transaction.atomic
def do_set_finding(scheme, position: int, text: str, *, note: str = "",
                   diagnostic_run: str = "", user: Any = None) -> Finding:
    f, created, changes = upsert(Finding, {"scheme": scheme, "position": position},
                                 {"text": text, "note": note, "diagnostic_run": diagnostic_run})
    record_upsert(user, scheme.departement, f, created, changes)
    return f


@transaction.atomic
def do_set_strategic_orientation(scheme, position: int, title: str,
                                 sub_objectives: list[str], *,
                                 user: Any = None) -> StrategicOrientation:
    o, created, changes = upsert(StrategicOrientation, {"scheme": scheme, "position": position},
                                 {"title": title})
    before = [s.text for s in o.sub_objectives.all()]
    for i, text in enumerate(sub_objectives, start=1):
        SubObjective.objects.update_or_create(orientation=o, position=i,
                                              defaults={"text": text})
    o.sub_objectives.filter(position__gt=len(sub_objectives)).delete()
    if before != list(sub_objectives):
        changes["sous-objectifs"] = [before, list(sub_objectives)]
    record_upsert(user, scheme.departement, o, created, changes)
    return o


@transaction.atomic
def do_set_lever(scheme, position: int, title: str, *, user: Any = None) -> Lever:
    lever, created, changes = upsert(Lever, {"scheme": scheme, "position": position},
                                     {"title": title})
    record_upsert(user, scheme.departement, lever, created, changes)
    return lever
