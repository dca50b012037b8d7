"""The programme spreadsheet round-trips; bad cells are refused with file, sheet, line and
column, and nothing is written."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from sdaasp.errors import InputFileError

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(nord_scheme, nord_db):
    """Nord with the example actions, one of them with every kind of content."""
    from sdaasp.diagnostic.territory.models import Commune, Epci, Scot
    from sdaasp.scheme.nord import load_examples
    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.programme import services as s
    from sdaasp.scheme.programme.models import Action

    load_examples(nord_scheme)
    a = Action.objects.get(scheme=nord_scheme, code="EX-1")
    s.do_save_action(a.group, code="EX-1", target_epcis=list(Epci.objects.all()[:2]),
                     target_communes=list(Commune.objects.filter(code__in=["59350", "59009"])),
                     target_scots=list(Scot.objects.filter(departement_id="59")[:1]),
                     target_zones="Zone prioritaire\nQPV de Maubeuge", status="en_cours")
    ind = a.indicators.get(code="I1")
    s.do_set_indicator_value(ind, 2019, result=Decimal("7.125"), result_source="diagnostic x")
    s.do_set_indicator_value(ind, 2020, target=Decimal("4.5"))
    s.do_add_budget_line(a, year=2019, label="Animation ; accueil", amount_eur=Decimal("1234.5"),
                         funder=Organisation.objects.get(departement="59", key="cd59"))
    s.do_add_note(a, "Première réunion\nsur deux lignes", on=dt.date(2019, 2, 1),
                  organisation=Organisation.objects.get(departement="59", key="la-poste"))
    return nord_scheme


def _export(scheme, path):
    from sdaasp.scheme.exchange.files import export_scheme

    return export_scheme(scheme.departement, path, fmt="xlsx")


def _state(scheme):
    from sdaasp.scheme.exchange.export import scheme_to_dict
    from sdaasp.scheme.history.models import ChangeLog

    return scheme_to_dict(scheme), ChangeLog.objects.count()


def _cells(path):
    wb = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def test_round_trip_loses_nothing(rich, tmp_path):
    from sdaasp.scheme.exchange.xlsx_import import import_programme

    first = _export(rich, tmp_path / "programme.xlsx")
    before = _state(rich)
    import_programme(first)
    assert _state(rich) == before  # same content, and not one spurious change logged
    second = _export(rich, tmp_path / "encore.xlsx")
    assert _cells(first) == _cells(second)
    actions = _cells(first)["Actions"]
    ex1 = next(r for r in actions if r[0] == "EX-1")
    assert ex1[9] == "En cours" and "59350" in ex1[14] and "QPV de Maubeuge" in ex1[16]
    assert ex1[15]  # a SCoT code


def test_edits_made_in_a_spreadsheet_are_imported_and_logged(rich, tmp_path):
    from sdaasp.scheme.exchange.xlsx_import import import_programme
    from sdaasp.scheme.history.models import ChangeLog
    from sdaasp.scheme.programme.models import Action, IndicatorValue

    path = _export(rich, tmp_path / "programme.xlsx")
    wb = load_workbook(path)
    ws = wb["Actions"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "EX-2")
    row[header.index("intitulé")].value = "Exemple (fictif) : titre modifié dans le tableur"
    row[header.index("état")].value = "réalisé"  # a label, any case
    row[header.index("partenaires")].value = "cd59"  # udccas removed
    ws.append(["EX-4", "O9-G1", "Exemple (fictif) : nouvelle action", "oui", None, None, None,
               "01/03/2020", dt.datetime(2020, 12, 31), "À venir", "cd59"])
    wb["Valeurs"].append(["EX-1", "I1", 2021, "3,5", None, None])
    wb.save(path)
    n = ChangeLog.objects.count()
    import_programme(path)
    ex2 = Action.objects.get(code="EX-2")
    assert ex2.title.endswith("titre modifié dans le tableur") and ex2.status == "realise"
    assert sorted(a.organisation.key for a in ex2.actors.filter(role="partenaire")) == ["cd59"]
    ex4 = Action.objects.get(code="EX-4")
    assert (ex4.start_date, ex4.end_date, ex4.is_example) == (dt.date(2020, 3, 1),
                                                             dt.date(2020, 12, 31), True)
    assert IndicatorValue.objects.get(indicator__action__code="EX-1", year=2021).target == \
        Decimal("3.5")
    logged = ChangeLog.objects.all()[: ChangeLog.objects.count() - n]
    assert {e.object_label.split(" — ")[0] for e in logged} >= {"EX-2", "EX-4"}


def test_bad_cells_refused_with_sheet_line_column_nothing_written(rich, tmp_path):
    from sdaasp.scheme.exchange.xlsx_import import import_programme

    path = _export(rich, tmp_path / "programme.xlsx")
    wb = load_workbook(path)
    ws = wb["Actions"]
    ws["J2"] = "presque fini"      # état
    ws["H2"] = "le 3 mars"         # début prévu
    ws["K2"] = "cd59 ; inconnue"   # pilotes
    wb["Valeurs"].append(["EX-1", "I99", 2021, 1, None, None])
    wb["Groupes"]["D2"] = None     # intitulé required
    ws["U1"] = "ignoré"            # an extra column beyond the table is harmless
    ws["A3"] = ws["A2"].value      # duplicate code
    wb.save(path)
    before = _state(rich)
    with pytest.raises(InputFileError) as exc:
        import_programme(path)
    msg = str(exc.value)
    assert _state(rich) == before
    for expected in (
        "programme.xlsx, feuille « Actions », ligne 2, champ « J (état) » : attendu une "
        "valeur parmi",
        "feuille « Actions », ligne 2, champ « H (début prévu) » : attendu une date",
        "feuille « Groupes », ligne 2, champ « D (intitulé) » : attendu une valeur",
    ):
        assert expected in msg, msg
    # reference errors come in a second pass, once every cell reads
    wb = load_workbook(path)
    wb["Actions"]["J2"], wb["Actions"]["H2"], wb["Groupes"]["D2"] = "En cours", None, "Titre"
    wb.save(path)
    with pytest.raises(InputFileError) as exc:
        import_programme(path)
    msg = str(exc.value)
    assert "feuille « Actions », ligne 2, champ « K (pilotes) »" in msg and "inconnue" in msg
    assert "feuille « Actions », ligne 3, champ « A (code) » : attendu un code unique" in msg
    assert "feuille « Valeurs »" in msg and "EX-1 / I99" in msg
    assert _state(rich) == before


def test_cli_load_export_import(tmp_path, cli_env):
    """The commands as a user runs them, on a fresh SQLite database."""
    env = cli_env

    def run(*args):
        return subprocess.run([sys.executable, "-m", "sdaasp.cli", "scheme", *args],
                              capture_output=True, text=True, timeout=300, env=env)

    first = run("load-nord")
    assert first.returncode == 0, first.stderr
    assert "Orientations du programme : 9, groupes de travail : 13, fiches action : 0" \
        in first.stdout
    xlsx = tmp_path / "programme.xlsx"
    assert run("export", "59", "--format", "xlsx", "--output", str(xlsx)).returncode == 0
    wb = load_workbook(xlsx)
    wb["Orientations"]["B3"] = "deux"
    wb.save(xlsx)
    res = run("import-programme", str(xlsx))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "feuille « Orientations », ligne 3, champ « B (ordre) »" in res.stderr
    notxlsx = tmp_path / "notes.xlsx"
    notxlsx.write_text("pas un classeur", encoding="utf-8")
    res = run("import-programme", str(notxlsx))
    assert res.returncode == 2 and "illisible comme classeur" in res.stderr
    missing = run("export", "62", "--format", "json", "--output", str(tmp_path / "x.json"))
    assert missing.returncode == 2 and "Aucun schéma enregistré" in missing.stderr


def test_json_export_is_the_whole_scheme(nord_scheme, tmp_path):
    import json

    from sdaasp.scheme.exchange.files import export_scheme

    path = export_scheme("59", tmp_path / "nord.json", fmt="json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "sdaasp-scheme/1"
    assert data["versions"][0]["tallies"][0]["favourable"] == 14
    assert data["versions"][0]["consultations"][1]["state"] in ("repute", "donne")
    assert len(data["programme"]) == 9 and len(data["levers"]) == 3
    assert sorted(path.parent.iterdir()) == [path]  # no temporary file left behind
