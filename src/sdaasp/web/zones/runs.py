"""Compute and save a zones run for a département: territory, imported needs, access times,
the method with a parameter file. Called by ``sdaasp zones`` (long job, outside requests)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdaasp.needs import ZonesResult, analysis_units, load_params, needs_table, priority_zones
from sdaasp.needs.crowfly import LABEL as CROWFLY_LABEL
from sdaasp.needs.crowfly import crowfly_access
from sdaasp.territory import Territory, build_territory
from sdaasp.web.territory.models import Departement
from sdaasp.web.territory.services import save_territory
from sdaasp.web.zones import models
from sdaasp.web.zones.services import load_sources, save_zones_run


@dataclass
class RunOutcome:
    run: models.ZonesRun
    result: ZonesResult
    territory_saved: bool


def access_times(territory: Territory, units: pd.DataFrame, params) -> tuple[pd.DataFrame, str]:
    """Per-origin times for the run and the label of the method used.

    Until the accessibility engine's runs are wired in, the documented fallback is a
    straight-line time to the nearest town hall (:mod:`sdaasp.needs.crowfly`).
    """
    acc = crowfly_access(units, territory.mairies, speed_kmh=params.vitesse_kmh,
                         detour=params.detour)
    label = (f"{CROWFLY_LABEL} : distance × {params.detour:g} à {params.vitesse_kmh:g} km/h "
             "depuis un point de chaque zone")
    return acc, label


def compute_zones(code: str, *, params_path: str | Path | None = None,
                  territory: Territory | None = None) -> RunOutcome:
    """Run the zones method for ``code`` and save it (the territory too if not yet saved)."""
    params = load_params(params_path)
    territory = territory or build_territory(code)
    dep = Departement.objects.filter(code=territory.code).first()
    saved = False
    if dep is None:
        dep = save_territory(territory)
        saved = True
    sources, qpv, inputs = load_sources(territory.code)
    units = analysis_units(territory.communes, sources)
    qpv_label = next((i["source"] for i in inputs if i["type"] == "qpv"), "")
    qpv_vintage = next((i["millesime"] for i in inputs if i["type"] == "qpv"), "")
    needs = needs_table(units, sources, qpv, qpv_label=qpv_label, qpv_vintage=qpv_vintage)
    access, access_label = access_times(territory, units, params)
    result = priority_zones(units, needs, access, params)
    names = {("epci", r.code): r.nom for r in territory.epci.itertuples()}
    names |= {("scot", r.code): r.nom for r in territory.scot.itertuples()}
    inputs = [{"type": "territoire", "source": territory.departement["source"]}, *inputs]
    run = save_zones_run(result, dep, inputs=inputs, access_method=access_label, names=names)
    return RunOutcome(run=run, result=result, territory_saved=saved)
