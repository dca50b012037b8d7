"""Analysis units (IRIS where their contours are known, communes elsewhere) and the needs
indicators of each unit, combined from the imported sources.

Rules (docs/methods.md):

- a commune is split into its IRIS when an imported source gives the IRIS contours (the MEL
  extract does); elsewhere the commune is the unit;
- a unit's value comes from the finest source: the IRIS value for an IRIS, else the value of
  its commune (a commune file, else the sum of its IRIS' numerators over the sum of their
  denominators), and ``data_level`` says which; among sources of the same level, the first
  given wins;
- the share of the population living in a QPV is computed from the QPV contours by areal
  weighting of the units' population;
- a value no source gives stays NaN ("non disponible").
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from sdaasp.needs.catalogue import POPULATION
from sdaasp.needs.qpv import population_in_qpv
from sdaasp.needs.sources import NeedsSource

UNIT_COLUMNS = ["unit_code", "level", "commune_code", "nom", "population", "epci_code",
                "scot_code", "geometry"]
NEEDS_COLUMNS = ["unit_code", "indicator", "value", "numerator", "denominator", "source",
                 "vintage", "data_level"]


def analysis_units(communes: gpd.GeoDataFrame, sources: list[NeedsSource]) -> gpd.GeoDataFrame:
    """One row per unit: IRIS of the communes whose IRIS contours a source gives, else
    communes. ``communes`` is :attr:`Territory.communes`."""
    com = communes.rename(columns={"code": "commune_code"})
    iris_parts = []
    for src in sources:
        if src.level != "iris" or src.geometry is None:
            continue
        pop = src.values[src.values["indicator"] == POPULATION].set_index("code")["value"]
        geo = src.geometry.copy()
        geo["commune_code"] = geo["code"].str[:5]
        geo = geo[geo["commune_code"].isin(com["commune_code"])]
        geo["population"] = geo["code"].map(pop).astype(float)
        iris_parts.append(geo)
    if iris_parts:
        iris = pd.concat(iris_parts, ignore_index=True).drop_duplicates("code")
    else:
        iris = gpd.GeoDataFrame({"code": [], "nom": [], "commune_code": [], "population": []},
                                geometry=gpd.GeoSeries([], crs=communes.crs))
    split = set(iris["commune_code"])
    attrs = com.set_index("commune_code")[["nom", "epci_code", "scot_code"]]
    iris_units = gpd.GeoDataFrame({
        "unit_code": iris["code"].to_numpy(), "level": "iris",
        "commune_code": iris["commune_code"].to_numpy(),
        "nom": (iris["commune_code"].map(attrs["nom"]) + " — " + iris["nom"].astype(str))
        .to_numpy(),
        "population": iris["population"].to_numpy(dtype=float),
        "epci_code": iris["commune_code"].map(attrs["epci_code"]).to_numpy(),
        "scot_code": iris["commune_code"].map(attrs["scot_code"]).to_numpy(),
    }, geometry=iris.geometry.to_crs(communes.crs).to_numpy(), crs=communes.crs)
    keep = com[~com["commune_code"].isin(split)]
    com_units = gpd.GeoDataFrame({
        "unit_code": keep["commune_code"].to_numpy(), "level": "commune",
        "commune_code": keep["commune_code"].to_numpy(), "nom": keep["nom"].to_numpy(),
        "population": pd.to_numeric(keep["population"]).astype(float).to_numpy(),
        "epci_code": keep["epci_code"].astype(object).to_numpy(),
        "scot_code": keep["scot_code"].astype(object).to_numpy(),
    }, geometry=keep.geometry.to_numpy(), crs=communes.crs)
    units = pd.concat([com_units, iris_units], ignore_index=True)
    units = gpd.GeoDataFrame(units, geometry="geometry", crs=communes.crs)
    for col in ("epci_code", "scot_code"):
        units[col] = units[col].astype(object).where(units[col].notna(), None)
    return units.sort_values("unit_code", kind="stable").reset_index(drop=True)[UNIT_COLUMNS]


def _commune_aggregate(values: pd.DataFrame) -> pd.DataFrame:
    """Commune values from IRIS rows: Σ numerators / Σ denominators over IRIS where both are
    known (rates published without counts, e.g. Filosofi IRIS, are not aggregated)."""
    v = values.dropna(subset=["numerator"])
    is_count = v["indicator"] == POPULATION
    v = v[is_count | v["denominator"].notna()]
    g = v.groupby(["commune_code", "indicator"], sort=True)[["numerator", "denominator"]]
    agg = g.sum(min_count=1).reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(agg["denominator"] > 0, agg["numerator"] / agg["denominator"], np.nan)
    agg["value"] = np.where(agg["indicator"] == POPULATION, agg["numerator"], ratio)
    agg["code"] = agg["commune_code"]
    return agg


def needs_table(units: gpd.GeoDataFrame, sources: list[NeedsSource],
                qpv: gpd.GeoDataFrame | None = None, *,
                qpv_label: str = "", qpv_vintage: str = "") -> pd.DataFrame:
    """Long table of the units' indicators (:data:`NEEDS_COLUMNS`), one row per (unit,
    indicator) that some source gives; population rows are left out."""
    cands = []
    unit_of_commune = units[["unit_code", "commune_code", "level"]]
    for rank, src in enumerate(sources):
        v = src.values
        tag = {"source": src.label, "vintage": src.vintage}
        if src.level == "iris":
            exact = v.merge(units.loc[units["level"] == "iris", ["unit_code"]],
                            left_on="code", right_on="unit_code")
            cands.append(exact.assign(precision=0, rank=rank, data_level="iris", **tag))
            agg = _commune_aggregate(v).merge(unit_of_commune, on="commune_code")
            agg["precision"] = np.where(agg["level"] == "iris", 2, 1)
            cands.append(agg.assign(rank=rank, data_level="commune (somme des IRIS)", **tag))
        else:
            direct = v.merge(unit_of_commune, left_on="code", right_on="commune_code",
                             suffixes=("_src", ""))
            direct["precision"] = np.where(direct["level"] == "iris", 1, 0)
            cands.append(direct.assign(rank=rank, data_level="commune", **tag))
    if cands:
        allc = pd.concat(cands, ignore_index=True)
        allc = allc[allc["indicator"] != POPULATION]
        allc = allc.sort_values(["unit_code", "indicator", "precision", "rank"], kind="stable")
        best = allc.drop_duplicates(["unit_code", "indicator"], keep="first")
        table = best[NEEDS_COLUMNS]
    else:
        table = pd.DataFrame(columns=NEEDS_COLUMNS)
    if qpv is not None:
        inside = population_in_qpv(units, qpv)
        pop = units["population"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(pop > 0, inside / pop, np.nan)
        qrows = pd.DataFrame({
            "unit_code": units["unit_code"].to_numpy(), "indicator": "part_qpv",
            "value": share, "numerator": inside, "denominator": pop,
            "source": qpv_label or "Contours des QPV (ANCT)", "vintage": qpv_vintage,
            "data_level": units["level"].to_numpy(),
        })
        table = pd.concat([table, qrows], ignore_index=True) if len(table) else qrows
    table = table.astype({"value": float, "numerator": float, "denominator": float})
    return table.sort_values(["unit_code", "indicator"], kind="stable").reset_index(drop=True)
