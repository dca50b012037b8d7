"""The offer migration to the border columns on an existing database: every point saved before
(when the importers kept the département's own points only) stays the département's own, and
the migration reverses (the suite runs it on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("offer", "0001_initial")]
AFTER = [("offer", "0002_border_points")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes("offer")


@pytest.fixture
def before():
    try:
        yield _migrate(BEFORE)
    finally:
        _migrate(_latest())


def test_points_saved_before_stay_the_departements_own(before):
    dep = before.get_model("territory", "Departement").objects.create(
        code="62", nom="Pas-de-Calais", crs=2154, source="test")
    ServiceType = before.get_model("offer", "ServiceType")
    fs, _ = ServiceType.objects.get_or_create(code="FS_FIXE", defaults={"libelle": "FS"})
    batch = before.get_model("offer", "ImportBatch").objects.create(
        source="france-services", departement=dep, file_name="fs.geojson", sha256="a" * 64,
        points_count=2)
    ServicePoint = before.get_model("offer", "ServicePoint")
    for i in range(2):
        ServicePoint.objects.create(point_id=f"fs:{i}", batch=batch, departement=dep,
                                    source="france-services", type=fs, nom=f"FS {i}",
                                    commune_code="62041", x=1.0, y=2.0, lon=2.7, lat=50.3)

    after = _migrate(AFTER)
    points = after.get_model("offer", "ServicePoint").objects.filter(departement_id="62")
    assert sorted(points.values_list("point_id", "hors_departement", "commune_code")) == [
        ("fs:0", False, "62041"), ("fs:1", False, "62041")]
    b = after.get_model("offer", "ImportBatch").objects.get(pk=batch.pk)
    assert (b.points_count, b.border_points, b.buffer_m) == (2, 0, None)

    from sdaasp.diagnostic.offer.services import own_points, service_points_frame

    assert own_points("62").count() == 2
    frame = service_points_frame("62", types=["FS_FIXE"])
    assert list(frame["hors_departement"]) == [False, False]

    back = _migrate(BEFORE)  # reversible: the columns go, the points stay
    assert back.get_model("offer", "ServicePoint").objects.filter(
        departement_id="62").count() == 2
    with connection.cursor() as cursor:
        cols = {c.name for c in connection.introspection.get_table_description(
            cursor, "offer_servicepoint")}
    assert "hors_departement" not in cols
