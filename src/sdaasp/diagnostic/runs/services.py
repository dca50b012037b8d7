"""The one write path of the app: store a diagnostic result, all at once."""

from __future__ import annotations

import logging
import math

from django.db import transaction

from sdaasp.access.diagnostic import DiagnosticResult
from sdaasp.actor import current_actor
from sdaasp.diagnostic.runs.models import SUMMARY_FIELDS, AccessSummary, DiagnosticRun
from sdaasp.diagnostic.territory.models import Departement

logger = logging.getLogger("sdaasp.diagnostic")


def _clean(v: object) -> float | None:
    """NaN and infinities are not stored as numbers: missing is not zero."""
    if v is None:
        return None
    f = float(v)  # type: ignore[arg-type]
    return f if math.isfinite(f) else None


@transaction.atomic
def save_diagnostic(result: DiagnosticResult, *, label: str = "") -> DiagnosticRun:
    """Store a run and its summaries in one transaction (the territory must be saved first)."""
    dep = Departement.objects.get(code=result.territory_code)
    run = DiagnosticRun.objects.create(
        departement=dep, label=label, travel_kind=str(result.travel.get("kind", "")),
        travel=_jsonable(result.travel), origins_kind=str(result.inputs["origins"]["kind"]),
        origins=_jsonable(result.inputs["origins"]), parameters=_jsonable(result.parameters),
        inputs=_jsonable(result.inputs), code_version=str(result.parameters["code_version"]),
        types=list(result.nearest.types), warnings=list(result.warnings),
    )
    rows = result.summaries.to_dict("records")
    AccessSummary.objects.bulk_create([
        AccessSummary(run=run, niveau=r["niveau"], code=str(r["code"]), type_code=r["type_code"],
                      **{f: _clean(r[f]) for f in SUMMARY_FIELDS})
        for r in rows
    ], batch_size=2000)
    logger.info("diagnostic enregistré : n° %s département=%s déplacement=%s origines=%s "
                "types=%s paramètres=%s par=%s", run.pk, dep.code, run.travel_kind,
                run.origins_kind, ",".join(run.types), _jsonable(result.parameters),
                current_actor())
    return run


def _jsonable(v: object) -> object:
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if hasattr(v, "item"):  # NumPy scalars
        return _jsonable(v.item())  # type: ignore[union-attr]
    return v
