"""One coordinate system inside: Lambert-93 for metropolitan France, the official local CRS
overseas (arrêté du 5 mars 2019 portant application du décret 2000-1276)."""

from __future__ import annotations

LAMBERT_93 = 2154
WGS84 = 4326

#: Official projected CRS of the overseas départements (RGAF09, RGFG95, RGR92, RGM04).
OVERSEAS_CRS = {
    "971": 5490,  # Guadeloupe — RGAF09 / UTM zone 20N
    "972": 5490,  # Martinique — RGAF09 / UTM zone 20N
    "973": 2972,  # Guyane — RGFG95 / UTM zone 22N
    "974": 2975,  # La Réunion — RGR92 / UTM zone 40S
    "976": 4471,  # Mayotte — RGM04 / UTM zone 38S
}


def crs_for_departement(code: str) -> int:
    """EPSG code of the projected CRS used for the département ``code``."""
    return OVERSEAS_CRS.get(code, LAMBERT_93)
