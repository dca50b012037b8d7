"""Load a scheme from a versioned seed file (the Nord 2018-2023 ships with sdaasp).

The file is validated as a whole first (unknown organisation keys, unreadable dates), then
written in one transaction through the apps' services; loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from sdaasp.errors import InputFileError, Problem
from sdaasp.scheme.dates import FuzzyDate

NORD_FILE = Path(__file__).parent / "data" / "nord_2018_2023.json"
EXAMPLE = "exemple (fictif)"


def _participant_problems(name: str, programme: list[dict], keys: set[str]) -> list[Problem]:
    """Every pilot or partner of a working group must name declared organisations."""
    problems = []
    for i, o in enumerate(programme, start=1):
        for j, g in enumerate(o.get("groups", []), start=1):
            for role in ("pilots", "partners"):
                for k, p in enumerate(g.get(role, []), start=1):
                    where = f"programme[{i}].groups[{j}].{role}[{k}]"
                    problems += [Problem(name, None, where,
                                         "une organisation déclarée dans « organisations »", key)
                                 for key in p.get("orgs", []) if key not in keys]
                    if not p.get("orgs"):
                        problems.append(Problem(name, None, where,
                                                "au moins une organisation liée",
                                                p.get("label", "")))
    return problems


def read_seed(path: Path = NORD_FILE) -> dict[str, Any]:
    """Read and validate a seed file; every problem is collected before refusing it."""
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputFileError(
            [Problem(name, None, None, "un fichier JSON lisible", str(exc))]) from None
    problems: list[Problem] = []
    keys = {o["key"] for o in data.get("organisations", [])}

    def check_date(where: str, text: str | None) -> None:
        if text is None:
            return
        try:
            FuzzyDate.parse(text)
        except ValueError:
            problems.append(Problem(name, None, where, "une date AAAA-MM-JJ, AAAA-MM ou AAAA",
                                    text))

    for i, m in enumerate(data.get("milestones", []), start=1):
        check_date(f"milestones[{i}].date", m.get("date"))
        check_date(f"milestones[{i}].end", m.get("end"))
    problems += _participant_problems(name, data.get("programme", []), keys)
    for i, b in enumerate(data.get("governance", {}).get("bodies", []), start=1):
        for key in b.get("members", []):
            if key not in keys:
                problems.append(Problem(name, None, f"governance.bodies[{i}].members",
                                        "une organisation déclarée", key))
    if problems:
        raise InputFileError(problems)
    return data


def _fd(text: str | None) -> FuzzyDate | None:
    return None if text is None else FuzzyDate.parse(text)


def _load_version(scheme: Any, v: dict[str, Any], orgs: dict[str, Any], *, user: Any) -> None:
    """The procedure of the first version: consultations, tallies, approval, arrêté."""
    from sdaasp.scheme.procedure import services as proc
    from sdaasp.scheme.procedure.models import Decision, VersionStatus

    version = scheme.versions.get(number=1)
    if version.label != v["label"]:
        version.label = v["label"]
        version.save(update_fields=["label"])
    if version.status in (VersionStatus.DRAFT, VersionStatus.CONSULTATION):
        for c in v["consultations"]:
            cons = proc.do_transmit_draft(
                version, consultee_kind=c["consultee_kind"], organisation=orgs[c["organisation"]],
                transmitted=_fd(c["transmitted"]), note=c.get("note", ""), user=user)
            if c.get("opinion"):
                proc.do_record_opinion(cons, opinion=c["opinion"],
                                       opinion_date=dt.date.fromisoformat(c["opinion_date"]),
                                       deliberation_ref=c.get("deliberation_ref", ""),
                                       user=user)
        for t in v["tallies"]:
            proc.do_record_tally(
                version, consultee_kind=t["consultee_kind"], transmitted=_fd(t["transmitted"]),
                transmitted_end=_fd(t.get("transmitted_end")), favourable=t.get("favourable"),
                favourable_with_reservations=t.get("favourable_with_reservations"),
                unfavourable=t.get("unfavourable"), deemed_favourable=t.get("deemed_favourable"),
                note=t.get("note", ""), user=user)
        a = v["approval"]
        proc.do_record_approval(version, decision=a["decision"] or Decision.APPROVED,
                                date=dt.date.fromisoformat(a["date"]),
                                deliberation_ref=a.get("deliberation_ref", ""),
                                body=a.get("body", "Conseil départemental"), user=user)
    if version.status == VersionStatus.APPROVED:
        proc.do_record_arrete(version, date=dt.date.fromisoformat(v["arrete"]["date"]),
                              reference=v["arrete"].get("reference", ""), user=user)


def _load_programme(scheme: Any, programme: list[dict], orgs: dict[str, Any], *,
                    user: Any) -> None:
    """Orientations of the programme and their working groups with pilots and partners."""
    from sdaasp.scheme.programme.services import do_set_group, do_set_orientation

    for i, o in enumerate(programme, start=1):
        orientation = do_set_orientation(scheme, i, o["title"], note=o.get("note", ""),
                                         user=user)
        for j, g in enumerate(o["groups"], start=1):
            title = g.get("title")
            note = g.get("note", "")
            if title is None:
                title = o["title"]
                extra = ("Seul groupe de cette orientation : la présentation ne lui donne pas "
                         "d'autre titre que celui de l'orientation.")
                note = f"{extra} {note}".strip()
            do_set_group(orientation, j, title, note=note,
                         pilots=[(p["label"], [orgs[k] for k in p["orgs"]]) for p in g["pilots"]],
                         partners=[(p["label"], [orgs[k] for k in p["orgs"]])
                                   for p in g["partners"]],
                         user=user)


@transaction.atomic
def load_seed(path: Path = NORD_FILE, *, user: Any = None):
    """Load the seed into the database (idempotent) and return the scheme."""
    from sdaasp.scheme.convention.services import do_set_convention
    from sdaasp.scheme.governance.models import Meeting
    from sdaasp.scheme.governance.services import do_record_meeting, do_set_body
    from sdaasp.scheme.organisations.services import (
        do_sync_epci_organisations,
        do_upsert_organisation,
    )
    from sdaasp.scheme.procedure import services as proc
    from sdaasp.scheme.strategy.services import (
        do_set_finding,
        do_set_lever,
        do_set_strategic_orientation,
    )

    data = read_seed(path)
    s = data["scheme"]
    dep = s["departement"]
    orgs = {}
    for o in data["organisations"]:
        parent = orgs.get("etat") if o["key"].startswith("etat-") else None
        orgs[o["key"]] = do_upsert_organisation(
            dep, o["key"], name=o["name"], kind=o["kind"], full_name=o.get("full_name", ""),
            collective=o.get("collective", False), note=o.get("note", ""), parent=parent)
    do_sync_epci_organisations(dep, parent=orgs.get("epci"))

    scheme = proc.do_create_scheme(
        dep, title=s["title"], period_start_year=s["period_start_year"],
        period_end_year=s["period_end_year"], deemed_clock_start=s["deemed_clock_start"],
        visible_to_public=s["visible_to_public"], user=user)
    for p in data["phases"]:
        proc.do_set_phase(scheme, p["kind"], label=p["label"], start=_fd(p["start"]),
                          end=_fd(p.get("end")), description=p.get("description", ""),
                          user=user)
    for m in data["milestones"]:
        proc.do_add_milestone(scheme, title=m["title"], kind=m["kind"], date=_fd(m["date"]),
                              end=_fd(m.get("end")), note=m.get("note", ""), user=user)

    _load_version(scheme, data["version"], orgs, user=user)

    for i, f in enumerate(data["findings"], start=1):
        f = {"text": f} if isinstance(f, str) else f
        do_set_finding(scheme, i, f["text"], note=f.get("note", ""), user=user)
    for i, o in enumerate(data["strategic_orientations"], start=1):
        do_set_strategic_orientation(scheme, i, o["title"], o["sub_objectives"], user=user)
    for i, lever in enumerate(data["levers"], start=1):
        do_set_lever(scheme, i, lever, user=user)

    bodies = {}
    for b in data["governance"]["bodies"]:
        bodies[b["key"]] = do_set_body(scheme, b["key"], kind=b["kind"], name=b["name"],
                                       members=[orgs[k] for k in b["members"]],
                                       note=b.get("note", ""), user=user)
    for m in data["governance"]["meetings"]:
        do_record_meeting(bodies[m["body"]], date=_fd(m["date"]), title=m["title"],
                          decisions=m["decisions"], user=user)

    c = data["convention"]
    meeting = Meeting.objects.filter(body__scheme=scheme,
                                     date=dt.date.fromisoformat(c["signed_at_meeting"])).first()
    do_set_convention(scheme, title=c["title"], signed_on=dt.date.fromisoformat(c["signed_on"]),
                      meeting=meeting, signatories_note=c.get("signatories_note", ""),
                      commitments=[(x["kind"], x["text"]) for x in c["commitments"]], user=user)

    _load_programme(scheme, data["programme"], orgs, user=user)
    return scheme


@transaction.atomic
def load_examples(scheme, *, today: dt.date | None = None) -> dict[str, Any]:
    """Demo content, every piece flagged "exemple (fictif)": three example fiches action, an
    indicator tied to a diagnostic key, an open campaign and four demo accounts."""
    from django.contrib.auth import get_user_model

    from sdaasp.scheme.organisations.models import Organisation, Role
    from sdaasp.scheme.organisations.services import do_assign_person
    from sdaasp.scheme.programme.models import WorkingGroup
    from sdaasp.scheme.programme.services import (
        do_save_action,
        do_save_indicator,
        do_set_indicator_value,
    )
    from sdaasp.scheme.reporting.models import Campaign

    today = today or dt.date.today()
    org = {o.key: o for o in Organisation.objects.filter(departement=scheme.departement)}
    groups = {g.code: g for g in WorkingGroup.objects.filter(orientation__scheme=scheme)}
    a1 = do_save_action(
        groups["O1-G1"], code="EX-1", is_example=True,
        title="Exemple (fictif) : ouvrir une maison France Services dans un EPCI sans MSAP",
        description="Action de démonstration : elle ne figure pas dans le schéma du Nord.",
        quantitative_objectives="1 structure ouverte ; 24 h d'ouverture hebdomadaire au moins",
        qualitative_objectives="Un accueil de proximité polyvalent", target_zones="",
        start_date=dt.date(2018, 9, 1), end_date=dt.date(2020, 12, 31), status="en_cours",
        actors=[(org["etat-dcpi"], "pilote"), (org["cd59"], "copilote"),
                (org["la-poste"], "partenaire")])
    ind = do_save_indicator(
        a1, code="I1", name="Part des habitants à plus de 30 minutes d'une France Services",
        unit="%", direction="baisse", source="diagnostic sdaasp (exemple)",
        diagnostic_key="share_beyond_30min:FS_FIXE")
    do_set_indicator_value(ind, 2019, target=Decimal("5"))
    do_save_action(
        groups["O3-G1"], code="EX-2", is_example=True,
        title="Exemple (fictif) : former des aidants numériques dans les centres sociaux",
        description="Action de démonstration.", quantitative_objectives="50 aidants formés",
        qualitative_objectives="", target_zones="", start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2021, 6, 30), status="a_venir",
        actors=[(org["etat-dcpi"], "pilote"), (org["cd59"], "partenaire"),
                (org["udccas"], "partenaire")])
    do_save_action(
        groups["O1-G2"], code="EX-3", is_example=True,
        title="Exemple (fictif) : recenser les places d'accueil du jeune enfant par EPCI",
        description="Action de démonstration.", quantitative_objectives="",
        qualitative_objectives="Un état des lieux partagé", target_zones="",
        start_date=dt.date(2018, 4, 1), end_date=dt.date(2018, 12, 31), status="realise",
        actors=[(org["etat-ddcs"], "pilote"), (org["caf"], "copilote"),
                (org["cd59"], "partenaire")])
    campaign, _ = Campaign.objects.get_or_create(
        scheme=scheme, year=2019,
        defaults={"opens_on": today, "closes_on": today + dt.timedelta(days=60),
                  "is_example": True})
    users = {}
    user_model = get_user_model()
    for username, role, okey in (("coordination", Role.COORDINATOR, "cd59"),
                                 ("referent-cd59", Role.REFERENT, "cd59"),
                                 ("referent-caf", Role.REFERENT, "caf"),
                                 ("lecteur", Role.READER, None)):
        user, created = user_model.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        do_assign_person(user, role=role, organisation=org[okey] if okey else None,
                         job_title=EXAMPLE)
        users[username] = created
    return {"campaign": campaign, "users": users}


DEMO_PASSWORD = "demo-sdaasp"
