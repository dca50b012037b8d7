"""The catalogue of downloadable files and their cache in ``DATA_DIR/exports``.

A file is written once per build of the territory (the cache folder is named after the
département's ``built_at`` time), so a rebuild invalidates it without any bookkeeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from sdaasp.diagnostic.territory.loading import load_territory
from sdaasp.diagnostic.territory.models import Departement
from sdaasp.territory.export import export_territory

LEVEL_LABELS = {
    "territoire": "Territoire complet (département, SCoT, EPCI, communes, mairies)",
    "communes": "Communes",
    "epci": "EPCI",
    "scot": "Territoires SCoT",
    "mairies": "Mairies",
}
FORMAT_LABELS = {
    "gpkg": ("GeoPackage", "application/geopackage+sqlite3",
             "pour QGIS : une couche par niveau, Lambert-93"),
    "csv": ("CSV", "text/csv; charset=utf-8",
            "pour un tableur : séparateur « ; », virgule décimale, point représentatif"),
    "geojson": ("GeoJSON", "application/geo+json", "coordonnées WGS84"),
}


@dataclass(frozen=True)
class Download:
    level: str
    fmt: str

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS[self.fmt][0]

    @property
    def description(self) -> str:
        return FORMAT_LABELS[self.fmt][2]

    @property
    def content_type(self) -> str:
        return FORMAT_LABELS[self.fmt][1]

    def filename(self, code: str) -> str:
        return f"sdaasp-{code}-{self.level}.{self.fmt}"


#: Every file offered, in display order. The GeoPackage holds every level.
CATALOGUE = (
    Download("territoire", "gpkg"),
    *(Download(level, fmt) for level in ("communes", "epci", "scot", "mairies")
      for fmt in ("csv", "geojson")),
)


def find(level: str, fmt: str) -> Download | None:
    return next((d for d in CATALOGUE if d.level == level and d.fmt == fmt), None)


def cached_file(dep: Departement, download: Download) -> Path:
    """The export file of ``download`` for ``dep``, written on first request."""
    stamp = dep.built_at.strftime("%Y%m%dT%H%M%S%f")
    folder = Path(settings.DATA_DIR) / "exports" / dep.code / stamp
    path = folder / download.filename(dep.code)
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        level = "communes" if download.level == "territoire" else download.level
        export_territory(load_territory(dep), path, fmt=download.fmt, level=level)
    return path
