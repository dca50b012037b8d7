"""Compute and save a zones run for a département: territory, imported needs, access times
from sdaasp's accessibility engine, the method with a parameter file. Called by
``sdaasp zones`` (a long job, outside web requests)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from sdaasp.access import nearest_by_type
from sdaasp.access.diagnostic import frame_hash
from sdaasp.actor import current_actor
from sdaasp.diagnostic.runs.inputs import service_points
from sdaasp.diagnostic.territory.loading import held_territory
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.territory.services import save_territory
from sdaasp.diagnostic.zones import models
from sdaasp.diagnostic.zones.services import load_sources, save_zones_run
from sdaasp.needs import ZonesResult, analysis_units, load_params, needs_table, priority_zones
from sdaasp.needs.params import Params
from sdaasp.territory import Territory
from sdaasp.travel import TravelModel, model_from_spec
from sdaasp.travel.crowfly import CrowflyConfig, context_from_density

logger = logging.getLogger("sdaasp.zones")


@dataclass
class RunOutcome:
    run: models.ZonesRun
    result: ZonesResult
    territory_saved: bool


def unit_origins(territory: Territory, units: pd.DataFrame) -> pd.DataFrame:
    """One origin per unit (a point inside its polygon, weighted by its population), with the
    density context of its commune, as the accessibility engine's origins."""
    com = territory.communes
    area_km2 = com.geometry.area.to_numpy() / 1e6
    pop = pd.to_numeric(com["population"], errors="coerce").astype(float).to_numpy()
    context = pd.Series(context_from_density(pop, area_km2, CrowflyConfig()),
                        index=com["code"].to_numpy())
    xy = shapely.get_coordinates(units.geometry.representative_point().to_numpy())
    is_iris = (units["level"] == "iris").to_numpy()
    return pd.DataFrame({
        "origin_id": units["unit_code"].to_numpy(), "x": xy[:, 0], "y": xy[:, 1],
        "population": units["population"].to_numpy(dtype=float),
        "commune_code": units["commune_code"].to_numpy(),
        "iris_code": np.where(is_iris, units["unit_code"].to_numpy(), None),
        "context": units["commune_code"].map(context).fillna(1).astype(np.int8).to_numpy(),
    })


def access_times(territory: Territory, units: pd.DataFrame, params: Params,
                 model: TravelModel) -> tuple[pd.DataFrame, str, dict]:
    """Per-origin times to every type the parameters use, from the accessibility engine
    (``sdaasp.access.nearest_by_type``) and the service points of the offer (town halls at
    least). Returns the long access table, a French label and the inputs' record."""
    types = sorted({t for s in params.services for t in s.types})
    services = service_points(territory.code, types)
    origins = unit_origins(territory, units)
    near = nearest_by_type(origins, services, model, types=types)
    n, t = near.minutes.shape
    access = pd.DataFrame({
        "origin_id": np.repeat(origins["origin_id"].to_numpy(), t),
        "commune_code": np.repeat(origins["commune_code"].to_numpy(), t),
        "iris_code": np.repeat(origins["iris_code"].to_numpy(), t),
        "population": np.repeat(origins["population"].to_numpy(), t),
        "type_code": np.tile(np.asarray(near.types, dtype=object), n),
        "minutes": near.minutes.ravel().astype(float),
    })
    d = model.describe()
    if d.get("kind") == "crowfly":
        speeds = "/".join(f"{v:g}" for v in d.get("speeds_kmh", ()))
        label = (f"moteur d'accessibilité sdaasp, modèle à vol d'oiseau (distance × "
                 f"{d.get('detour', '')} ; {speeds} km/h selon la densité de la commune), "
                 "depuis un point de chaque zone")
    else:
        label = f"moteur d'accessibilité sdaasp, modèle {d.get('kind')} ({d.get('source', '')})"
    counts = services["type_code"].value_counts().to_dict()
    record = {"type": "offre", "source": "points de service (offre) : " + ", ".join(
        f"{k} {v}" for k, v in sorted(counts.items())) if counts else "aucun point de service",
        "sha256": frame_hash(services) if len(services) else "", "deplacement": d}
    return access, label, record


def compute_zones(code: str, *, params_path: str | Path | None = None,
                  territory: Territory | None = None, travel: str = "crowfly") -> RunOutcome:
    """Run the zones method for ``code`` and save it (the territory too if not yet saved)."""
    started = time.perf_counter()
    params = load_params(params_path)
    model = model_from_spec(travel)
    if territory is None:
        territory, saved = held_territory(code)
        dep = Departement.objects.get(code=territory.code)
    else:
        dep = Departement.objects.filter(code=territory.code).first()
        saved = dep is None
        if dep is None:
            dep = save_territory(territory)
    sources, qpv, inputs = load_sources(territory.code)
    units = analysis_units(territory.communes, sources)
    qpv_label = next((i["source"] for i in inputs if i["type"] == "qpv"), "")
    qpv_vintage = next((i["millesime"] for i in inputs if i["type"] == "qpv"), "")
    needs = needs_table(units, sources, qpv, qpv_label=qpv_label, qpv_vintage=qpv_vintage)
    access, access_label, offer_record = access_times(territory, units, params, model)
    result = priority_zones(units, needs, access, params)
    names = {("epci", r.code): r.nom for r in territory.epci.itertuples()}
    names |= {("scot", r.code): r.nom for r in territory.scot.itertuples()}
    inputs = [{"type": "territoire", "source": territory.departement["source"]},
              offer_record, *inputs]
    run = save_zones_run(result, dep, inputs=inputs, access_method=access_label, names=names)
    logger.info("calcul de zones : n° %s département=%s paramètres=%s déplacement=%s "
                "durée=%.1f s par=%s", run.pk, dep.code, params.label, travel,
                time.perf_counter() - started, current_actor())
    return RunOutcome(run=run, result=result, territory_saved=saved)
