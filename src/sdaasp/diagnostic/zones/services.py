"""The write path of the zones app: import a needs file, save a zones run (all or nothing)."""

from __future__ import annotations

import logging
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.db import transaction

from sdaasp import __version__
from sdaasp.actor import current_actor
from sdaasp.diagnostic.offer.services import get_departement
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.diagnostic.zones import models
from sdaasp.errors import SdaaspError
from sdaasp.needs import READERS, ZonesResult, read_qpv
from sdaasp.needs.qpv import qpv_departement
from sdaasp.needs.sources import VALUE_COLUMNS, NeedsSource
from sdaasp.offer.importers import departement_of_commune
from sdaasp.territory.build import normalise_code
from sdaasp.territory.geometry import web_geojson

L93 = 2154
KINDS = [*READERS, "qpv"]

logger = logging.getLogger("sdaasp.needs")


def _num(v: object) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)  # type: ignore[arg-type]


def import_needs_file(path: str | Path, kind: str, *, departement: str) -> models.NeedsSource:
    """Read ``path`` with the importer ``kind`` and store the areas (or QPV) of one
    département, replacing an earlier import of the same file name for that département
    (idempotent) and leaving other départements' imports untouched: a national file is
    imported once per département. The département's territory must be saved. The file is
    validated completely before anything is written."""
    path = Path(path)
    if kind not in KINDS:
        raise SdaaspError(f"Type de fichier inconnu : « {kind} » (attendu : {', '.join(KINDS)}).")
    dep = get_departement(departement)
    if kind == "qpv":
        return _import_qpv(path, dep)
    src: NeedsSource = READERS[kind](path)
    values = _of_departement(src.values, dep.code)
    if values.empty:
        raise SdaaspError(f"{path.name} : aucune zone du département {dep.code} dans ce "
                          "fichier ; rien n'a été enregistré.")
    geo = {}
    names = {}
    if src.geometry is not None:
        geo = dict(zip(src.geometry["code"], shapely.to_wkb(src.geometry.geometry.to_numpy()),
                       strict=True))
        if "nom" in src.geometry:
            names = dict(zip(src.geometry["code"], src.geometry["nom"], strict=True))
    packed = (values.assign(triple=[[_num(a), _num(b), _num(c)] for a, b, c in
                                    values[["numerator", "denominator", "value"]].itertuples(
                                        index=False)])
              .groupby(["code", "commune_code"], sort=True)
              .apply(lambda g: dict(zip(g["indicator"], g["triple"], strict=True)),
                     include_groups=False))
    with transaction.atomic():
        source, _ = models.NeedsSource.objects.update_or_create(
            departement=dep, kind=kind, level=src.level, file_name=path.name,
            defaults={"label": src.label, "vintage": src.vintage, "sha256": src.sha256,
                      "indicators": src.indicators(), "definitions": src.definitions,
                      "notes": list(src.notes), "rows": len(packed)},
        )
        source.values.all().delete()
        models.NeedsValue.objects.bulk_create([
            models.NeedsValue(source=source, code=code, commune_code=com, values=vals,
                              nom=str(names.get(code, "")), geometry_wkb=geo.get(code))
            for (code, com), vals in packed.items()
        ], batch_size=1000)
    logger.info("import des besoins : fichier=%s source=%s département=%s zones_retenues=%s "
                "par=%s", path.name, kind, dep.code, len(packed), current_actor())
    return source


def _of_departement(values: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows whose commune is in département ``code``, by the exact INSEE rule (``59350``
    → ``59``, ``2A004`` → ``2A``, ``97105`` → ``971``), never a bare prefix."""
    keep = [c for c in values["commune_code"].unique() if departement_of_commune(c) == code]
    return values[values["commune_code"].isin(keep)]


def _import_qpv(path: Path, dep: Departement) -> models.NeedsSource:
    qpv, meta = read_qpv(path)
    deps = [qpv_departement(c, com) for c, com in zip(qpv["code"], qpv["communes"],
                                                       strict=True)]
    qpv = qpv[[d == dep.code for d in deps]]
    if qpv.empty:
        raise SdaaspError(f"{path.name} : aucun QPV du département {dep.code} dans ce "
                          "fichier ; rien n'a été enregistré.")
    wkb = shapely.to_wkb(qpv.geometry.to_numpy())
    gj = web_geojson(qpv.geometry, tolerance_m=5.0)
    with transaction.atomic():
        source, _ = models.NeedsSource.objects.update_or_create(
            departement=dep, kind="qpv", level="", file_name=path.name,
            defaults={"label": meta["label"], "vintage": meta["vintage"],
                      "sha256": meta["sha256"], "indicators": ["part_qpv"],
                      "definitions": {"part_qpv": "population en QPV (pondération surfacique) "
                                                  "/ population"},
                      "notes": [], "rows": len(qpv)},
        )
        source.qpvs.all().delete()
        models.Qpv.objects.bulk_create([
            models.Qpv(source=source, code=r.code, nom=r.nom, communes=r.communes,
                       geometry_wkb=w, geojson=j)
            for r, w, j in zip(qpv.itertuples(), wkb, gj, strict=True)
        ])
    logger.info("import des besoins : fichier=%s source=qpv département=%s qpv_retenus=%s "
                "par=%s", path.name, dep.code, len(qpv), current_actor())
    return source


def load_sources(departement: str) -> tuple[list[NeedsSource], gpd.GeoDataFrame | None,
                                            list[dict]]:
    """The imported needs sources of a département as core objects (most recent first),
    the union of imported QPV contours, and the list of inputs for the run record."""
    sources: list[NeedsSource] = []
    inputs: list[dict] = []
    qpv_frames = []
    for s in models.NeedsSource.objects.filter(
            departement_id=normalise_code(departement)).order_by("-imported_at", "-id"):
        inputs.append({"type": s.kind, "fichier": s.file_name, "source": s.label,
                       "millesime": s.vintage, "sha256": s.sha256})
        if s.kind == "qpv":
            rows = list(s.qpvs.values_list("code", "nom", "geometry_wkb"))
            qpv_frames.append(gpd.GeoDataFrame(
                {"code": [r[0] for r in rows], "nom": [r[1] for r in rows]},
                geometry=shapely.from_wkb([bytes(r[2]) for r in rows]), crs=L93))
            continue
        rows = list(s.values.values_list("code", "commune_code", "values", "nom", "geometry_wkb"))
        if not rows:
            continue
        long = [(code, com, ind, *triple) for code, com, vals, _, _ in rows
                for ind, triple in vals.items()]
        values = pd.DataFrame(long, columns=VALUE_COLUMNS).astype(
            {"numerator": float, "denominator": float, "value": float})
        geo = None
        with_geo = [r for r in rows if r[4] is not None]
        if with_geo:
            geo = gpd.GeoDataFrame({"code": [r[0] for r in with_geo],
                                    "nom": [r[3] for r in with_geo]},
                                   geometry=shapely.from_wkb([bytes(r[4]) for r in with_geo]),
                                   crs=L93)
        sources.append(NeedsSource(kind=s.kind, label=s.label, vintage=s.vintage,
                                   level=s.level, path=s.file_name, sha256=s.sha256,
                                   values=values.sort_values(["indicator", "code"])
                                   .reset_index(drop=True), geometry=geo,
                                   definitions=s.definitions, notes=tuple(s.notes)))
    qpv = None
    if qpv_frames:
        qpv = pd.concat(qpv_frames, ignore_index=True).drop_duplicates("code")
        qpv = gpd.GeoDataFrame(qpv, geometry="geometry", crs=L93).sort_values("code")
    return sources, qpv, inputs


def _clean(d: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


@transaction.atomic
def save_zones_run(result: ZonesResult, dep: Departement, *, inputs: list[dict],
                   access_method: str, names: dict[tuple[str, str], str]) -> models.ZonesRun:
    """Store a run and all its results in one transaction."""
    p = result.params
    z = result.zones.set_index("unit_code")
    counts = z["statut"].value_counts().to_dict()
    run = models.ZonesRun.objects.create(
        departement=dep, code_version=__version__, params_name=p.nom,
        params_version=p.version, params_sha256=p.sha256, params_path=p.path,
        inputs=inputs, access_method=access_method, digest=result.digest(),
        not_assessed=result.dimensions_not_assessed,
        services_not_assessed=result.services_not_assessed,
        summary={"statuts": {k: int(v) for k, v in counts.items()},
                 "deficitaires": int((z["acces"] == "déficitaire").sum()),
                 "unites": len(z),
                 "part_critique_pct": round(p.part_population_critique * 100),
                 "iris": int((result.units["level"] == "iris").sum()),
                 "services": [{"code": s.code, "libelle": s.libelle,
                               "seuil_minutes": s.seuil_minutes} for s in p.services]},
    )
    units = result.units
    dims = result.dimensions.pivot(index="unit_code", columns="dimension", values="status")
    ind = result.needs.pivot(index="unit_code", columns="indicator", values="value") \
        if len(result.needs) else pd.DataFrame()
    acc = result.access.pivot(index="unit_code", columns="service", values="share_beyond") \
        if len(result.access) else pd.DataFrame()
    gj = web_geojson(units.geometry, tolerance_m=20.0)
    objs = []
    for r, geom in zip(units.itertuples(), gj, strict=True):
        zr = z.loc[r.unit_code]
        objs.append(models.ZoneUnit(
            run=run, unit_code=r.unit_code, level=r.level, commune_code=r.commune_code,
            nom=r.nom, population=_num(r.population), epci_code=r.epci_code or "",
            scot_code=r.scot_code or "", acces=zr["acces"], statut=zr["statut"],
            partiel=bool(zr["partiel"]), besoins_poids=float(zr["besoins_poids"]),
            score=float(zr["score"]), motifs=zr["motifs"],
            dimensions=dims.loc[r.unit_code].to_dict() if r.unit_code in dims.index else {},
            indicators=_clean(ind.loc[r.unit_code].to_dict()) if r.unit_code in ind.index
            else {},
            deficits=_clean(acc.loc[r.unit_code].to_dict()) if r.unit_code in acc.index
            else {},
            geojson=geom,
        ))
    models.ZoneUnit.objects.bulk_create(objs, batch_size=500)
    t = result.territories
    share_cols = [c for c in t.columns if c not in ("level", "code", "critiques",
                                                    "nb_critiques", "multiples")]
    models.ZoneTerritory.objects.bulk_create([
        models.ZoneTerritory(
            run=run, level=row["level"], code=row["code"],
            nom=names.get((row["level"], row["code"]), row["code"]),
            shares=_clean({c: float(row[c]) if pd.notna(row[c]) else np.nan
                           for c in share_cols}),
            critiques=row["critiques"], nb_critiques=int(row["nb_critiques"]),
            multiples=bool(row["multiples"]),
        ) for row in t.to_dict("records")
    ])
    return run
