"""Server-side map of a zones run (PNG or PDF) for reports, drawn with matplotlib (Agg).

Layers: SCoT territories (the scheme's legend), QPV, deficit territories, priority zones.
Status is never shown by colour alone: deficit territories are hatched, priority zones are
filled and outlined, QPV are outlined in black; the legend names every layer.
"""

from __future__ import annotations

import io
import math

import geopandas as gpd
import shapely
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sdaasp.diagnostic.zones import models

LAYERS = ("scot", "qpv", "deficitaires", "prioritaires")
DEFICIT_EDGE = "#B35806"
PRIORITY_FILL = "#D7301F"


def _series(geojsons: list[str]) -> gpd.GeoSeries:
    return gpd.GeoSeries(shapely.from_geojson(geojsons) if geojsons else [], crs=4326)


def render_map(run: models.ZonesRun, scots: list[tuple[str, str, str]], *, fmt: str,
               layers: tuple[str, ...] = LAYERS) -> bytes:
    """The map of ``run`` as PNG or PDF bytes. ``scots``: (name, colour, GeoJSON) rows."""
    fig = Figure(figsize=(11.7, 8.3), dpi=150 if fmt == "png" else 100)
    ax = fig.add_axes((0.02, 0.06, 0.62, 0.86))
    handles = []
    units = run.units.all()
    all_units = _series(list(units.values_list("geojson", flat=True)))
    all_units.plot(ax=ax, facecolor="#f4f4f4", edgecolor="#bbbbbb", linewidth=0.15)
    if "scot" in layers:
        for nom, colour, gj in scots:
            _series([gj]).plot(ax=ax, facecolor=colour, alpha=0.35, edgecolor=colour,
                               linewidth=1.2)
            handles.append(Patch(facecolor=colour, alpha=0.5, edgecolor=colour,
                                 label=f"SCoT {nom}"))
    if "deficitaires" in layers:
        gj = list(units.filter(acces="déficitaire").values_list("geojson", flat=True))
        if gj:
            _series(gj).plot(ax=ax, facecolor="none", edgecolor=DEFICIT_EDGE, hatch="////",
                             linewidth=0.6)
        handles.append(Patch(facecolor="none", edgecolor=DEFICIT_EDGE, hatch="////",
                             label=f"Territoires déficitaires ({len(gj)})"))
    if "prioritaires" in layers:
        gj = list(units.filter(statut="prioritaire").values_list("geojson", flat=True))
        if gj:
            _series(gj).plot(ax=ax, facecolor=PRIORITY_FILL, alpha=0.8, edgecolor="#000000",
                             linewidth=0.8)
        handles.append(Patch(facecolor=PRIORITY_FILL, edgecolor="#000000",
                             label=f"Zones prioritaires du SDAASP ({len(gj)})"))
    if "qpv" in layers:
        gj = list(models.Qpv.objects.of_departement(run.departement_id)
                  .values_list("geojson", flat=True))
        if gj:
            _series(gj).plot(ax=ax, facecolor="none", edgecolor="#000000", linewidth=1.0)
        handles.append(Patch(facecolor="none", edgecolor="#000000",
                             label=f"Quartiers prioritaires de la politique de la ville "
                                   f"({len(gj)})" if gj else "QPV : non importés"))
    minx, miny, maxx, maxy = all_units.total_bounds if len(all_units) else (0, 0, 1, 1)
    lat = (miny + maxy) / 2
    ax.set_aspect(1 / max(math.cos(math.radians(lat)), 0.1))
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_axis_off()
    fig.suptitle(f"{run.departement.nom} : territoires déficitaires et zones prioritaires",
                 fontsize=14, x=0.02, ha="left")
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.66, 0.9), frameon=False,
               fontsize=9, title="Légende", title_fontsize=11, alignment="left")
    note = (f"Calcul n° {run.pk} du {run.created_at:%d/%m/%Y} — paramètres "
            f"{run.params_name} v{run.params_version} ({run.params_sha256[:12]}) — "
            f"accessibilité : {run.access_method}. Sources : "
            + "; ".join(sorted({i.get('source', '') for i in run.inputs if i.get('source')})))
    fig.text(0.02, 0.015, note, fontsize=6, wrap=True, va="bottom")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata={"Title": "Zones prioritaires"} if fmt == "pdf"
                else None)
    return buf.getvalue()
