"""The nomenclature against INSEE's own modality files, code changes and baskets."""

from __future__ import annotations

import csv

import pytest

from sdaasp.errors import InputFileError
from sdaasp.offer import nomenclature as nm


def _insee_typequ(path):
    with path.open(encoding="utf-8") as fh:
        return {r["MODALITE"]: r["MODLIBELLE"] for r in csv.DictReader(fh, delimiter=";")
                if r["VARIABLE"] == "TYPEQU"}


@pytest.mark.shared_data
@pytest.mark.parametrize(("year", "name", "count"), [
    (2009, "bpe09_varmod_ensemble.utf8.csv", 160),
    (2013, "bpe13_varmod_ensemble.utf8.csv", 181),
])
def test_codes_and_labels_match_insee_varmod(shared_data, year, name, count):
    insee = _insee_typequ(shared_data / "bpe" / name)
    assert len(insee) == count
    ours = nm.service_types()
    ours_year = ours[ours["annees"].map(lambda ys: year in ys)]
    assert set(ours_year["code"]) == set(insee)
    for code, lab in insee.items():
        if year == 2013 or code not in _insee_typequ(
                shared_data / "bpe" / "bpe13_varmod_ensemble.utf8.csv"):
            assert ours.at[code, "libelle"] == " ".join(lab.split())


@pytest.mark.shared_data
def test_dbf_is_the_same_nomenclature(shared_data):
    """The dBase original (cp850) and its UTF-8 copy agree: our labels come from INSEE."""
    import pyogrio

    df = pyogrio.read_dataframe(shared_data / "bpe" / "bpe13_varmod_ensemble.dbf",
                                encoding="cp850")
    cols = {c.upper(): c for c in df.columns}
    t = df[df[cols["VARIABLE"]].str.strip() == "TYPEQU"]
    codes = set(t[cols["MODALITE"]].str.strip())
    assert codes == set(nm.types_of_year(2013).query("origine == 'bpe'")["code"])


@pytest.mark.shared_data
def test_2018_teaching_codes_are_described(shared_data):
    with (shared_data / "bpe" / "bpe18_enseignement_dep59.csv").open() as fh:
        codes = {r["TYPEQU"] for r in csv.DictReader(fh, delimiter=";")}
    assert codes <= set(nm.types_of_year(2018)["code"])


def test_la_poste_code_change():
    assert nm.translate_code("A201", to_year=2018) == {"A206"}
    assert nm.translate_code("A206", to_year=2009) == {"A201"}
    assert "A201" in nm.types_of_year(2009).index and "A201" not in nm.types_of_year(2013).index
    assert nm.translate_code("A110", to_year=2018) == {"A122"}
    assert {"A110", "A111", "A112", "A115"} <= nm.equivalent_codes("A103")


def test_own_types_and_gammes():
    t = nm.service_types()
    for code in ("FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP", "PERMANENCE",
                 "CONSEILLER_NUM", "MAIRIE"):
        assert t.at[code, "origine"] == "sdaasp"
    assert set(t["gamme"]) <= {"", *nm.GAMMES}
    assert t.at["A206", "gamme"] == "proximité" and t.at["A206", "panier"]
    assert t.at["C101", "domaine"] == "Enseignement"


def test_bundled_baskets_and_user_file(tmp_path):
    baskets = {b.code: b for b in nm.load_baskets()}
    assert baskets["france_services"].types == ("FS_FIXE", "FS_ITINERANT", "FS_ANTENNE", "MSAP")
    assert set(baskets["vie_courante"].types) == set(nm.service_types().query("panier")["code"])
    f = tmp_path / "paniers.toml"
    f.write_text('[[panier]]\ncode = "poste"\nnom = "La Poste"\ntypes = ["A206", "A207"]\n',
                 encoding="utf-8")
    assert nm.load_baskets(f)[0].types == ("A206", "A207")
    f.write_text('[[panier]]\ncode = "x"\nnom = ""\ntypes = ["Z999"]\n'
                 '[[panier]]\ncode = "x"\nnom = "b"\ntypes = []\n', encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        nm.load_baskets(f)
    assert len(exc.value.problems) == 4 and "Z999" in str(exc.value)
