"""Compute and save a zones run for a département: load the territory, the imported needs and
the service points from the database, call the core (``sdaasp.access`` for the times,
``sdaasp.needs`` for the method), save the result. Called by ``sdaasp zones`` (a long job,
outside web requests); the same computation runs in a notebook without Django (docs/api.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sdaasp.access import access_table, nearest_by_type, unit_origins
from sdaasp.access.table import access_method_label, offer_record
from sdaasp.actor import current_actor
from sdaasp.diagnostic.runs.inputs import service_points
from sdaasp.diagnostic.territory.loading import held_territory
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.territory.services import save_territory
from sdaasp.diagnostic.zones import models
from sdaasp.diagnostic.zones.services import load_sources, save_zones_run
from sdaasp.needs import (
    ZonesResult,
    access_types,
    analysis_units,
    load_params,
    needs_table,
    priority_zones,
)
from sdaasp.needs.params import Params
from sdaasp.territory import Territory
from sdaasp.travel import TravelModel, model_from_spec

logger = logging.getLogger("sdaasp.zones")


@dataclass
class RunOutcome:
    run: models.ZonesRun
    result: ZonesResult
    territory_saved: bool


def access_times(territory: Territory, units: pd.DataFrame, params: Params,
                 model: TravelModel) -> tuple[pd.DataFrame, str, dict]:
    """The long access table of the units (the core's :func:`~sdaasp.access.access_table`)
    for the types the parameters use, from the saved service points (town halls at least).
    Returns the table, a French label of the method and the offer's record."""
    types = access_types(params)
    services = service_points(territory.code, types)
    origins = unit_origins(territory.communes, units, placement="chef-lieu",
                           mairies=territory.mairies)  # as the diagnostics place them
    access = access_table(origins, nearest_by_type(origins, services, model, types=types))
    return access, access_method_label(model, origins), offer_record(services, model)


def compute_zones(code: str, *, params_path: str | Path | None = None,
                  territory: Territory | None = None, travel: str = "crowfly") -> RunOutcome:
    """Run the zones method for ``code`` and save it (the territory too if not yet saved)."""
    started = time.perf_counter()
    params = load_params(params_path)
    if territory is None:
        territory, saved = held_territory(code)
        dep = Departement.objects.get(code=territory.code)
    else:
        dep = Departement.objects.filter(code=territory.code).first()
        saved = dep is None
        if dep is None:
            dep = save_territory(territory)
    model = model_from_spec(travel, crs=int(territory.departement["crs"]))
    sources, qpv, inputs = load_sources(territory.code)
    units = analysis_units(territory.communes, sources)
    qpv_label = next((i["source"] for i in inputs if i["type"] == "qpv"), "")
    qpv_vintage = next((i["millesime"] for i in inputs if i["type"] == "qpv"), "")
    needs = needs_table(units, sources, qpv, qpv_label=qpv_label, qpv_vintage=qpv_vintage)
    access, access_label, offer = access_times(territory, units, params, model)
    result = priority_zones(units, needs, access, params)
    names = {("epci", r.code): r.nom for r in territory.epci.itertuples()}
    names |= {("scot", r.code): r.nom for r in territory.scot.itertuples()}
    inputs = [{"type": "territoire", "source": territory.departement["source"]},
              offer, *inputs]
    run = save_zones_run(result, dep, inputs=inputs, access_method=access_label, names=names)
    logger.info("calcul de zones : n° %s département=%s paramètres=%s déplacement=%s "
                "durée=%.1f s par=%s", run.pk, dep.code, params.label, travel,
                time.perf_counter() - started, current_actor())
    return RunOutcome(run=run, result=result, territory_saved=saved)
