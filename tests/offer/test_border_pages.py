"""Services beyond the border, saved and shown: the real France Services file of 2020 for the
Nord. The inventory, its filters and the explorer's choices count the Nord's own 10; the map,
its table, the GeoJSON and the diagnostics' destinations include the 17 neighbours within
30 km, each marked « hors département »."""

from __future__ import annotations

import html as htmllib
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sdaasp.diagnostic.offer.models import ImportBatch, ServicePoint
from sdaasp.diagnostic.offer.services import (
    import_services,
    own_points,
    service_points_frame,
    type_counts,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shared_data]
FS_TYPES = ["FS_FIXE", "FS_ITINERANT", "FS_ANTENNE"]
CATEGORIES = {"FS": "FS_FIXE", "FS itinerante": "FS_ITINERANT", "Antenne": "FS_ANTENNE",
              "Antenne itinerante": "FS_ANTENNE"}


@pytest.fixture
def fs_file(shared_data):
    return shared_data / "france-services-2020" / "france_services.geojson"


@pytest.fixture
def fs_rows(fs_file) -> pd.DataFrame:
    """The file's rows read plainly: matricule, département, type, commune, name."""
    feats = json.loads(fs_file.read_text(encoding="utf-8"))["features"]
    return pd.DataFrame({
        "point_id": [f"fs:{f['properties']['MATRICULE']}" for f in feats],
        "dep": [str(f["properties"]["DEPARTEMENT"]).zfill(2) for f in feats],
        "type": [CATEGORIES[f["properties"]["categorie"]] for f in feats],
        "nom": [f["properties"]["lib_france_services"] for f in feats],
    }).set_index("point_id")


@pytest.fixture
def imported(nord_db, fs_file):
    batch, _ = import_services(fs_file, source="france-services", departement="59")
    return batch


def test_saved_counts_and_frame(imported, fs_rows, fs_file):
    assert (imported.points_count, imported.border_points, imported.buffer_m) == \
        (10, 17, 30_000.0)
    assert imported.other_departements == 908 - 27
    df = service_points_frame("59", types=FS_TYPES).set_index("point_id")
    assert len(df) == 27 and df["hors_departement"].sum() == 17
    assert set(df.index[~df["hors_departement"]]) == set(fs_rows.index[fs_rows["dep"] == "59"])
    assert (fs_rows.loc[df.index[df["hors_departement"]], "dep"] != "59").all()
    own = fs_rows[fs_rows["dep"] == "59"]
    assert type_counts("59") == dict(Counter(own["type"]))  # {FS_FIXE: 9, FS_ITINERANT: 1}
    away = fs_rows.loc[df.index[df["hors_departement"]]]
    assert type_counts("59", border=True) == dict(Counter(away["type"]))
    assert own_points("59").count() == 10
    # the same file again with another buffer: the points are that import's, no leftovers
    again, res = import_services(fs_file, source="france-services", departement="59",
                                 buffer_m=0)
    assert again.pk == imported.pk and (again.points_count, again.border_points) == (10, 0)
    assert ServicePoint.objects.filter(batch=again).count() == 10 == len(res.points)
    assert not ServicePoint.objects.filter(hors_departement=True).exists()


def test_inventory_counts_the_departement_only(client, imported):
    page = client.get("/offre/59/").content.decode()
    total = re.search(r"<caption>([\d\s\u00a0\u202f]+) points? de service", page).group(1)
    assert int(re.sub(r"\D", "", total)) == 10 + 647  # own France Services and town halls
    assert "(FS_FIXE, 9)" in page and "(FS_ITINERANT, 1)" in page
    assert "17 points de service hors département" in page and "à moins de 30 km" in page
    rows = client.get("/offre/59/?type=FS_FIXE").content.decode()
    assert len(re.findall(r"<tr><td>", rows.split("<h2>Imports")[0])) == 9
    assert "PIMMS de Libercourt" not in rows
    imports = page.split("<h2>Imports")[1]
    assert re.search(r'<td class="num">10</td><td class="num">17 \(à moins de 30 km\)</td>',
                     imports)


def test_map_counts_and_marks_the_services_beyond_the_border(client, imported):
    page = client.get("/offre/59/carte/?" + "&".join(f"type={t}" for t in FS_TYPES)) \
        .content.decode()
    assert ("10 points de service dans le département, 17 hors département à moins de "
            "30 km") in page
    assert "France Services (espace fixe) (9 dans le département, " in page
    assert "Point de service hors département (anneau, à moins de 30 km)" in page
    table = page.split('id="tableau-points"')[1].split("</table>")[0]
    situations = re.findall(r"<td>(dans le département|hors département)</td></tr>", table)
    assert Counter(situations) == {"dans le département": 10, "hors département": 17}
    url = htmllib.unescape(re.search(r'data-geojson="([^"]+)"', page).group(1))
    feats = json.loads(client.get(url).content)["features"]
    hors = [f["properties"] for f in feats if f["properties"]["hors_departement"]]
    assert len(feats) == 27 and len(hors) == 17
    assert {p["situation"] for p in hors} == {"hors département"}
    assert all(not str(p["commune"]).startswith("59") for p in hors)


def test_explorer_layer_includes_them_with_the_flag(client, imported):
    body = client.get("/carte/59/").content.decode()
    start = body.index('<script id="couches-config" type="application/json">')
    config = json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])
    layer = next(la for la in config if la["id"] == "offre-points")
    choices = dict(layer["choices"])
    n_fixe_away = ServicePoint.objects.filter(type="FS_FIXE", hors_departement=True).count()
    assert choices["FS_FIXE"] == \
        f"France Services (espace fixe) (9, + {n_fixe_away} hors département)"
    assert choices["FS_ITINERANT"].startswith("France Services itinérante (bus) (1, + ")
    assert set(choices) == {"FS_FIXE", "FS_ITINERANT", "MAIRIE"}
    assert ["situation", "Situation"] in layer["columns"]
    assert [e["shape"] for e in layer["legend"]] == ["point", "ring"]
    feats = json.loads(client.get(layer["url"] + "?type=FS_FIXE").content)["features"]
    assert Counter(f["properties"]["hors_departement"] for f in feats) == \
        {False: 9, True: n_fixe_away}
    assert "hors département" in body  # the ring's legend line


def test_a_diagnostic_reaches_a_service_beyond_the_border(imported, nord, fs_rows):
    """Lille: its nearest France Services in 2020 is in Pas-de-Calais (crow-fly)."""
    from sdaasp.access import nearest_by_type
    from sdaasp.access.diagnostic import build_origins
    from sdaasp.diagnostic.runs.inputs import service_points
    from sdaasp.travel import model_from_spec

    services = service_points("59", FS_TYPES)
    assert services["hors_departement"].sum() == 17
    origins, _ = build_origins(nord, "commune")
    res = nearest_by_type(origins, services, model_from_spec("crowfly"),
                          types=["FS_ITINERANT"])
    lille = int(np.flatnonzero(origins["origin_id"].to_numpy() == "59350")[0])
    pid = res.point_id[lille, 0]
    assert fs_rows.loc[pid, "nom"] == "PIMMS de Libercourt" and fs_rows.loc[pid, "dep"] == "62"
    assert services.set_index("point_id").loc[pid, "hors_departement"]
    # every category: Lille's nearest, by plain distance from its point, is that one too
    o = origins[["x", "y"]].to_numpy()[lille]
    d = np.hypot(services["x"] - o[0], services["y"] - o[1])
    assert services.loc[d.idxmin(), "point_id"] == pid


def test_communes_nearer_to_a_france_services_next_door(imported, nord):
    """The figure of the issue: 82 communes (228,870 inhabitants) have a fixed France
    Services nearer next door than in the Nord, as the crow flies from the commune's
    representative point (brute force over every pair)."""
    fs = service_points_frame("59", types=["FS_FIXE"])
    com = nord.communes
    rep = com.geometry.representative_point()
    o = np.column_stack([rep.x, rep.y])
    d = np.hypot(o[:, None, 0] - fs["x"].to_numpy()[None, :],
                 o[:, None, 1] - fs["y"].to_numpy()[None, :])
    away = fs["hors_departement"].to_numpy()
    nearer = d[:, away].min(axis=1) < d[:, ~away].min(axis=1)
    assert nearer.sum() == 82 and com["population"].to_numpy()[nearer].sum() == 228_870
    assert ImportBatch.objects.get(pk=imported.pk).border_points == 17


def test_cli_buffer_option_and_list_flag(nord_db, capsys):
    """``sdaasp services import --zone-tampon KM`` and the flag in ``sdaasp services list``."""
    from sdaasp.cli import main

    fs = Path(__file__).resolve().parents[1] / "fixtures" / "offer" / "france_services.geojson"
    assert main(["services", "import", str(fs), "--source", "france-services",
                 "--departement", "59", "--zone-tampon", "0"]) == 0
    out = capsys.readouterr().out
    assert "hors département" not in out.split("Import enregistré")[1]
    none = ServicePoint.objects.filter(departement_id="59", active=True,
                                       hors_departement=True).count()
    assert none == 0
    assert main(["services", "import", str(fs), "--source", "france-services",
                 "--departement", "59"]) == 0
    out = capsys.readouterr().out
    kept = ServicePoint.objects.filter(departement_id="59", active=True,
                                       hors_departement=True)
    assert kept.count() > 0
    assert f"et {kept.count()} hors département)" in out
    assert main(["services", "list", "--type", "FS_FIXE", "--type", "FS_ITINERANT",
                 "--type", "FS_ANTENNE", "--departement", "59"]) == 0
    listed = capsys.readouterr()
    rows = listed.out.strip().splitlines()
    assert rows[0].endswith(";source;hors_departement")
    flags = [r.rsplit(";", 1)[1] for r in rows[1:]]
    assert flags.count("oui") == kept.count()
    assert f", {kept.count()} hors département (destinations)." in listed.err
    assert main(["services", "import", str(fs), "--source", "france-services",
                 "--departement", "59", "--zone-tampon", "-3"]) == 2
    assert "Traceback" not in capsys.readouterr().err
