"""The zones migrations on an existing database: rows written with the previous schema (needs
sources keyed by file name only) get their département, split when a file spanned several,
and nothing of a saved département is lost; and the app migrates from zero on this backend
(the suite runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sdaasp.diagnostic.zones import models

pytestmark = pytest.mark.django_db(transaction=True)

PREVIOUS = [("zones", "0001_initial")]


def _migrate(targets: list[tuple[str, str | None]]):
    """Migrate to ``targets`` and return the apps registry of that state (None when an app
    is unmigrated)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    if any(name is None for _, name in targets):
        return None
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("zones")


@pytest.fixture
def previous_schema():
    """The zones tables as the previous schema made them; the latest schema afterwards,
    whatever happens in the test."""
    try:
        yield _migrate(PREVIOUS)
    finally:
        _migrate(_latest())


def _old_rows(apps) -> dict[str, object]:
    Departement = apps.get_model("territory", "Departement")
    NeedsSource = apps.get_model("zones", "NeedsSource")
    NeedsValue = apps.get_model("zones", "NeedsValue")
    Qpv = apps.get_model("zones", "Qpv")
    for code, nom in (("62", "Pas-de-Calais"), ("80", "Somme"), ("2A", "Corse-du-Sud")):
        Departement.objects.create(code=code, nom=nom, crs=2154, source="test")
    # a national census file imported whole: communes of 62, 80 and 76 (76 not saved)
    census = NeedsSource.objects.create(
        kind="recensement", level="commune", file_name="base-cc-logement-2019.csv",
        label="INSEE, recensement", vintage="2019", sha256="a" * 64,
        indicators=["logement_social"], definitions={"logement_social": "HLM / RP"},
        notes=["une remarque"], rows=4)
    for com, num in (("62041", 6300.0), ("62193", 9300.0), ("80021", 4000.0),
                     ("76540", 100.0)):
        NeedsValue.objects.create(source=census, code=com, commune_code=com,
                                  values={"logement_social": [num, 21000.0, num / 21000]},
                                  nom=f"commune {com}", geometry_wkb=com.encode())
    # an IRIS file of one département only
    filo = NeedsSource.objects.create(kind="filosofi", level="iris", file_name="filo.csv",
                                      label="INSEE, Filosofi", sha256="b" * 64, rows=1)
    NeedsValue.objects.create(source=filo, code="620410101", commune_code="62041",
                              values={"pauvrete": [None, None, 0.2]})
    # a file of a département whose territory was never saved: nothing to keep
    lost = NeedsSource.objects.create(kind="couverture", level="commune",
                                      file_name="couverture.csv", label="ARCEP",
                                      sha256="c" * 64, rows=1)
    NeedsValue.objects.create(source=lost, code="76540", commune_code="76540",
                              values={"sans_thd": [1.0, 2.0, 0.5]})
    # QPV contours of the whole country
    qpv = NeedsSource.objects.create(kind="qpv", level="", file_name="QP2024.geojson",
                                     label="ANCT, QPV", vintage="2024", sha256="d" * 64,
                                     indicators=["part_qpv"], rows=5)
    for code, communes in (("QN06201M", "62041"), ("QN08001M", "80021"),
                           ("QN02A01M", "2A004"), ("QX12345", "80021"), ("QX99999", "")):
        Qpv.objects.create(source=qpv, code=code, nom=f"QPV {code}", communes=communes,
                           geometry_wkb=code.encode(), geojson="{}")
    imported_at = NeedsSource.objects.get(pk=census.pk).imported_at
    return {"census": census.pk, "filo": filo.pk, "lost": lost.pk, "qpv": qpv.pk,
            "census_at": imported_at}


def test_sources_of_the_previous_schema_get_their_departement(previous_schema):
    old = _old_rows(previous_schema)
    _migrate(_latest())

    census = models.NeedsSource.objects.get(pk=old["census"])  # kept: first département
    assert census.departement_id == "62" and census.rows == 2
    assert census.imported_at == old["census_at"]
    split = models.NeedsSource.objects.get(file_name="base-cc-logement-2019.csv",
                                           departement="80")
    for field in ("kind", "level", "label", "vintage", "sha256", "indicators", "definitions",
                  "notes", "imported_at"):
        assert getattr(split, field) == getattr(census, field), field
    assert split.rows == 1
    values = {v.code: (v.source_id, v.commune_code, v.values, v.nom, bytes(v.geometry_wkb))
              for v in models.NeedsValue.objects.filter(source__in=[census, split])}
    assert values == {
        com: (src.pk, com, {"logement_social": [num, 21000.0, num / 21000]},
              f"commune {com}", com.encode())
        for src, com, num in ((census, "62041", 6300.0), (census, "62193", 9300.0),
                              (split, "80021", 4000.0))}  # 76540: 76 is not saved
    filo = models.NeedsSource.objects.get(pk=old["filo"])
    assert filo.departement_id == "62" and filo.rows == 1
    assert filo.values.get().values == {"pauvrete": [None, None, 0.2]}
    assert not models.NeedsSource.objects.filter(pk=old["lost"]).exists()

    qpv = {s.departement_id: (s.pk, s.rows, set(s.qpvs.values_list("code", flat=True)))
           for s in models.NeedsSource.objects.filter(kind="qpv")}
    assert qpv["2A"][0] == old["qpv"]  # "2A" sorts first
    assert {d: (n, codes) for d, (_, n, codes) in qpv.items()} == {
        "2A": (1, {"QN02A01M"}), "62": (1, {"QN06201M"}),
        "80": (2, {"QN08001M", "QX12345"})}  # QX12345 by its commune; QX99999 undecidable
    assert models.NeedsSource.objects.count() == 6
    assert models.NeedsValue.objects.count() == 4 and models.Qpv.objects.count() == 4


def test_reverse_merges_the_copies_of_a_file_back(previous_schema):
    old = _old_rows(previous_schema)
    _migrate(_latest())
    apps = _migrate(PREVIOUS)
    NeedsSource = apps.get_model("zones", "NeedsSource")
    census = NeedsSource.objects.get(file_name="base-cc-logement-2019.csv")
    assert census.pk == old["census"] and census.rows == 3
    assert set(census.values.values_list("commune_code", flat=True)) == {
        "62041", "62193", "80021"}
    qpv = NeedsSource.objects.get(kind="qpv")
    assert qpv.rows == 4 and qpv.qpvs.count() == 4
    assert NeedsSource.objects.count() == 3


def test_zones_migrate_from_zero_to_latest():
    try:
        _migrate([("zones", None)])
        assert "zones_needssource" not in connection.introspection.table_names()
        _migrate(_latest())
        assert {"zones_needssource", "zones_needsvalue", "zones_qpv",
                "zones_zonesrun"} <= set(connection.introspection.table_names())
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor,
                                                                   "zones_needssource")
            columns = {c.name: c for c in connection.introspection.get_table_description(
                cursor, "zones_needssource")}
        unique = constraints["needs_source_unique_dep_file"]
        assert unique["unique"] and unique["columns"] == ["departement_id", "kind", "level",
                                                          "file_name"]
        assert "needs_source_unique_file" not in constraints
        assert columns["departement_id"].null_ok is False
    finally:
        _migrate(_latest())
