"""The one write path of the programme; every change goes to the change log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.history.services import diff, record
from sdaasp.scheme.programme.models import (
    Action,
    ActionActor,
    ActionStatus,
    BudgetLine,
    FollowUpNote,
    GroupParticipant,
    Indicator,
    IndicatorValue,
    ProgrammeOrientation,
    WorkingGroup,
)

ACTION_FIELDS = ("title", "description", "quantitative_objectives", "qualitative_objectives",
                 "target_zones", "start_date", "end_date", "status", "is_example")


@transaction.atomic
def do_set_orientation(scheme, position: int, title: str, *, code: str | None = None,
                       note: str = "", user: Any = None) -> ProgrammeOrientation:
    code = code or f"O{position}"
    o, created = ProgrammeOrientation.objects.get_or_create(
        scheme=scheme, code=code, defaults={"position": position, "title": title, "note": note})
    changes = diff({"position": o.position, "title": o.title, "note": o.note},
                   {"position": position, "title": title, "note": note})
    if changes:
        o.position, o.title, o.note = position, title, note
        o.save()
    if created or changes:
        record(user, scheme.departement, o, "création" if created else "modification", changes)
    return o


@transaction.atomic
def do_set_group(orientation: ProgrammeOrientation, position: int, title: str, *,
                 code: str | None = None, note: str = "", pilots=(), partners=(),
                 user: Any = None) -> WorkingGroup:
    """Create or update a working group; ``pilots`` and ``partners`` are lists of
    ``(label, [Organisation, ...])`` kept in order, labels exactly as written."""
    code = code or f"{orientation.code}-G{position}"
    g = WorkingGroup.objects.filter(orientation__scheme=orientation.scheme, code=code).first()
    created = g is None
    if g is None:
        g = WorkingGroup.objects.create(orientation=orientation, code=code, position=position,
                                        title=title, note=note)
    changes = diff({"position": g.position, "title": g.title, "note": g.note,
                    "orientation": g.orientation.code},
                   {"position": position, "title": title, "note": note,
                    "orientation": orientation.code})
    if changes:
        g.orientation, g.position, g.title, g.note = orientation, position, title, note
        g.save()
    for role, items in (("pilote", pilots), ("partenaire", partners)):
        before = [p.label for p in g.participants.filter(role=role)]
        for i, (label, orgs) in enumerate(items, start=1):
            p, _ = GroupParticipant.objects.update_or_create(
                group=g, role=role, position=i, defaults={"label": label})
            p.organisations.set(orgs)
        g.participants.filter(role=role, position__gt=len(items)).delete()
        after = [label for label, _ in items]
        if before != after:
            changes[f"{role}s"] = [before, after]
    if created or changes:
        record(user, orientation.scheme.departement, g,
               "création" if created else "modification", changes)
    return g


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise SchemeError("La fin prévue précède le début prévu.")


@transaction.atomic
def do_save_action(group: WorkingGroup, *, code: str, user: Any = None,
                   actors: list[tuple[Any, str]] | None = None,
                   target_epcis=None, target_communes=None, **fields: Any) -> Action:
    """Create or update a fiche action found by its code in the scheme.

    ``actors`` is a list of ``(Organisation, role)``; when given it replaces the actors.
    """
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown action fields: {sorted(unknown)}")
    _check_dates(fields.get("start_date"), fields.get("end_date"))
    scheme = group.orientation.scheme
    action = Action.objects.filter(scheme=scheme, code=code).first()
    created = action is None
    before: dict[str, Any] = {}
    if action is None:
        action = Action(scheme=scheme, group=group, code=code)
    else:
        before = {f: getattr(action, f) for f in fields} | {"group": action.group.code}
    status_changed = "status" in fields and fields["status"] != action.status
    for name, value in fields.items():
        setattr(action, name, value)
    action.group = group
    if created or status_changed:
        action.last_update = dt.date.today()
    action.full_clean(exclude=["target_epcis", "target_communes", "last_update"])
    action.save()
    changes = diff(before, {**fields, "group": group.code}) if not created else dict(fields)
    if actors is not None:
        old = sorted(f"{a.organisation.key}:{a.role}" for a in action.actors.all())
        new = sorted(f"{o.key}:{r}" for o, r in actors)
        if old != new:
            action.actors.all().delete()
            for org, role in actors:
                ActionActor.objects.create(action=action, organisation=org, role=role)
            changes["acteurs"] = [old, new]
    for attr, values in (("target_epcis", target_epcis), ("target_communes", target_communes)):
        if values is not None:
            old = sorted(str(v.pk) for v in getattr(action, attr).all())
            new = sorted(str(v.pk) for v in values)
            if old != new:
                getattr(action, attr).set(values)
                changes[attr] = [old, new]
    if created or changes:
        record(user, scheme.departement, action, "création" if created else "modification",
               changes)
    return action


@transaction.atomic
def do_update_action_status(action: Action, status: str, *, user: Any = None,
                            on: dt.date | None = None) -> Action:
    if status not in ActionStatus.values:
        raise SchemeError(f"État inconnu : « {status} ».")
    before = action.status
    action.status = status
    action.last_update = on or dt.date.today()
    action.save(update_fields=["status", "last_update"])
    record(user, action.scheme.departement, action, "changement d'état",
           {"status": [before, status]})
    return action


@transaction.atomic
def do_add_note(action: Action, text: str, *, user: Any = None, organisation=None,
                on: dt.date | None = None) -> FollowUpNote:
    if not text.strip():
        raise SchemeError("La note de suivi est vide.")
    note = FollowUpNote.objects.create(action=action, date=on or dt.date.today(), author=user
                                       if getattr(user, "is_authenticated", False) else None,
                                       organisation=organisation, text=text.strip())
    if action.last_update is None or note.date > action.last_update:
        action.last_update = note.date
        action.save(update_fields=["last_update"])
    record(user, action.scheme.departement, action, "note de suivi", {"note": note.text})
    return note


@transaction.atomic
def do_save_indicator(action: Action, *, code: str, name: str, unit: str,
                      user: Any = None, **fields: Any) -> Indicator:
    ind, created = Indicator.objects.get_or_create(
        action=action, code=code, defaults={"name": name, "unit": unit, **fields})
    new = {"name": name, "unit": unit, **fields}
    changes = {} if created else diff({k: getattr(ind, k) for k in new}, new)
    if changes:
        for k, v in new.items():
            setattr(ind, k, v)
        ind.save()
    if created or changes:
        record(user, action.scheme.departement, ind, "création" if created else "modification",
               new if created else changes, label=f"{action.code} / {ind.name}")
    return ind


@transaction.atomic
def do_set_indicator_value(indicator: Indicator, year: int, *, target: Decimal | None = ...,
                           result: Decimal | None = ..., result_source: str | None = None,
                           user: Any = None) -> IndicatorValue:
    """Set a yearly target and/or result (``...`` leaves a field unchanged)."""
    iv, _ = IndicatorValue.objects.get_or_create(indicator=indicator, year=year)
    before = {"target": iv.target, "result": iv.result, "result_source": iv.result_source}
    if target is not ...:
        iv.target = target
    if result is not ...:
        iv.result = result
    if result_source is not None:
        iv.result_source = result_source
    after = {"target": iv.target, "result": iv.result, "result_source": iv.result_source}
    changes = diff(before, after)
    if changes:
        iv.save()
        record(user, indicator.action.scheme.departement, iv, "valeur d'indicateur", changes,
               label=f"{indicator.action.code} / {indicator.name} {year}")
    return iv


@transaction.atomic
def do_fill_indicator_from_diagnostic(indicator: Indicator, year: int, value: Decimal, *,
                                      run: str, user: Any = None) -> IndicatorValue:
    """Record a result computed by a diagnostic run (``indicator.diagnostic_key``)."""
    if not indicator.diagnostic_key:
        raise SchemeError("Cet indicateur n'est relié à aucun indicateur du diagnostic.")
    return do_set_indicator_value(indicator, year, result=value,
                                  result_source=f"diagnostic {run} ({indicator.diagnostic_key})",
                                  user=user)


@transaction.atomic
def do_add_budget_line(action: Action, *, year: int, label: str, amount_eur: Decimal,
                       funder=None, user: Any = None) -> BudgetLine:
    line = BudgetLine.objects.create(action=action, year=year, label=label,
                                     amount_eur=amount_eur, funder=funder)
    record(user, action.scheme.departement, action, "ligne budgétaire",
           {"année": year, "poste": label, "montant": amount_eur,
            "financeur": str(funder) if funder else ""})
    return line


@transaction.atomic
def do_replace_budget(action: Action, lines: list[dict[str, Any]], *,
                      user: Any = None) -> bool:
    """Replace the action's budget lines by ``lines`` (year, label, amount_eur, funder);
    returns whether anything changed."""
    def key(year, label, amount, funder) -> tuple:
        return (year, label, str(Decimal(amount).quantize(Decimal("0.01"))),
                funder.key if funder else None)

    old = [key(b.year, b.label, b.amount_eur, b.funder) for b in action.budget_lines.all()]
    new = [key(x["year"], x["label"], x["amount_eur"], x.get("funder")) for x in lines]
    if old == new:
        return False
    action.budget_lines.all().delete()
    for x in lines:
        BudgetLine.objects.create(action=action, year=x["year"], label=x["label"],
                                  amount_eur=x["amount_eur"], funder=x.get("funder"))
    record(user, action.scheme.departement, action, "budget", {"budget": [old, new]})
    return True
