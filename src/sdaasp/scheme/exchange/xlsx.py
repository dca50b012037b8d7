"""The programme as a spreadsheet that round-trips: export, edit, re-import, nothing lost.

Each sheet is one table with a header row. Rows are matched by their codes (orientation,
group, action, indicator); pilots, partners, targets and budget lines of an action are
replaced by the sheet's; follow-up notes are only added (a dated record is never removed).
The whole workbook is checked before anything is written; every bad cell is reported with
the file, the sheet, the line and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from sdaasp.errors import InputFileError, Problem
from sdaasp.scheme.programme.models import ActionStatus, Direction, ParticipantRole

META = "Métadonnées"
SEP = " ; "


@dataclass(frozen=True)
class Col:
    header: str
    kind: str = "text"  # text, int, decimal, date, bool, status, direction, role, list
    required: bool = False


SHEETS: dict[str, list[Col]] = {
    "Orientations": [Col("code", required=True), Col("ordre", "int", True),
                     Col("intitulé", required=True), Col("note")],
    "Groupes": [Col("code", required=True), Col("orientation", required=True),
                Col("ordre", "int", True), Col("intitulé", required=True), Col("note")],
    "Pilotes et partenaires": [Col("groupe", required=True), Col("rôle", "role", True),
                               Col("ordre", "int", True), Col("libellé", required=True),
                               Col("organisations", "list", True)],
    "Actions": [Col("code", required=True), Col("groupe", required=True),
                Col("intitulé", required=True), Col("exemple (fictif)", "bool"),
                Col("description"), Col("objectifs quantitatifs"),
                Col("objectifs qualitatifs"), Col("début prévu", "date"),
                Col("fin prévue", "date"), Col("état", "status", True),
                Col("pilotes", "list"), Col("co-pilotes", "list"), Col("partenaires", "list"),
                Col("EPCI ciblés (SIREN)", "list"), Col("communes ciblées (INSEE)", "list"),
                Col("SCoT ciblés (code)", "list"), Col("autres territoires ciblés"),
                Col("dernière mise à jour", "date")],
    "Indicateurs": [Col("action", required=True), Col("code", required=True),
                    Col("indicateur", required=True), Col("unité", required=True),
                    Col("sens", "direction", True), Col("valeur de référence", "decimal"),
                    Col("année de référence", "int"), Col("source"),
                    Col("indicateur du diagnostic")],
    "Valeurs": [Col("action", required=True), Col("indicateur", required=True),
                Col("année", "int", True), Col("cible", "decimal"), Col("résultat", "decimal"),
                Col("origine du résultat")],
    "Budget": [Col("action", required=True), Col("année", "int", True),
               Col("poste", required=True), Col("montant (€)", "decimal", True),
               Col("financeur")],
    "Notes de suivi": [Col("action", required=True), Col("date", "date", True),
                       Col("organisation"), Col("note", required=True)],
}

_STATUS = {**{s.value: s.value for s in ActionStatus},
           **{s.label.lower(): s.value for s in ActionStatus}}
_DIRECTION = {**{d.value: d.value for d in Direction},
              **{d.label.lower(): d.value for d in Direction}}
_ROLE = {"pilote": ParticipantRole.PILOT.value, "partenaire": ParticipantRole.PARTNER.value}


# --- export --------------------------------------------------------------------------------

def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _programme_rows(scheme: Any) -> dict[str, list[list[Any]]]:
    """The rows of every sheet of the programme workbook, in the order of :data:`SHEETS`."""
    from sdaasp.scheme.programme.models import Action

    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for o in scheme.programme_orientations.all():
        rows["Orientations"].append([o.code, o.position, o.title, o.note])
        for g in o.groups.all():
            rows["Groupes"].append([g.code, o.code, g.position, g.title, g.note])
            for p in g.participants.all():
                rows["Pilotes et partenaires"].append(
                    [g.code, p.role, p.position, p.label,
                     SEP.join(x.key for x in p.organisations.order_by("key"))])
    actions = (Action.objects.filter(scheme=scheme)
               .select_related("group").prefetch_related("actors__organisation"))
    for a in actions:
        by_role = {r: SEP.join(sorted(x.organisation.key for x in a.actors.all()
                                      if x.role == r)) for r in ParticipantRole.values}
        rows["Actions"].append([
            a.code, a.group.code, a.title, "oui" if a.is_example else "non", a.description,
            a.quantitative_objectives, a.qualitative_objectives, a.start_date, a.end_date,
            a.get_status_display(), by_role["pilote"], by_role["copilote"],
            by_role["partenaire"], SEP.join(sorted(e.siren for e in a.target_epcis.all())),
            SEP.join(sorted(c.code for c in a.target_communes.all())),
            SEP.join(sorted(s.code for s in a.target_scots.all())), a.target_zones,
            a.last_update])
        for i in a.indicators.all():
            rows["Indicateurs"].append([a.code, i.code, i.name, i.unit,
                                        i.get_direction_display(), _num(i.baseline_value),
                                        i.baseline_year, i.source, i.diagnostic_key])
            for v in i.values.all():
                rows["Valeurs"].append([a.code, i.code, v.year, _num(v.target),
                                        _num(v.result), v.result_source])
        for b in a.budget_lines.all():
            rows["Budget"].append([a.code, b.year, b.label, _num(b.amount_eur),
                                   b.funder.key if b.funder else None])
        for n in a.notes.order_by("date", "id"):
            rows["Notes de suivi"].append([a.code, n.date,
                                           n.organisation.key if n.organisation else None,
                                           n.text])
    return rows


def programme_workbook(scheme) -> Workbook:
    """The programme of a scheme as a workbook (one sheet per table, French headers)."""
    from sdaasp.scheme.organisations.models import Organisation

    wb = Workbook()
    readme = wb.active
    readme.title = "Lisez-moi"
    for line in (
        [f"Programme d'actions — {scheme.title}"],
        ["Modifiez les feuilles puis réimportez : sdaasp scheme import-programme FICHIER.xlsx"],
        ["Les lignes sont reconnues par leur code ; les organisations par leur identifiant "
         "(feuille « Organisations »), séparées par « ; »."],
        ["États possibles : " + ", ".join(s.label for s in ActionStatus)],
        ["Les notes de suivi sont ajoutées, jamais supprimées ; une ligne retirée d'une autre "
         "feuille n'est pas supprimée de la base (sauf pilotes, partenaires, territoires et "
         "budget d'une action présente, remplacés par ceux du fichier)."],
    ):
        readme.append(line)
    meta = wb.create_sheet(META)
    meta.append(["département", scheme.departement])
    meta.append(["première année", scheme.period_start_year])
    meta.append(["format", "sdaasp-programme/1"])

    rows = _programme_rows(scheme)
    for name, cols in SHEETS.items():
        ws = wb.create_sheet(name)
        ws.append([c.header for c in cols])
        for r in rows[name]:
            ws.append(r)
        for j, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(j)].width = 14 if c.kind != "text" else 30
            if c.kind == "date":
                for cell in ws[get_column_letter(j)][1:]:
                    cell.number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
    orgs = wb.create_sheet("Organisations")
    orgs.append(["identifiant", "nom", "nom développé", "nature"])
    for o in Organisation.objects.filter(departement=scheme.departement).order_by("key"):
        orgs.append([o.key, o.name, o.full_name, o.get_kind_display()])
    return wb


# --- import: read and check everything first ----------------------------------------------

@dataclass
class Parsed:
    departement: str = ""
    start_year: int = 0
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _text(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError("un nombre entier")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError("un nombre entier") from None


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("un nombre")
    try:
        return Decimal(str(value).replace(",", ".").replace("\u202f", "").replace(" ", ""))
    except InvalidOperation:
        raise ValueError("un nombre") from None


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("une date JJ/MM/AAAA") from None


def _bool(value: Any) -> bool:
    text = str(value).lower()
    if text in ("oui", "vrai", "1", "true"):
        return True
    if text in ("non", "faux", "0", "false"):
        return False
    raise ValueError("« oui » ou « non »")


def _list(value: Any) -> list[str]:
    return [x.strip() for x in re.split(r"[;,\n]", str(value)) if x.strip()]


def _choice(table: dict[str, str], choices: str) -> Any:
    def convert(value: Any) -> str:
        found = table.get(str(value).lower())
        if found is None:
            raise ValueError(f"une valeur parmi : {choices}")
        return found
    return convert


#: Converter of each column kind; each raises ValueError with what was expected.
_CONVERTERS: dict[str, Any] = {
    "text": _text, "int": _int, "decimal": _decimal, "date": _date, "bool": _bool,
    "list": _list,
    "status": _choice(_STATUS, ", ".join(s.label for s in ActionStatus)),
    "direction": _choice(_DIRECTION, ", ".join(d.label for d in Direction)),
    "role": _choice(_ROLE, "pilote, partenaire"),
}


def _cell(kind: str, value: Any) -> Any:
    """Convert one cell; raise ValueError with what was expected. Empty is None (or [])."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        return [] if kind == "list" else None
    return _CONVERTERS[kind](value)


def read_workbook(path: Path) -> Parsed:
    name = Path(path).name
    if not Path(path).is_file():
        raise InputFileError([Problem(name, None, None, "un fichier existant",
                                      f"rien à l'emplacement {path}")])
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise InputFileError([Problem(name, None, None, "un classeur XLSX (.xlsx)",
                                      f"un fichier illisible comme classeur "
                                      f"({type(exc).__name__})")]) from None
    problems: list[Problem] = []
    parsed = Parsed()
    if META not in wb.sheetnames:
        raise InputFileError([Problem(name, None, None, f"une feuille « {META} »",
                                      "feuille absente")])
    meta = {str(r[0]).strip(): r[1] for r in wb[META].iter_rows(values_only=True) if r and r[0]}
    parsed.departement = str(meta.get("département") or "").strip()
    try:
        parsed.start_year = int(meta.get("première année"))
    except (TypeError, ValueError):
        problems.append(Problem(f"{name}, feuille « {META} »", 2, "B (première année)",
                                "une année", str(meta.get("première année"))))
    for sheet, cols in SHEETS.items():
        where = f"{name}, feuille « {sheet} »"
        if sheet not in wb.sheetnames:
            problems.append(Problem(name, None, None, f"une feuille « {sheet} »",
                                    "feuille absente"))
            continue
        rows = wb[sheet].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        expected = [c.header for c in cols]
        if header[:len(expected)] != expected:
            problems.append(Problem(where, 1, None, "les en-têtes " + ", ".join(expected),
                                    ", ".join(header)))
            continue
        out = []
        for i, row in enumerate(rows, start=2):
            if row is None or all(v is None or str(v).strip() == "" for v in row):
                continue
            rec: dict[str, Any] = {"_line": i}
            for j, col in enumerate(cols):
                raw = row[j] if j < len(row) else None
                column = f"{get_column_letter(j + 1)} ({col.header})"
                try:
                    value = _cell(col.kind, raw)
                except ValueError as exc:
                    problems.append(Problem(where, i, column, str(exc), repr(raw)))
                    continue
                if col.required and value in (None, []):
                    problems.append(Problem(where, i, column, "une valeur", "une cellule vide"))
                rec[col.header] = value
            out.append(rec)
        parsed.tables[sheet] = out
    if problems:
        raise InputFileError(problems)
    return parsed
