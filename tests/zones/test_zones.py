"""Zones app: imports (all or nothing, idempotent), runs (recorded, reproducible), CLI, pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdaasp.cli import main
from sdaasp.diagnostic.zones import models
from sdaasp.diagnostic.zones.pipeline import compute_zones
from sdaasp.diagnostic.zones.services import import_needs_file
from sdaasp.errors import InputFileError, SdaaspError

pytestmark = pytest.mark.django_db

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "needs"
MEL_CSV = FIX / "IRIS_MEL_PROFILS_SOCIAUX_PLAT_2019-extrait.csv"
MEL_GEO = FIX / "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson"


def test_import_is_idempotent(nord_db):
    for _ in range(2):
        src = import_needs_file(MEL_CSV, "mel-iris-2019", departement="59")
        assert models.NeedsSource.objects.count() == 1
        assert models.NeedsValue.objects.count() == 3
    v = models.NeedsValue.objects.get(source=src, code="595120101").values
    assert v["logement_social"] == [40.0, 80.0, 0.5]
    empty = models.NeedsValue.objects.get(source=src, code="590130000").values
    assert empty["chomage"] == [None, None, None]  # missing stays missing, not 0
    assert src.notes and "595120102" in src.notes[0]


def test_bad_file_writes_nothing(nord_db):
    with pytest.raises(InputFileError):
        import_needs_file(FIX / "base-ic-evol-struct-pop-2019-erreurs.csv", "recensement",
                          departement="59")
    assert models.NeedsSource.objects.count() == 0
    assert models.NeedsValue.objects.count() == 0


def test_departement_filter(nord_db, departement):
    departement("62", "Pas-de-Calais")
    with pytest.raises(SdaaspError, match="aucune zone du département 62"):
        import_needs_file(FIX / "base-cc-logement-2019.csv", "recensement", departement="62")
    src = import_needs_file(FIX / "base-cc-logement-2019.csv", "recensement", departement="59")
    assert src.rows == 3
    qpv = import_needs_file(FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                            departement="59")
    assert list(qpv.qpvs.values_list("code", flat=True)) == ["QN05901M", "QN05902M"]


def test_run_without_files_says_what_is_missing(nord_db, nord):
    out = compute_zones("59", territory=nord)
    run = out.run
    assert set(run.not_assessed) == {"precarite", "qpv", "mobilite", "numerique",
                                     "vieillissement"}
    assert "--source filosofi" in run.not_assessed["precarite"]
    assert "vol d'oiseau" in run.access_method
    assert run.units.count() == 647
    assert run.units.filter(statut="prioritaire").count() == 0  # no needs data, no priority
    assert len(run.params_sha256) == 64 and run.params_version
    assert run.territories.filter(level="scot").count() == 7


def test_run_with_mel_extract_is_recorded_and_reproducible(nord_db, nord):
    import_needs_file(MEL_GEO, "mel-iris-2019", departement="59")
    a = compute_zones("59", territory=nord)
    b = compute_zones("59", territory=nord)
    assert a.run.digest == b.run.digest and a.run.pk != b.run.pk
    iris = a.run.units.filter(level="iris")
    assert sorted(iris.values_list("unit_code", flat=True)) == [
        "590130000", "595120101", "595120102"]
    # Roubaix and Anstaing are split into IRIS, the other communes stay whole
    assert a.run.units.count() == 647 - 2 + 3
    u = iris.get(unit_code="595120101")
    assert u.indicators["logement_social"] == pytest.approx(0.5)
    assert u.dimensions["precarite"] == "critique"
    assert any(i.get("sha256") for i in a.run.inputs)
    assert {"mobilite", "qpv"} <= set(a.run.not_assessed)


@pytest.mark.shared_data
def test_real_mel_file_precarity_by_iris_for_95_communes(shared_data, nord_db, nord):
    import pandas as pd

    folder = shared_data / "mel-2019"
    import_needs_file(folder / "IRIS_MEL_PROFILS_SOCIAUX_2019.geojson", "mel-iris-2019",
                      departement="59")
    a = compute_zones("59", territory=nord)
    mel = set(pd.read_csv(folder / "LISTE_COMMUNES_MEL.csv", dtype=str)["INSEE_COM"])
    iris = a.run.units.filter(level="iris")
    assert set(iris.values_list("commune_code", flat=True)) == mel
    assert not a.run.units.filter(level="commune", commune_code__in=mel).exists()
    statuses = [u.dimensions["precarite"] for u in iris]
    assert statuses.count("non évaluée") < 20  # only IRIS without households counted
    assert "precarite" not in a.run.not_assessed
    b = compute_zones("59", territory=nord)
    assert a.run.digest == b.run.digest


def test_cli_zones_and_import(cli_ready, nord_db, capsys):
    assert main(["needs", "import", str(MEL_CSV), "--source", "mel-iris-2019"]) == 0
    out = capsys.readouterr().out
    assert "Importé" in out and "3 IRIS" in out and "Remarque" in out
    assert main(["zones", "59"]) == 0
    out = capsys.readouterr().out
    assert "Dimensions non évaluées" in out and "Mobilité — à importer" in out
    assert "--source qpv" in out and "Empreinte des résultats" in out
    assert "une France Services (FRANCE_SERVICES)" in out


def test_cli_refused_file_exit_2_french(cli_ready, nord_db, capsys):
    code = main(["needs", "import", str(FIX / "base-ic-evol-struct-pop-2019-erreurs.csv"),
                 "--source", "recensement"])
    err = capsys.readouterr().err
    assert code == 2
    assert "ligne 2, champ « P19_POP65P »" in err and "Traceback" not in err
    assert models.NeedsSource.objects.count() == 0
    assert main(["needs", "import", "/nulle/part.csv", "--source", "filosofi"]) == 2
    assert "Fichier introuvable" in capsys.readouterr().err


def test_cli_bad_params_exit_2(cli_ready, nord_db, tmp_path, capsys):
    p = tmp_path / "p.toml"
    p.write_text("[acces]\npart_population_min = 5\n", encoding="utf-8")
    assert main(["zones", "59", "--params", str(p)]) == 2
    err = capsys.readouterr().err
    assert "acces.part_population_min" in err and "version" in err
    assert models.ZonesRun.objects.count() == 0


def test_zones_pages(client, nord_db, nord, tmp_path):
    empty = client.get("/zones/").content.decode()
    assert "sdaasp zones 59" in empty
    import_needs_file(MEL_GEO, "mel-iris-2019", departement="59")
    import_needs_file(FIX / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                      departement="59")
    params = tmp_path / "p.toml"
    from sdaasp.needs.params import default_params_path

    # a 0-minute town-hall threshold makes every populated unit deficit
    params.write_text(default_params_path().read_text(encoding="utf-8").replace(
        "seuil_minutes = 10", "seuil_minutes = 0"), encoding="utf-8")
    run = compute_zones("59", params_path=params, territory=nord).run
    html = client.get("/zones/").content.decode()
    assert "Territoires déficitaires" in html and "Zones prioritaires du SDAASP" in html
    for scot in ("Cambrésis", "Douaisis", "Flandre Maritime", "Flandre Intérieure",
                 "Lille Métropole", "Sambre-Avesnois", "Valenciennes"):
        assert scot in html
    assert "approximation à vol d'oiseau calibrée" in html
    assert "une France Services (FRANCE_SERVICES)" in html  # service not assessed, by name
    assert "50\u00a0% des ménages en logement social" in html  # reason of IRIS 595120101
    assert "non disponible" in html  # e.g. mobility shares of EPCI/SCoT
    for layer, n in (("scot", 7), ("qpv", 2), ("prioritaires", None)):
        res = client.get(f"/zones/calcul/{run.pk}/couches/{layer}.geojson")
        assert res.status_code == 200
        feats = res.json()["features"]
        assert n is None or len(feats) == n
    prio = client.get(f"/zones/calcul/{run.pk}/couches/prioritaires.geojson").json()
    assert "595120101" in {f["properties"]["code"] for f in prio["features"]}
    assert client.get(f"/zones/calcul/{run.pk}/couches/autre.geojson").status_code == 404


def test_map_export_png_pdf(client, nord_db, nord):
    run = compute_zones("59", territory=nord).run
    png = client.get(f"/zones/calcul/{run.pk}/carte.png?couches=scot,deficitaires")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/zones/calcul/{run.pk}/carte.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert client.get(f"/zones/calcul/{run.pk}/carte.svg").status_code == 404


def test_access_from_the_engine_matches_brute_force(nord_db, nord, monkeypatch):
    """France Services times come from the accessibility engine: checked against a direct
    computation (the straight-line model's time to every service, both ends with the density
    context of their commune) for every commune."""
    import numpy as np
    import pandas as pd

    from sdaasp.access import unit_origins
    from sdaasp.diagnostic.runs.inputs import town_halls
    from sdaasp.diagnostic.zones import pipeline as runs
    from sdaasp.travel.crowfly import CrowflyModel

    fs = pd.DataFrame({  # two synthetic France Services (Lille and Maubeuge town halls' places)
        "point_id": ["fs1", "fs2"], "type_code": "FS_FIXE", "nom": ["FS A", "FS B"],
        "x": [704000.0, 772000.0], "y": [7059000.0, 7027000.0], "capacity": np.nan,
        "commune_code": ["59350", "59392"], "approximate": False, "source": "synthétique"})
    monkeypatch.setattr(runs, "service_points",
                        lambda code, types: pd.concat([town_halls(code), fs], ignore_index=True))
    out = compute_zones("59", territory=nord)
    assert "FRANCE_SERVICES" not in out.result.services_not_assessed
    units = out.result.units
    origins = unit_origins(nord.communes, units, placement="chef-lieu", mairies=nord.mairies)
    d = np.sqrt((origins["x"].to_numpy()[:, None] - fs["x"].to_numpy()) ** 2
                + (origins["y"].to_numpy()[:, None] - fs["y"].to_numpy()) ** 2)
    ctx = origins.drop_duplicates("commune_code").set_index("commune_code")["context"]
    sc = fs["commune_code"].map(ctx).to_numpy()
    t = CrowflyModel().pair_minutes(d, origins["context"].to_numpy()[:, None], sc[None, :])
    beyond = t.min(axis=1) > 20
    acc = out.result.access
    got = acc[acc["service"] == "FRANCE_SERVICES"].set_index("unit_code")["share_beyond"]
    expected = pd.Series(beyond.astype(float), index=origins["origin_id"])
    populated = units.set_index("unit_code")["population"] > 0
    idx = populated[populated].index
    assert (got.loc[idx] == expected.loc[idx]).all()
    assert 0 < got.loc[idx].mean() < 1
    assert any(i.get("type") == "offre" and i.get("sha256") for i in out.run.inputs)
