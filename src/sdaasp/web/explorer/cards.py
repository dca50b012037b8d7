"""The commune card of the map explorer and its documented hook.

The card always shows the commune's population, EPCI and SCoT, then one section per entry of
:data:`CARD_SECTIONS`. A section shows "non disponible" until an app registers a provider::

    from sdaasp.web.explorer.cards import CardRow, register_card_provider

    def times_to_services(commune):          # commune: sdaasp.web.territory.models.Commune
        return [CardRow("Bureau de poste", "7 min")]   # or None / [] when no data

    register_card_provider("acces", times_to_services)   # in your AppConfig.ready()

Missing is not zero: a provider returns None (or an empty list) when it has no data for this
commune, and the card says "non disponible" rather than a zero.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Section key → French title, in display order.
CARD_SECTIONS: dict[str, str] = {
    "acces": "Temps d'accès aux services",
    "besoins": "Besoins de la population",
    "zones": "Zones prioritaires",
    "actions": "Actions du schéma qui la concernent",
}


@dataclass(frozen=True)
class CardRow:
    label: str
    value: str
    url: str = ""


Provider = Callable[[object], list[CardRow] | None]
_PROVIDERS: dict[str, list[Provider]] = {}


def register_card_provider(section: str, provider: Provider) -> None:
    """Add ``provider`` to ``section`` (one of :data:`CARD_SECTIONS`); idempotent."""
    if section not in CARD_SECTIONS:
        raise ValueError(f"unknown card section {section!r}; one of {sorted(CARD_SECTIONS)}")
    providers = _PROVIDERS.setdefault(section, [])
    if provider not in providers:
        providers.append(provider)


def unregister_card_provider(section: str, provider: Provider) -> None:
    if provider in _PROVIDERS.get(section, []):
        _PROVIDERS[section].remove(provider)


def card_sections(commune: object) -> list[dict[str, object]]:
    """Each section with its rows; ``rows`` is empty when no provider has data."""
    out = []
    for key, title in CARD_SECTIONS.items():
        rows: list[CardRow] = []
        for provider in _PROVIDERS.get(key, []):
            rows.extend(provider(commune) or [])
        out.append({"key": key, "title": title, "rows": rows})
    return out
