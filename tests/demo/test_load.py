"""Loading the demo pack into the database: every file once, and never over a user's data."""

from __future__ import annotations

import json

import pytest

from sdaasp.demo import FILES, PACK_DIR, load
from sdaasp.demo.loader import ALREADY, IMPORTED, KEPT
from sdaasp.demo.pack import pack_file
from sdaasp.diagnostic.offer.models import ImportBatch, ServicePoint
from sdaasp.diagnostic.offer.services import import_services
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.zones.models import NeedsSource, NeedsValue
from sdaasp.diagnostic.zones.services import import_needs_file
from sdaasp.errors import SdaaspError

pytestmark = pytest.mark.django_db

KEYS = [f.key for f in FILES]


def _snapshot():
    """Everything the loader may write, down to the timestamps of the imports."""
    return (
        sorted(ServicePoint.objects.values_list("point_id", "batch_id", "active", "nom", "x",
                                                "y", "capacity", "commune_code")),
        sorted(ImportBatch.objects.values_list("id", "source", "dataset", "sha256", "active",
                                               "imported_at", "points_count")),
        sorted(NeedsSource.objects.values_list("id", "kind", "file_name", "sha256",
                                               "imported_at", "rows")),
        NeedsValue.objects.count(),
    )


def _points(source: str):
    return ServicePoint.objects.filter(departement_id="59", source=source, active=True)


def test_first_load_imports_every_file_and_a_second_changes_nothing(nord_db):
    first = load("59")
    assert first.imported == KEYS and first.unchanged == []
    assert {s.status for s in first.steps} == {IMPORTED}
    # the Nord's own points, counted in the sources (see tests/demo/test_pack.py); the
    # neighbours' points are kept or not depending on the importer's border rule
    assert _points("france-services").filter(commune_code__startswith="59").count() == 10
    assert _points("msap").filter(commune_code__startswith="59").count() == 13
    assert _points("bpe").count() == 2891 - 1  # NB_EQUIP total, one in a merged commune
    colleges = _points("csv")
    assert colleges.count() == 117
    assert sum(colleges.values_list("capacity", flat=True)) == 61898  # sum of "effectif"
    assert set(colleges.values_list("type_id", flat=True)) == {"C201"}
    batches = ImportBatch.objects.filter(departement_id="59")
    assert {(b.source, b.year) for b in batches} == {
        ("france-services", 2020), ("msap", 2018), ("bpe", 2018), ("csv", 2021)}
    assert NeedsSource.objects.get(kind="filosofi").rows == 648
    assert NeedsSource.objects.get(kind="mel-iris-2019").rows == 517  # 526 lines, 9 twice
    summary = str(first)
    assert "6 fichier(s) importé(s)" in summary and "pas des données actuelles" in summary
    border = _points("france-services").filter(hors_departement=True).count()
    assert border > 0 and f"10 point(s) retenu(s) et {border} hors département" in summary

    before = _snapshot()
    second = load("59")
    assert second.imported == [] and second.unchanged == KEYS
    assert {s.status for s in second.steps} == {ALREADY}
    assert _snapshot() == before
    assert "Rien n'a été modifié" in str(second)


def test_what_a_user_imported_or_changed_is_left_as_it_is(nord_db, tmp_path):
    # the user's own France Services list (one feature of the pack, so another file)
    fs = json.loads((PACK_DIR / pack_file("france-services").name).read_text("utf-8"))
    fs["features"] = [f for f in fs["features"]
                      if f["properties"]["insee_com"] == "59309"]
    mine = tmp_path / "mes_france_services.geojson"
    mine.write_text(json.dumps(fs, ensure_ascii=False), encoding="utf-8")
    user_batch, _ = import_services(mine, source="france-services", departement="59")
    # and their own Filosofi file (the first ten communes of the pack's)
    lines = (PACK_DIR / pack_file("filosofi").name).read_bytes().split(b"\r\n")
    filo = tmp_path / "ma_filosofi.csv"
    filo.write_bytes(b"\r\n".join(lines[:11]) + b"\r\n")
    import_needs_file(filo, "filosofi", departement="59")

    report = load("59")
    status = {s.key: s.status for s in report.steps}
    assert status["france-services"] == KEPT and status["filosofi"] == KEPT
    assert set(report.imported) == set(KEYS) - {"france-services", "filosofi"}
    user_batch.refresh_from_db()
    assert user_batch.active
    assert list(_points("france-services").values_list("batch_id", flat=True)) == \
        [user_batch.pk]
    assert "mes_france_services.geojson" in str(report)
    assert NeedsSource.objects.get(kind="filosofi").file_name == "ma_filosofi.csv"

    # a demo point the user renamed keeps its new name
    p = _points("msap").first()
    p.nom = "Nom corrigé par l'agent"
    p.save()
    before = _snapshot()
    assert load("59").imported == []
    assert _snapshot() == before
    p.refresh_from_db()
    assert p.nom == "Nom corrigé par l'agent"


def test_other_departements_and_missing_territory_are_refused(nord_db):
    with pytest.raises(SdaaspError, match="ne concerne que le Nord"):
        load("62")
    Departement.objects.filter(code="59").delete()  # rolled back with the test
    with pytest.raises(SdaaspError, match="sdaasp territory build 59"):
        load("59")
    assert not ImportBatch.objects.exists() and not NeedsSource.objects.exists()


def test_cli_demo_load_twice(nord_db, capsys):
    """``sdaasp demo load`` (what ``make demo`` runs): imports, then leaves everything."""
    from sdaasp.cli import main

    assert main(["demo", "load"]) == 0
    out = capsys.readouterr().out
    assert "6 fichier(s) importé(s)" in out
    before = _snapshot()
    assert main(["demo", "load"]) == 0
    again = capsys.readouterr().out
    assert "6 fichier(s) importé(s)" not in again and "laissé tel quel" in again
    assert _snapshot() == before
    assert main(["demo", "load", "--departement", "62"]) == 2
    assert "ne concerne que le Nord" in capsys.readouterr().err
