"""Exports of the territory for QGIS (GeoPackage, GeoJSON) and spreadsheets (CSV).

Files are written to a temporary name then renamed, so a failed export leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from sdaasp._files import atomic_write
from sdaasp.errors import SdaaspError
from sdaasp.territory.build import Territory
from sdaasp.territory.crs import WGS84
from sdaasp.territory.geometry import representative_xy

EXPORT_FORMATS = ("gpkg", "geojson", "csv")
LEVELS = ("communes", "epci", "scot", "mairies")


def territory_layers(territory: Territory) -> dict[str, gpd.GeoDataFrame]:
    """One GeoDataFrame per level, with names of the upper levels joined in."""
    epci_names = territory.epci.set_index("code")["nom"]
    scot_names = territory.scot.set_index("code")["nom"] if len(territory.scot) else pd.Series()
    communes = territory.communes.copy()
    communes.insert(4, "epci_nom", communes["epci_code"].map(epci_names))
    communes.insert(6, "scot_nom", communes["scot_code"].map(scot_names))
    epci = territory.epci.copy()
    epci.insert(4, "scot_nom", epci["scot_code"].map(scot_names))
    mairies = territory.mairies.copy()
    dep = gpd.GeoDataFrame(
        {
            "code": [territory.code],
            "nom": [territory.departement["nom"]],
            "population": pd.Series([territory.summary()["population"]], dtype="Int64"),
            "source": [territory.departement["source"]],
        },
        geometry=[territory.communes.union_all()],
        crs=territory.communes.crs,
    )
    return {"departement": dep, "scot": territory.scot, "epci": epci, "communes": communes,
            "mairies": mairies}


def export_territory(
    territory: Territory, output: str | Path, *, fmt: str, level: str = "communes"
) -> Path:
    """Write ``territory`` to ``output`` in ``fmt`` (gpkg: every level; else ``level``)."""
    if fmt not in EXPORT_FORMATS:
        choices = ", ".join(EXPORT_FORMATS)
        raise SdaaspError(f"Format inconnu : « {fmt} » (choisir parmi {choices}).")
    if level not in LEVELS:
        raise SdaaspError(f"Niveau inconnu : « {level} » (choisir parmi {', '.join(LEVELS)}).")
    layers = territory_layers(territory)

    def write(tmp: Path) -> None:
        if fmt == "gpkg":
            for name, gdf in layers.items():
                gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
        elif fmt == "geojson":
            layers[level].to_crs(WGS84).to_file(tmp, driver="GeoJSON", engine="pyogrio")
        else:
            _csv_table(layers[level]).to_csv(
                tmp, sep=";", decimal=",", index=False, encoding="utf-8-sig"
            )

    return atomic_write(Path(output), write)


def _csv_table(gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """Attributes plus a representative point in the projected CRS and in WGS84."""
    xy = representative_xy(gdf.geometry)
    ll = representative_xy(gdf.geometry.representative_point().to_crs(WGS84))
    out = pd.DataFrame(gdf.drop(columns="geometry"))
    out["x"], out["y"] = xy[:, 0].round(1), xy[:, 1].round(1)
    out["lon"], out["lat"] = ll[:, 0].round(6), ll[:, 1].round(6)
    return out
