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


class _Checker:
    """Collects every problem of a parsed workbook (file, sheet, line, column) before refusing
    it once; one method per kind of reference."""

    def __init__(self, name: str, tables: dict[str, list[dict]], orgs: dict[str, Any]) -> None:
        self.name = name
        self.t = tables
        self.orgs = orgs
        self.problems: list[Problem] = []

    def bad(self, sheet: str, rec: dict, header: str, expected: str, found: Any) -> None:
        self.problems.append(Problem(f"{self.name}, feuille « {sheet} »", rec["_line"],
                                     _col(sheet, header), expected, str(found)))

    def unique(self, sheet: str, keyf: Any, header: str) -> None:
        seen: set = set()
        for rec in self.t[sheet]:
            k = keyf(rec)
            if k in seen:
                self.bad(sheet, rec, header, "un code unique dans la feuille", k)
            seen.add(k)

    def members(self, sheet: str, rec: dict, header: str, known: Any, expected: str) -> None:
        """Every key of the list cell ``header`` must be in ``known``."""
        for key in rec[header]:
            if key not in known:
                self.bad(sheet, rec, header, expected, key)

    def codes(self) -> None:
        self.unique("Orientations", lambda r: r["code"], "code")
        self.unique("Groupes", lambda r: r["code"], "code")
        self.unique("Actions", lambda r: r["code"], "code")
        self.unique("Indicateurs", lambda r: (r["action"], r["code"]), "code")
        self.unique("Valeurs", lambda r: (r["action"], r["indicateur"], r["année"]), "année")

    def groups(self) -> None:
        orientation_codes = {r["code"] for r in self.t["Orientations"]}
        group_codes = {r["code"] for r in self.t["Groupes"]}
        for rec in self.t["Groupes"]:
            if rec["orientation"] not in orientation_codes:
                self.bad("Groupes", rec, "orientation",
                         "une orientation de la feuille « Orientations »", rec["orientation"])
        sheet = "Pilotes et partenaires"
        for rec in self.t[sheet]:
            if rec["groupe"] not in group_codes:
                self.bad(sheet, rec, "groupe", "un groupe de la feuille « Groupes »",
                         rec["groupe"])
            self.members(sheet, rec, "organisations", self.orgs,
                         "un identifiant de la feuille « Organisations »")

    def actions(self, known_groups: set[str], places: dict[str, dict]) -> None:
        targets = (("EPCI ciblés (SIREN)", "epci", "le SIREN d'un EPCI du département"),
                   ("SCoT ciblés (code)", "scot", "le code d'un territoire SCoT"),
                   ("communes ciblées (INSEE)", "commune", "un code INSEE de commune"))
        for rec in self.t["Actions"]:
            if rec["groupe"] not in known_groups:
                self.bad("Actions", rec, "groupe", "un groupe existant", rec["groupe"])
            for header in ("pilotes", "co-pilotes", "partenaires"):
                self.members("Actions", rec, header, self.orgs, "un identifiant d'organisation")
            for header, kind, expected in targets:
                self.members("Actions", rec, header, places[kind], expected)
            start, end = rec["début prévu"], rec["fin prévue"]
            if start and end and end < start:
                self.bad("Actions", rec, "fin prévue", "une date après le début prévu", end)

    def dependents(self) -> None:
        action_codes = {r["code"] for r in self.t["Actions"]}
        indicator_keys = {(r["action"], r["code"]) for r in self.t["Indicateurs"]}
        for sheet in ("Indicateurs", "Budget", "Notes de suivi"):
            for rec in self.t[sheet]:
                if rec["action"] not in action_codes:
                    self.bad(sheet, rec, "action", "une action de la feuille « Actions »",
                             rec["action"])
        for rec in self.t["Valeurs"]:
            if (rec["action"], rec["indicateur"]) not in indicator_keys:
                self.bad("Valeurs", rec, "indicateur",
                         "un indicateur de la feuille « Indicateurs »",
                         f"{rec['action']} / {rec['indicateur']}")
        for sheet, header in (("Budget", "financeur"), ("Notes de suivi", "organisation")):
            for rec in self.t[sheet]:
                if rec[header] and rec[header] not in self.orgs:
                    self.bad(sheet, rec, header, "un identifiant d'organisation", rec[header])


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
    scheme = Scheme.objects.filter(departement=parsed.departement,
                                   period_start_year=parsed.start_year).first()
    if scheme is None:
        raise InputFileError([Problem(f"{name}, feuille « Métadonnées »", 1, "B (département)",
                                      "un schéma enregistré",
                                      f"{parsed.departement} {parsed.start_year}")])
    orgs = {o.key: o for o in Organisation.objects.filter(departement=scheme.departement)}
    all_communes = {c for rec in t["Actions"] for c in rec["communes ciblées (INSEE)"]}
    places = {
        "epci": {e.siren: e for e in Epci.objects.filter(departement_id=scheme.departement)},
        "scot": {s.code: s for s in Scot.objects.filter(departement_id=scheme.departement)},
        "commune": {c.code: c for c in Commune.objects.filter(code__in=all_communes)},
    }
    known_groups = {r["code"] for r in t["Groupes"]} | set(WorkingGroup.objects.filter(
        orientation__scheme=scheme).values_list("code", flat=True))
    check = _Checker(name, t, orgs)
    check.codes()
    check.groups()
    check.actions(known_groups, places)
    check.dependents()
    if check.problems:
        raise InputFileError(check.problems)
    counts = _apply(scheme, t, orgs, places, user=user)
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
