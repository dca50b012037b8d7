"""Needs of the population, deficit territories and priority zones (pure core, no Django).

Pipeline: importers (:mod:`~sdaasp.needs.insee`, :mod:`~sdaasp.needs.qpv`) →
:func:`analysis_units` and :func:`needs_table` → :func:`priority_zones` with a
:class:`Params` file and the long access table of :func:`sdaasp.access.access_table`. Method
and sources: docs/methods.md; user guide: docs/needs.md; notebook use: docs/api.md.
"""

from sdaasp.needs.catalogue import DIMENSIONS, ENABLING_FILES, INDICATORS
from sdaasp.needs.indicators import analysis_units, needs_table
from sdaasp.needs.insee import read_census, read_coverage, read_filosofi, read_mel_iris
from sdaasp.needs.method import ZonesResult, access_types, priority_zones
from sdaasp.needs.params import Params, load_params
from sdaasp.needs.qpv import population_in_qpv, read_qpv
from sdaasp.needs.sources import NeedsSource

#: Importers by ``--source`` name of ``sdaasp needs import``.
READERS = {
    "recensement": read_census,
    "filosofi": read_filosofi,
    "mel-iris-2019": read_mel_iris,
    "couverture": read_coverage,
}

__all__ = [
    "DIMENSIONS", "ENABLING_FILES", "INDICATORS", "READERS", "NeedsSource", "Params",
    "ZonesResult", "access_types", "analysis_units", "load_params", "needs_table",
    "population_in_qpv", "priority_zones", "read_census", "read_coverage", "read_filosofi",
    "read_mel_iris", "read_qpv",
]
