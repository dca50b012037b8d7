"""Accessibility indicators: nearest, k nearest, counts, basket, 2SFCA/E2SFCA, gravity, and
population-weighted aggregation by commune, EPCI, SCoT and département; the diagnostic and the
long access table of the zones method. Notebook use: docs/api.md."""

from sdaasp.access.aggregate import OBSERVATOIRE_CLASSES, THRESHOLDS, summarise, summarise_by_type
from sdaasp.access.diagnostic import DiagnosticResult, build_origins, run_diagnostic
from sdaasp.access.fca import (
    DECAY_PRESETS,
    DREES_APL_2012,
    DREES_APL_2015,
    LUO_QI_2009,
    StepDecay,
    enhanced_two_stage_fca,
    gravity_access,
    power_decay,
    two_stage_fca,
)
from sdaasp.access.indicators import (
    SERVICE_COLUMNS,
    NearestByType,
    basket_minutes,
    catchment,
    count_within,
    k_nearest,
    nearest_by_type,
    time_status,
)
from sdaasp.access.origins import (
    commune_origins,
    grid_from_communes,
    iris_origins,
    read_filosofi_grid,
    unit_origins,
)
from sdaasp.access.table import access_table

__all__ = [
    "DECAY_PRESETS", "DREES_APL_2012", "DREES_APL_2015", "LUO_QI_2009", "OBSERVATOIRE_CLASSES",
    "SERVICE_COLUMNS", "THRESHOLDS", "DiagnosticResult", "NearestByType", "StepDecay",
    "access_table", "basket_minutes", "build_origins", "catchment", "commune_origins",
    "count_within", "enhanced_two_stage_fca", "gravity_access", "grid_from_communes",
    "iris_origins", "k_nearest", "nearest_by_type", "power_decay", "read_filosofi_grid",
    "run_diagnostic", "summarise", "summarise_by_type", "time_status", "two_stage_fca",
    "unit_origins",
]

