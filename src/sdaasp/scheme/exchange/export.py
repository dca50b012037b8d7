"""The whole scheme as plain JSON-able data: the JSON export, and the frozen content of a
superseded version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sdaasp.scheme.dates import FuzzyDate
from sdaasp.scheme.errors import SchemeNotFoundError

FORMAT = "sdaasp-scheme/1"


def _d(value: dt.date | None, precision: str = "jour") -> str | None:
    return None if value is None else FuzzyDate(value, precision).iso()


def _n(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def get_scheme(departement: str):
    from sdaasp.scheme.procedure.models import Scheme

    scheme = Scheme.objects.filter(departement=departement).order_by("-period_start_year").first()
    if scheme is None:
        raise SchemeNotFoundError(
            f"Aucun schéma enregistré pour le département {departement} "
            "(pour le Nord : sdaasp scheme load-nord).")
    return scheme


def action_to_dict(a, *, internal: bool = True) -> dict[str, Any]:
    out = {
        "code": a.code, "group": a.group.code, "title": a.title, "is_example": a.is_example,
        "description": a.description,
        "quantitative_objectives": a.quantitative_objectives,
        "qualitative_objectives": a.qualitative_objectives,
        "target_epcis": sorted(e.siren for e in a.target_epcis.all()),
        "target_communes": sorted(c.code for c in a.target_communes.all()),
        "target_zones": a.target_zones,
        "start_date": _d(a.start_date), "end_date": _d(a.end_date), "status": a.status,
        "last_update": _d(a.last_update),
        "actors": [{"organisation": x.organisation.key, "role": x.role}
                   for x in a.actors.select_related("organisation")],
        "indicators": [{
            "code": i.code, "name": i.name, "unit": i.unit, "direction": i.direction,
            "baseline_value": _n(i.baseline_value), "baseline_year": i.baseline_year,
            "source": i.source, "diagnostic_key": i.diagnostic_key,
            "values": [{"year": v.year, "target": _n(v.target), "result": _n(v.result),
                        "result_source": v.result_source} for v in i.values.all()],
        } for i in a.indicators.all()],
        "budget_lines": [{"year": b.year, "label": b.label, "amount_eur": _n(b.amount_eur),
                          "funder": b.funder.key if b.funder else None}
                         for b in a.budget_lines.all()],
        "notes": [{"date": _d(n.date), "text": n.text,
                   "organisation": n.organisation.key if n.organisation else None}
                  for n in a.notes.all()],
    }
    if not internal:
        del out["budget_lines"], out["notes"]
    return out


def scheme_to_dict(scheme, *, internal: bool = True) -> dict[str, Any]:
    """Everything of the scheme but the reports and the change log; without ``internal``,
    also without follow-up notes and budget lines (the public's view)."""
    from sdaasp.scheme.organisations.models import Organisation

    out: dict[str, Any] = {
        "format": FORMAT,
        "scheme": {"departement": scheme.departement, "title": scheme.title,
                   "period_start_year": scheme.period_start_year,
                   "period_end_year": scheme.period_end_year, "phase": scheme.phase,
                   "deemed_clock_start": scheme.deemed_clock_start,
                   "visible_to_public": scheme.visible_to_public},
        "organisations": [{"key": o.key, "name": o.name, "full_name": o.full_name,
                           "kind": o.kind, "collective": o.collective,
                           "epci": o.epci.siren if o.epci else None, "note": o.note}
                          for o in Organisation.objects.filter(departement=scheme.departement)
                          .select_related("epci")],
        "phases": [{"kind": p.kind, "label": p.label, "start": _d(p.start, p.start_precision),
                    "end": _d(p.end, p.end_precision), "description": p.description}
                   for p in scheme.phases.all()],
        "milestones": [{"date": _d(m.date, m.precision), "end": _d(m.end, m.end_precision),
                        "kind": m.kind, "title": m.title, "note": m.note}
                       for m in scheme.milestones.all()],
        "versions": [],
    }
    for v in scheme.versions.all():
        out["versions"].append({
            "number": v.number, "kind": v.kind, "label": v.label, "reason": v.reason,
            "status": v.status, "arrete_date": _d(v.arrete_date),
            "arrete_reference": v.arrete_reference, "published_on": _d(v.published_on),
            "consultations": [{
                "consultee_kind": c.consultee_kind,
                "organisation": c.organisation.key if c.organisation else None,
                "transmitted": _d(c.transmitted_on, c.transmitted_precision),
                "received_on": _d(c.received_on), "opinion": c.opinion or None,
                "opinion_date": _d(c.opinion_date), "deliberation_ref": c.deliberation_ref,
                "deadline": _d(c.deadline()), "state": c.state(),
                "effective_opinion": c.effective_opinion(), "note": c.note,
            } for c in v.consultations.select_related("organisation", "version__scheme")],
            "tallies": [{"consultee_kind": t.consultee_kind, "favourable": t.favourable,
                         "favourable_with_reservations": t.favourable_with_reservations,
                         "unfavourable": t.unfavourable,
                         "deemed_favourable": t.deemed_favourable, "note": t.note}
                        for t in v.tallies.all()],
            "approvals": [{"decision": a.decision, "date": _d(a.date),
                           "deliberation_ref": a.deliberation_ref, "body": a.body}
                          for a in v.approvals.all()],
        })
    out["findings"] = [{"position": f.position, "text": f.text, "note": f.note}
                       for f in scheme.findings.all()]
    out["strategic_orientations"] = [
        {"position": o.position, "title": o.title,
         "sub_objectives": [s.text for s in o.sub_objectives.all()]}
        for o in scheme.strategic_orientations.all()]
    out["levers"] = [lv.title for lv in scheme.levers.all()]
    out["governance"] = [{
        "key": b.key, "kind": b.kind, "name": b.name, "note": b.note,
        "members": [m.key for m in b.members.all()],
        "meetings": [{"date": _d(m.date, m.precision), "title": m.title,
                      "attendees": [o.key for o in m.attendees.all()],
                      "decisions": [d.text for d in m.decisions.all()]}
                     for m in b.meetings.all()],
    } for b in scheme.bodies.all()]
    conv = getattr(scheme, "convention", None)
    out["convention"] = None if conv is None else {
        "title": conv.title, "signed_on": _d(conv.signed_on),
        "signatories_note": conv.signatories_note,
        "signatories": [s.organisation.key for s in conv.signatories.all()],
        "commitments": [{"kind": c.kind, "text": c.text,
                         "organisation": c.signatory.organisation.key if c.signatory else None}
                        for c in conv.commitments.all()],
    }
    out["programme"] = [{
        "code": o.code, "title": o.title, "note": o.note,
        "groups": [{
            "code": g.code, "title": g.title, "note": g.note,
            "pilots": [{"label": p.label, "orgs": [x.key for x in p.organisations.all()]}
                       for p in g.pilots()],
            "partners": [{"label": p.label, "orgs": [x.key for x in p.organisations.all()]}
                         for p in g.partners()],
            "actions": [action_to_dict(a, internal=internal) for a in g.actions.all()],
        } for g in o.groups.all()],
    } for o in scheme.programme_orientations.all()]
    return out
