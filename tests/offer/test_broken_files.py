"""Property-based: broken files never crash the importers, and a refused import writes nothing.

Hypothesis mutates valid fixtures (truncation, byte changes, lines dropped or duplicated,
garbage inserted). The only exceptions allowed are the documented ones (InputFileError and
other SdaaspError); a file that survives the mutation may be imported.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdaasp.errors import SdaaspError
from sdaasp.offer import read_services
from tests.offer.conftest import FIXTURES

CASES = [
    ("bpe_detail.csv", "bpe"),
    ("bpe_agrege.csv", "bpe"),
    ("france_services.geojson", "france-services"),
    ("partenaires.csv", "csv"),
    ("partenaires.geojson", "geojson"),
]
GARBAGE = st.sampled_from([b";", b"\n", b'"', b"\x00", b"\xff\xfe", b"{", b"]", b"-1e999",
                           b"NaN", b"2A", b"\xe9", b",", b"  ", b"9999999999999999999999",
                           b"lu-ve", b"Point", b"null"])


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    ops = draw(st.lists(st.sampled_from(["truncate", "flip", "insert", "drop_line",
                                         "dup_line", "swap_sep"]), min_size=1, max_size=4))
    for op in ops:
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            data = data[:i]
        elif op == "flip":
            data = data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1:]
        elif op == "insert":
            data = data[:i] + draw(GARBAGE) + data[i:]
        else:
            lines = data.split(b"\n")
            j = draw(st.integers(0, len(lines) - 1))
            if op == "drop_line":
                del lines[j]
            elif op == "dup_line":
                lines.insert(j, lines[j])
            else:
                lines[j] = lines[j].replace(b";", b",")
            data = b"\n".join(lines)
    return data


def _case(draw: st.DrawFn) -> tuple[str, str, bytes]:
    name, source = draw(st.sampled_from(CASES))
    return name, source, draw(mutated((FIXTURES / name).read_bytes()))


broken_case = st.composite(_case)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=broken_case())
def test_core_importers_only_raise_documented_errors(case, nord_area, tmp_path_factory):
    name, source, data = case
    path = tmp_path_factory.mktemp("broken") / name
    path.write_bytes(data)
    try:
        res = read_services(path, source=source, area=nord_area)
    except SdaaspError as exc:
        assert str(exc)  # a French message for the user
        return
    assert res.points["point_id"].is_unique


@settings(max_examples=30, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(part=st.sampled_from([".shp", ".dbf", ".shx", ".prj"]), data=st.data())
def test_msap_shapefile_broken(part, data, tmp_path_factory, nord_area):
    import geopandas as gpd
    import shapely

    d = tmp_path_factory.mktemp("msap")
    shp = d / "MSAP.shp"
    gpd.GeoDataFrame({"locatin": ["1 rue X, 59350 Lille, France"] * 3},
                     geometry=[shapely.Point(705050 + i, 7059300) for i in range(3)],
                     crs=2154).to_file(shp, engine="pyogrio")
    target = shp.with_suffix(part)
    target.write_bytes(data.draw(mutated(target.read_bytes())))
    with contextlib.suppress(SdaaspError):
        read_services(shp, source="msap", area=nord_area)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=broken_case())
def test_refused_import_leaves_database_unchanged(case, nord_db, tmp_path_factory):
    from sdaasp.diagnostic.offer.models import ImportBatch, ServicePoint
    from sdaasp.diagnostic.offer.services import import_services

    if not ImportBatch.objects.exists():
        import_services(FIXTURES / "partenaires.csv", source="csv", departement="59")

    def snapshot():
        return (sorted(ServicePoint.objects.values_list("departement", "point_id", "active",
                                                        "batch", "nom", "x", "y")),
                sorted(ImportBatch.objects.values_list("id", "active", "sha256",
                                                       "points_count")))

    name, source, data = case
    path: Path = tmp_path_factory.mktemp("broken") / name
    path.write_bytes(data)
    before = snapshot()
    try:
        import_services(path, source=source, departement="59", strict=True)
    except SdaaspError:
        assert snapshot() == before
    shutil.rmtree(path.parent)
