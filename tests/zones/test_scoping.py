"""Every needs import belongs to one département: a national file imported for 62 leaves 59's
import untouched, QPV are told apart by their exact département (Ain's ``QN001…`` is neither
Aube's ``QN010…`` nor Aude's ``QN011…``), and the pages filter by that département, never by
a pattern built from the URL."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sdaasp.cli import main
from sdaasp.diagnostic.zones import models
from sdaasp.diagnostic.zones.services import import_needs_file, load_sources
from sdaasp.errors import SdaaspError

pytestmark = pytest.mark.django_db

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "needs"
NATIONAL = FIX / "base-cc-logement-2019-59-62.csv"  # communes of 59, 62, 2A and 971
QPV_59 = FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson"  # QN05901M, QN05902M
QPV_HAND = FIX / "QP2024-fait-main-01-10-11-2A.geojson"
QPV_OF = {"01": {"QN00101M", "QN00102M"}, "10": {"QN01001M"},
          "11": {"QN01101M", "QN01102M"}, "2A": {"QN02A01M"}}
NAMES = {"01": "Ain", "10": "Aube", "11": "Aude", "2A": "Corse-du-Sud", "62": "Pas-de-Calais",
         "971": "Guadeloupe"}


def _communes(source: models.NeedsSource) -> set[str]:
    return set(source.values.values_list("commune_code", flat=True))


def _qpv_codes(source: models.NeedsSource) -> set[str]:
    return set(source.qpvs.values_list("code", flat=True))


@pytest.mark.parametrize("order", [("62", "59"), ("59", "62")])
def test_national_file_for_two_departements_keeps_both(nord_db, departement, order):
    departement("62", "Pas-de-Calais")
    for code in order:
        import_needs_file(NATIONAL, "recensement", departement=code)
    assert models.NeedsSource.objects.count() == 2
    s59 = models.NeedsSource.objects.get(departement="59")
    s62 = models.NeedsSource.objects.get(departement="62")
    assert _communes(s59) == {"59350", "59512"} and s59.rows == 2
    assert _communes(s62) == {"62041", "62193", "62498"} and s62.rows == 3
    # values by hand from the file: 62041 has 6,300 HLM out of 21,000 households
    v = s62.values.get(code="62041").values
    assert v["logement_social"] == pytest.approx([6300.0, 21000.0, 0.3])
    assert v["menages_sans_voiture"] == pytest.approx([6300.0, 21000.0, 0.3])
    # re-importing for 59 is idempotent and leaves 62's import as it was
    before = sorted(models.NeedsValue.objects.filter(source=s62).values_list("pk", "code"))
    again = import_needs_file(NATIONAL, "recensement", departement="59")
    assert again.pk == s59.pk and models.NeedsSource.objects.count() == 2
    assert _communes(again) == {"59350", "59512"}
    assert sorted(models.NeedsValue.objects.filter(source=s62)
                  .values_list("pk", "code")) == before


def test_exact_departement_rule_corsica_overseas_and_code_spelling(departement):
    departement("2A", "Corse-du-Sud")
    departement("971", "Guadeloupe")
    corse = import_needs_file(NATIONAL, "recensement", departement="2a")
    assert corse.departement_id == "2A" and _communes(corse) == {"2A004"}
    assert import_needs_file(NATIONAL, "recensement", departement="2A").pk == corse.pk
    gwada = import_needs_file(NATIONAL, "recensement", departement="971")
    assert _communes(gwada) == {"97105"}
    qpv = import_needs_file(QPV_HAND, "qpv", departement="2A")
    assert _qpv_codes(qpv) == {"QN02A01M"}


def test_import_for_a_departement_not_saved_is_refused(db):
    with pytest.raises(SdaaspError, match="territoire du département 62 n'est pas chargé"):
        import_needs_file(NATIONAL, "recensement", departement="62")
    assert not models.NeedsSource.objects.exists()


def test_qpv_of_ain_aube_aude_are_kept_apart(departement):
    for code in ("01", "10", "11", "2A"):
        departement(code, NAMES[code])
    for code in ("11", "01", "10", "2A"):
        import_needs_file(QPV_HAND, "qpv", departement=code)
    for code, expected in QPV_OF.items():
        source = models.NeedsSource.objects.get(departement=code, kind="qpv")
        assert _qpv_codes(source) == expected and source.rows == len(expected)
        assert set(models.Qpv.objects.of_departement(code)
                   .values_list("code", flat=True)) == expected


def test_qpv_layer_lists_only_its_departement(client, departement):
    for code in ("01", "10", "11"):
        departement(code, NAMES[code])
        import_needs_file(QPV_HAND, "qpv", departement=code)
    for code in ("01", "10", "11"):
        feats = client.get(f"/zones/{code}/qpv.geojson").json()["features"]
        assert {f["properties"]["code"] for f in feats} == QPV_OF[code]


@pytest.mark.parametrize("code", ["(", "\\", "[", "59)", ".*", "0?59", "5|0"])
def test_qpv_layer_with_regex_characters_runs_no_regex(client, nord_db, code):
    import_needs_file(QPV_59, "qpv", departement="59")
    url = "/zones/" + urllib.parse.quote(code, safe="") + "/qpv.geojson"
    with CaptureQueriesContext(connection) as queries:
        res = client.get(url)
    assert res.status_code in (200, 404)
    if res.status_code == 200:
        assert res.json()["features"] == []
    sql = " ".join(q["sql"] for q in queries.captured_queries).lower()
    assert "regexp" not in sql and " ~ " not in sql


def test_zones_page_counts_only_its_departement_qpvs(client, departement):
    for code in ("01", "10", "11"):
        departement(code, NAMES[code])
        import_needs_file(QPV_HAND, "qpv", departement=code)
    for code in ("01", "10", "11"):
        run = models.ZonesRun.objects.create(
            departement_id=code, code_version="test", params_name="test",
            params_version="1", params_sha256="0" * 64, params_path="-",
            access_method="test", digest="0" * 64)
        page = client.get(f"/zones/?calcul={run.pk}").content.decode()
        n = len(QPV_OF[code])
        assert f"QPV du département affichés sur la carte ({n})" in page
        for other, codes in QPV_OF.items():
            for qpv in codes:
                assert (qpv in page) == (other == code), (code, qpv)


def test_load_sources_reads_only_its_departement(nord_db, departement):
    departement("62", "Pas-de-Calais")
    departement("01", "Ain")
    import_needs_file(NATIONAL, "recensement", departement="62")
    import_needs_file(NATIONAL, "recensement", departement="59")
    import_needs_file(QPV_59, "qpv", departement="59")
    import_needs_file(QPV_HAND, "qpv", departement="01")
    sources, qpv, inputs = load_sources("59")
    assert len(sources) == 1 and len(inputs) == 2
    assert set(sources[0].values["commune_code"]) == {"59350", "59512"}
    assert sorted(qpv["code"]) == ["QN05901M", "QN05902M"]
    sources, qpv, inputs = load_sources("01")
    assert sources == [] and set(qpv["code"]) == QPV_OF["01"] and len(inputs) == 1


def test_cli_import_defaults_to_sdaasp_departement(cli_ready, nord_db, departement,
                                                   monkeypatch, capsys):
    departement("62", "Pas-de-Calais")
    monkeypatch.setenv("SDAASP_DEPARTEMENT", "62")
    assert main(["needs", "import", str(NATIONAL), "--source", "recensement"]) == 0
    assert "3 communes" in capsys.readouterr().out
    monkeypatch.delenv("SDAASP_DEPARTEMENT")
    assert main(["needs", "import", str(NATIONAL), "--source", "recensement"]) == 0
    assert "2 communes" in capsys.readouterr().out
    assert {s.departement_id: _communes(s) for s in models.NeedsSource.objects.all()} == {
        "59": {"59350", "59512"}, "62": {"62041", "62193", "62498"}}
    assert main(["needs", "import", str(NATIONAL), "--source", "recensement",
                 "--departement", "80"]) == 2
    assert "sdaasp territory build 80" in capsys.readouterr().err


@pytest.mark.parametrize(("code", "communes", "expected"), [
    ("QN05901M", "59512,59599", "59"),  # 2024 list
    ("QP059001", "", "59"),  # 2015 list
    ("QN00101M", "", "01"), ("QN01001M", "", "10"), ("QN01101M", "", "11"),
    ("QP02A001", "", "2A"), ("QN02B01M", "", "2B"),
    ("QP971005", "", "971"), ("QN97601M", "", "976"),
    ("QP075001", "75056", "75"),
    ("QX12345", "2A004,2A041", "2A"),  # no département field: its communes tell
    ("QX12345", "59512,62041", None),  # communes of two départements: undecided
    ("QN02001M", "", None), ("QN00001M", "", None), ("QN09601M", "", None),
])
def test_qpv_departement_from_its_code(code, communes, expected):
    from sdaasp.needs.qpv import qpv_departement

    assert qpv_departement(code, communes) == expected
