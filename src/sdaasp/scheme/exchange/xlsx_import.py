"""Import of the programme workbook: check every reference, then write in one transaction
through the programme's services (so that the change log sees every change)."""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from sdaasp.actor import current_actor
from sdaasp.errors import InputFileError, Problem
from sdaasp.scheme.exchange.xlsx import SHEETS, read_workbook

Q3, Q2 = Decimal("0.001"), Decimal("0.01")

logger = logging.getLogger("sdaasp.scheme")


def _q(value: Decimal | None, q: Decimal) -> Decimal | None:
    return None if value is None else value.quantize(q)


def _col(sheet: str, header: str) -> str:
    from openpyxl.utils import get_column_letter

    j = [c.header for c in SHEETS[sheet]].index(header)
    return f"{get_column_letter(j + 1)} ({header})"


def import_programme(path: Path, *, user: Any = None) -> str:
    """Import the workbook (all or nothing) and return a French summary."""
    from sdaasp.diagnostic.territory.models import Commune, Epci, Scot
    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.procedure.models import Scheme
    from sdaasp.scheme.programme.models import WorkingGroup

    path = Path(path)
    name = path.name
    parsed = read_workbook(path)
    t = parsed.tables
    problems: list[Problem] = []

    def bad(sheet: str, rec: dict, header: str, expected: str, found: Any) -> None:
        problems.append(Problem(f"{name}, feuille « {sheet} »", rec["_line"],
                                _col(sheet, header), expected, str(found)))

    scheme = Scheme.objects.filter(departement=parsed.departement,
                                   period_start_year=parsed.start_year).first()
    if scheme is None:
        raise InputFileError([Problem(f"{name}, feuille « Métadonnées »", 1, "B (département)",
                                      "un schéma enregistré",
                                      f"{parsed.departement} {parsed.start_year}")])
    orgs = {o.key: o for o in Organisation.objects.filter(departement=scheme.departement)}
    epcis = {e.siren: e for e in Epci.objects.filter(departement_id=scheme.departement)}
    scots = {s.code: s for s in Scot.objects.filter(departement_id=scheme.departement)}

    def unique(sheet: str, keyf, header: str) -> None:
        seen: set = set()
        for rec in t[sheet]:
            k = keyf(rec)
            if k in seen:
                bad(sheet, rec, header, "un code unique dans la feuille", k)
            seen.add(k)

    unique("Orientations", lambda r: r["code"], "code")
    unique("Groupes", lambda r: r["code"], "code")
    unique("Actions", lambda r: r["code"], "code")
    unique("Indicateurs", lambda r: (r["action"], r["code"]), "code")
    unique("Valeurs", lambda r: (r["action"], r["indicateur"], r["année"]), "année")
    orientation_codes = {r["code"] for r in t["Orientations"]}
    group_codes = {r["code"] for r in t["Groupes"]}
    action_codes = {r["code"] for r in t["Actions"]}
    indicator_keys = {(r["action"], r["code"]) for r in t["Indicateurs"]}
    for rec in t["Groupes"]:
        if rec["orientation"] not in orientation_codes:
            bad("Groupes", rec, "orientation", "une orientation de la feuille « Orientations »",
                rec["orientation"])
    for rec in t["Pilotes et partenaires"]:
        if rec["groupe"] not in group_codes:
            bad("Pilotes et partenaires", rec, "groupe",
                "un groupe de la feuille « Groupes »", rec["groupe"])
        for key in rec["organisations"]:
            if key not in orgs:
                bad("Pilotes et partenaires", rec, "organisations",
                    "un identifiant de la feuille « Organisations »", key)
    all_communes = {c for rec in t["Actions"] for c in rec["communes ciblées (INSEE)"]}
    communes = {c.code: c for c in Commune.objects.filter(code__in=all_communes)}
    known_groups = group_codes | set(WorkingGroup.objects.filter(
        orientation__scheme=scheme).values_list("code", flat=True))
    for rec in t["Actions"]:
        if rec["groupe"] not in known_groups:
            bad("Actions", rec, "groupe", "un groupe existant", rec["groupe"])
        for header in ("pilotes", "co-pilotes", "partenaires"):
            for key in rec[header]:
                if key not in orgs:
                    bad("Actions", rec, header, "un identifiant d'organisation", key)
        for siren in rec["EPCI ciblés (SIREN)"]:
            if siren not in epcis:
                bad("Actions", rec, "EPCI ciblés (SIREN)", "le SIREN d'un EPCI du département",
                    siren)
        for code in rec["SCoT ciblés (code)"]:
            if code not in scots:
                bad("Actions", rec, "SCoT ciblés (code)", "le code d'un territoire SCoT", code)
        for code in rec["communes ciblées (INSEE)"]:
            if code not in communes:
                bad("Actions", rec, "communes ciblées (INSEE)", "un code INSEE de commune", code)
        if rec["début prévu"] and rec["fin prévue"] and rec["fin prévue"] < rec["début prévu"]:
            bad("Actions", rec, "fin prévue", "une date après le début prévu", rec["fin prévue"])
    for sheet in ("Indicateurs", "Budget", "Notes de suivi"):
        for rec in t[sheet]:
            if rec["action"] not in action_codes:
                bad(sheet, rec, "action", "une action de la feuille « Actions »", rec["action"])
    for rec in t["Valeurs"]:
        if (rec["action"], rec["indicateur"]) not in indicator_keys:
            bad("Valeurs", rec, "indicateur", "un indicateur de la feuille « Indicateurs »",
                f"{rec['action']} / {rec['indicateur']}")
    for sheet, header in (("Budget", "financeur"), ("Notes de suivi", "organisation")):
        for rec in t[sheet]:
            if rec[header] and rec[header] not in orgs:
                bad(sheet, rec, header, "un identifiant d'organisation", rec[header])
    if problems:
        raise InputFileError(problems)
    counts = _apply(scheme, t, orgs, {"epci": epcis, "commune": communes, "scot": scots},
                    user=user)
    logger.info("import du programme : fichier=%s source=xlsx département=%s actions=%s "
                "modifications=%s par=%s", name, scheme.departement, counts["actions"],
                counts["changes"], getattr(user, "username", None) or current_actor())
    return (f"{counts['orientations']} orientations, {counts['groupes']} groupes, "
            f"{counts['actions']} fiches action ; {counts['changes']} modification(s) "
            "enregistrée(s) dans l'historique.")


@transaction.atomic
def _apply(scheme, t, orgs, places, *, user: Any) -> dict[str, int]:
    from sdaasp.scheme.history.models import ChangeLog
    from sdaasp.scheme.programme import services as s
    from sdaasp.scheme.programme.models import FollowUpNote, WorkingGroup

    n_log = ChangeLog.objects.count()
    orientations = {}
    for rec in t["Orientations"]:
        orientations[rec["code"]] = s.do_set_orientation(
            scheme, rec["ordre"], rec["intitulé"], code=rec["code"], note=rec["note"] or "",
            user=user)
    participants: dict[str, dict[str, list]] = defaultdict(lambda: {"pilote": [],
                                                                    "partenaire": []})
    for rec in sorted(t["Pilotes et partenaires"], key=lambda r: r["ordre"]):
        participants[rec["groupe"]][rec["rôle"]].append(
            (rec["libellé"], [orgs[k] for k in rec["organisations"]]))
    for rec in t["Groupes"]:
        p = participants[rec["code"]]
        s.do_set_group(orientations[rec["orientation"]], rec["ordre"], rec["intitulé"],
                       code=rec["code"], note=rec["note"] or "", pilots=p["pilote"],
                       partners=p["partenaire"], user=user)
    groups = {g.code: g for g in WorkingGroup.objects.filter(orientation__scheme=scheme)}
    actions = {}
    for rec in t["Actions"]:
        actors = ([(orgs[k], "pilote") for k in rec["pilotes"]]
                  + [(orgs[k], "copilote") for k in rec["co-pilotes"]]
                  + [(orgs[k], "partenaire") for k in rec["partenaires"]])
        actions[rec["code"]] = s.do_save_action(
            groups[rec["groupe"]], code=rec["code"], user=user, actors=actors,
            target_epcis=[places["epci"][x] for x in rec["EPCI ciblés (SIREN)"]],
            target_communes=[places["commune"][x] for x in rec["communes ciblées (INSEE)"]],
            target_scots=[places["scot"][x] for x in rec["SCoT ciblés (code)"]],
            title=rec["intitulé"], is_example=bool(rec["exemple (fictif)"]),
            description=rec["description"] or "",
            quantitative_objectives=rec["objectifs quantitatifs"] or "",
            qualitative_objectives=rec["objectifs qualitatifs"] or "",
            target_zones=rec["autres territoires ciblés"] or "",
            start_date=rec["début prévu"], end_date=rec["fin prévue"], status=rec["état"])
    indicators = {}
    for rec in t["Indicateurs"]:
        indicators[(rec["action"], rec["code"])] = s.do_save_indicator(
            actions[rec["action"]], code=rec["code"], name=rec["indicateur"],
            unit=rec["unité"], direction=rec["sens"],
            baseline_value=_q(rec["valeur de référence"], Q3),
            baseline_year=rec["année de référence"], source=rec["source"] or "",
            diagnostic_key=rec["indicateur du diagnostic"] or "", user=user)
    for rec in t["Valeurs"]:
        s.do_set_indicator_value(indicators[(rec["action"], rec["indicateur"])], rec["année"],
                                 target=_q(rec["cible"], Q3), result=_q(rec["résultat"], Q3),
                                 result_source=rec["origine du résultat"] or "", user=user)
    budgets: dict[str, list] = defaultdict(list)
    for rec in t["Budget"]:
        budgets[rec["action"]].append({"year": rec["année"], "label": rec["poste"],
                                       "amount_eur": _q(rec["montant (€)"], Q2),
                                       "funder": orgs.get(rec["financeur"] or "")})
    for code, action in actions.items():
        s.do_replace_budget(action, budgets.get(code, []), user=user)
    for rec in t["Notes de suivi"]:
        action = actions[rec["action"]]
        org = orgs.get(rec["organisation"] or "")
        if not FollowUpNote.objects.filter(action=action, date=rec["date"], text=rec["note"],
                                           organisation=org).exists():
            s.do_add_note(action, rec["note"], user=user, organisation=org, on=rec["date"])
    return {"orientations": len(orientations), "groupes": len(t["Groupes"]),
            "actions": len(actions), "changes": ChangeLog.objects.count() - n_log}
