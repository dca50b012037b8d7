"""sdaasp — accessibility of services to the public, from diagnostic to annual reporting.

The core packages (``territory``, ``offer``, ``travel``, ``access``, ``needs``) import no
Django: they take and return pandas / GeoPandas / NumPy objects. ``web`` and ``scheme`` are the
Django side that persists, serves and schedules.
"""

__version__ = "0.1.0"
