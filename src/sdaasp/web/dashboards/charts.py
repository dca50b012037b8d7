"""Chart registry and a dependency-free SVG bar chart (no JavaScript, prints well).

Each chart is drawn server-side as SVG with a ``<title>``/``<desc>`` and is always followed by
a table of the same figures (its text alternative, RGAA 1.3 / WCAG 1.1.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class ChartData:
    """Figures of a bar chart; ``None`` values are "non disponible" (missing is not zero)."""

    labels: Sequence[str]
    values: Sequence[float | None]
    unit: str = ""
    source: str = ""
    value_label: str = "Valeur"
    category_label: str = "Catégorie"


@dataclass(frozen=True)
class Chart:
    """A dashboard chart: ``provider(departement) -> ChartData | None``.

    ``unavailable`` tells the user what is missing when the provider returns None.
    """

    id: str
    title: str
    provider: Callable[[object], ChartData | None]
    unavailable: str = "Aucune donnée pour l'instant."
    order: int = 100


_CHARTS: dict[str, Chart] = {}


def register_chart(chart: Chart) -> None:
    """Add or replace (same id) a chart; idempotent, for ``AppConfig.ready()``."""
    _CHARTS[chart.id] = chart


def registered_charts() -> list[Chart]:
    return sorted(_CHARTS.values(), key=lambda c: (c.order, c.id))


def fmt(value: float | None, decimals: int = 0) -> str:
    """French number formatting (narrow no-break space thousands, decimal comma)."""
    if value is None:
        return "non disponible"
    return number_format(value, decimal_pos=decimals, force_grouping=True)


def bar_chart_svg(data: ChartData, *, title: str, chart_id: str, width: int = 760) -> SafeString:
    """Horizontal bars, one per label, each labelled with its value (not colour alone)."""
    bar_h, gap, label_w, value_w, top = 22, 8, 250, 110, 8
    n = len(data.labels)
    height = top * 2 + n * (bar_h + gap)
    known = [v for v in data.values if v is not None]
    vmax = max(known) if known and max(known) > 0 else 1.0
    plot_w = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">Diagramme en barres horizontales ; les valeurs exactes '
        f"figurent dans le tableau qui suit.</desc>",
    ]
    for i, (label, value) in enumerate(zip(data.labels, data.values, strict=True)):
        y = top + i * (bar_h + gap)
        text = escape(label if len(label) <= 34 else label[:33] + "…")
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.72:.1f}" '
                     f'text-anchor="end" font-size="13">{text}</text>')
        if value is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + bar_h * 0.72:.1f}" font-size="13" '
                         f'font-style="italic">non disponible</text>')
            continue
        w = max(plot_w * value / vmax, 1.0)
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                     f'fill="#0b5394"/>')
        shown = fmt(value) + (f" {data.unit}" if data.unit else "")
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + bar_h * 0.72:.1f}" '
                     f'font-size="13">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text node is escaped above
