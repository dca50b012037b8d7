"""The demo pack: committed files match their README, every file reads with its importer, and
(when ../shared/data is there) a rebuild gives the same bytes and each extract is checked
against its source with another reader (pandas, GeoPandas/GDAL)."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from sdaasp.demo import FILES, PACK_DIR
from sdaasp.demo.build import README_ROW, build_pack
from sdaasp.demo.pack import BUFFER_KM, pack_file
from sdaasp.needs import READERS
from sdaasp.offer import ImportArea, read_services

PACK_FILES = [n for f in FILES for n in f.files]


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _readme_rows(text: str) -> dict[str, tuple[int, str]]:
    return {m[0]: (int(m[1]), m[2]) for m in README_ROW.findall(text)}


@pytest.fixture(scope="module")
def nord_area(nord):
    return ImportArea.from_territory(nord)


def _path(key: str):
    return PACK_DIR / pack_file(key).name


# committed pack ---------------------------------------------------------------------------

def test_the_readme_gives_the_size_and_hash_of_every_committed_file():
    rows = _readme_rows((PACK_DIR / "README.md").read_text(encoding="utf-8"))
    assert sorted(rows) == sorted(PACK_FILES)
    for name, (size, sha) in rows.items():
        assert (PACK_DIR / name).stat().st_size == size, name
        assert _sha(PACK_DIR / name) == sha, name
    on_disk = {p.name for p in PACK_DIR.iterdir()}
    assert on_disk == {*PACK_FILES, "README.md", ".gitattributes"}


def test_the_readme_names_source_vintage_and_licence_of_every_file():
    text = (PACK_DIR / "README.md").read_text(encoding="utf-8")
    for f in FILES:
        section = text.split(f"## {f.title}", 1)[1].split("\n## ", 1)[0]
        for what in (f.origin, f.producer, f.vintage, f.licence):
            assert what in section, (f.key, what)
        assert "Extraction : " in section


def test_the_pack_is_small():
    total = sum((PACK_DIR / n).stat().st_size for n in PACK_FILES)
    assert total < 3_000_000


def test_france_services_of_the_nord_and_its_neighbours(nord_area):
    everywhere = read_services(_path("france-services"), source="france-services")
    assert len(everywhere.points) == 27 and not everywhere.excluded
    deps = everywhere.points["commune_code"].str[:2]
    # 10 in the Nord (shared README), 17 within 30 km: Aisne 6, Ardennes 1, Pas-de-Calais 10
    assert deps.value_counts().to_dict() == {"59": 10, "62": 10, "02": 6, "08": 1}
    nord = read_services(_path("france-services"), source="france-services", area=nord_area,
                         year=2020)
    own = nord.points["commune_code"].str.startswith("59")
    assert own.sum() == 10  # with or without the neighbours kept by the importer
    assert len(nord.points) <= 27


def test_msap_of_the_nord_and_its_neighbours(nord_area):
    everywhere = read_services(_path("msap"), source="msap")
    assert everywhere.rows_read == 31 and len(everywhere.points) == 31
    nord = read_services(_path("msap"), source="msap", area=nord_area)
    assert nord.year == 2018
    assert nord.points["commune_code"].str.startswith("59").sum() == 13  # shared README
    # one neighbour is refused as badly geocoded: the address says 62820 Libercourt, the
    # geocoder put it in 62120 Aire-sur-la-Lys (the source's own postcode columns disagree)
    assert [p.field for p in nord.excluded] == ["coordonnées"]
    assert "Libercourt" in str(nord.excluded[0]) and "62120" in str(nord.excluded[0])


def test_bpe_teaching_equipment_of_the_nord(nord_area):
    res = read_services(_path("bpe"), source="bpe", area=nord_area, year=2018)
    raw = pd.read_csv(_path("bpe"), sep=";", dtype=str)
    assert res.rows_read == len(raw) == 2578  # shared README
    total = int(raw["NB_EQUIP"].astype(int).sum())
    # one equipment per unit of NB_EQUIP; the one of commune 59070 (merged since 2018, absent
    # from today's territory) is excluded and named
    assert len(res.points) + len(res.excluded) == total
    assert [p.line for p in res.excluded] == [2 + int(np.flatnonzero(raw["DEPCOM"] == "59070")[0])]
    counts = res.points["type_code"].value_counts()
    expected = raw[raw["DEPCOM"] != "59070"].groupby("TYPEQU")["NB_EQUIP"].apply(
        lambda s: s.astype(int).sum())
    assert counts.sort_index().to_dict() == expected.sort_index().to_dict()
    assert res.points["approximate"].all()


def test_colleges_of_the_mel_as_a_partner_file(nord_area):
    res = read_services(_path("colleges"), source="csv", area=nord_area, year=2021,
                        dataset=pack_file("colleges").dataset)
    raw = pd.read_csv(_path("colleges"), sep=";", dtype=str)
    assert len(res.points) == len(raw) == 117 and not res.excluded  # shared README: 117
    assert set(res.points["type_code"]) == {"C201"}
    assert res.points["capacity"].sum() == raw["capacite"].astype(int).sum()
    assert res.dataset == "colleges-mel-ips-2021"
    assert res.points["commune_code"].str.startswith("59").all()


def test_filosofi_communes_of_the_nord():
    src = READERS["filosofi"](_path("filosofi"))
    rate = src.values[src.values["indicator"] == "pauvrete"].set_index("code")["value"]
    raw = pd.read_csv(_path("filosofi"), sep=";", dtype=str, keep_default_na=False)
    assert len(rate) == len(raw) == 648  # shared README
    assert rate.index.str.startswith("59").all()
    secret = raw.set_index("CODGEO")["TP6019"] == ""
    assert secret.sum() > 0
    assert rate[secret[secret].index].isna().all()  # missing stays missing, never 0
    assert (rate[secret[~secret].index] * 100).round(6).tolist() == \
        raw.set_index("CODGEO").loc[secret[~secret].index, "TP6019"].astype(float).tolist()


def test_mel_iris_census():
    src = READERS["mel-iris-2019"](_path("mel-iris"))
    feats = json.loads(_path("mel-iris").read_text(encoding="utf-8"))["features"]
    assert len(feats) == 526  # shared README
    first = {}
    for f in feats:
        first.setdefault(f["properties"]["CODE_IRIS"], f["properties"])
    pop = src.values[src.values["indicator"] == "population"].set_index("code")["value"]
    assert len(pop) == len(first) == 517
    assert src.values["commune_code"].nunique() == 95
    assert pop.sum() == pytest.approx(sum(p["P19_POP"] for p in first.values()), rel=1e-12)
    assert sorted(src.geometry["code"]) == sorted(first)
    assert src.geometry.is_valid.all()


# rebuilt from ../shared/data --------------------------------------------------------------

@pytest.fixture(scope="module")
def rebuilt(shared_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("pack")
    build_pack(shared_data, out)
    return out


def test_a_rebuild_gives_the_committed_bytes(rebuilt):
    rows = _readme_rows((PACK_DIR / "README.md").read_text(encoding="utf-8"))
    for name in PACK_FILES:
        assert _sha(rebuilt / name) == rows[name][1], name
        assert (rebuilt / name).read_bytes() == (PACK_DIR / name).read_bytes(), name
    assert (rebuilt / "README.md").read_text(encoding="utf-8") == \
        (PACK_DIR / "README.md").read_text(encoding="utf-8")


def test_no_file_of_the_pack_is_a_whole_shared_file(shared_data):
    shared = {_sha(p) for p in shared_data.rglob("*") if p.is_file()}
    assert not shared & {_sha(PACK_DIR / n) for n in PACK_FILES}


def _within_band(gdf: gpd.GeoDataFrame, nord) -> np.ndarray:
    """Peer computation of the band: distance to the Nord's union (not a buffer polygon)."""
    nord_union = shapely.union_all(nord.communes.geometry.to_numpy())
    return (gdf.to_crs(2154).distance(nord_union) <= BUFFER_KM * 1000).to_numpy()


def test_france_services_extract_is_the_source_lines_of_the_band(shared_data, nord):
    src_path = shared_data / pack_file("france-services").shared_path
    src_lines = {s.rstrip(",") for s in src_path.read_text(encoding="utf-8").split("\n")}
    pack_lines = _path("france-services").read_text(encoding="utf-8").split("\n")
    assert all(s.rstrip(",") in src_lines for s in pack_lines)
    src = gpd.read_file(src_path)
    want = _within_band(src, nord) | (src["DEPARTEMENT"].astype(str).str.zfill(2) == "59")
    got = gpd.read_file(_path("france-services"))
    assert sorted(got["MATRICULE"]) == sorted(src.loc[want, "MATRICULE"])


def test_msap_extract_has_the_source_records_of_the_band(shared_data, nord):
    src = pyogrio.read_dataframe(shared_data / pack_file("msap").shared_path)
    postcode = src["locatin"].str.extract(r"(\d{4,5})\s+[^,]+,\s*France$")[0].str.zfill(5)
    want = _within_band(src.set_crs(2154, allow_override=True), nord) | \
        (postcode.str[:2] == "59").to_numpy()
    got = pyogrio.read_dataframe(_path("msap"))
    expected = src[want].reset_index(drop=True)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(expected.drop(columns="geometry")))
    assert got.geometry.geom_equals_exact(expected.geometry, tolerance=0).all()
    assert got.crs.to_epsg() == 2154


def test_bpe_extract_is_the_source_columns(shared_data):
    src = pd.read_csv(shared_data / pack_file("bpe").shared_path, sep=";", dtype=str)
    got = pd.read_csv(_path("bpe"), sep=";", dtype=str)
    pd.testing.assert_frame_equal(got, src[["DEPCOM", "DCIRIS", "AN", "TYPEQU", "NB_EQUIP"]])


def test_colleges_extract_keeps_every_value(shared_data):
    src = pd.read_csv(shared_data / pack_file("colleges").shared_path, dtype=str)
    got = pd.read_csv(_path("colleges"), sep=";", dtype=str)
    pairs = {"nom": "nom_etablissement", "commune": "code_commune", "lon": "longitude",
             "lat": "latitude", "capacite": "effectif", "ips": "IPS",
             "statut_public_prive": "statut_public_prive"}
    for ours, theirs in pairs.items():
        assert got[ours].tolist() == src[theirs].tolist(), ours
    assert got["identifiant"].str[:8].tolist() == src["codeuai"].tolist()
    assert got["identifiant"].is_unique


def test_filosofi_extract_is_the_nord_rows(shared_data):
    src = pd.read_csv(shared_data / pack_file("filosofi").shared_path, sep=";", dtype=str)
    got = pd.read_csv(_path("filosofi"), sep=";", dtype=str)
    pd.testing.assert_frame_equal(
        got, src[src["CODGEO"].str.startswith("59")].reset_index(drop=True))


def test_mel_iris_extract_keeps_values_and_moves_contours_by_a_metre_at_most(shared_data):
    src = gpd.read_file(shared_data / pack_file("mel-iris").shared_path)
    got = gpd.read_file(_path("mel-iris"))
    cols = [c for c in got.columns if c != "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(got[cols]), pd.DataFrame(src[cols]))
    a, b = got.to_crs(2154).geometry, src.to_crs(2154).geometry
    moved = np.array([x.hausdorff_distance(y) for x, y in zip(a, b, strict=True)])
    assert moved.max() < 1.0  # metres: 5 decimals of a degree at Lille's latitude
    # a contour moved by at most d metres gains or loses at most its perimeter times d
    assert ((a.area - b.area).abs() <= b.length * moved.max()).all()
