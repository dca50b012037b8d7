"""The commune card of the map explorer and its documented hook.

The card always shows the commune's population, EPCI and SCoT, then one section per entry of
:data:`CARD_SECTIONS`. A section shows "non disponible" until an app registers a provider::

    from sdaasp.web.explorer.cards import CardRow, register_card_provider

    def times_to_services(commune):          # commune: sdaasp.diagnostic.territory.models.Commune
        return [CardRow("Bureau de poste", "7 min")]   # or None / [] when no data

    register_card_provider("acces", times_to_services)   # in your AppConfig.ready()

A provider whose content depends on who is looking (a draft scheme's actions) registers with
``with_user=True`` and is called ``provider(commune, user)`` (``user`` may be anonymous).

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
    example: bool = False  # synthetic content: shown with the "exemple (fictif)" badge


Provider = Callable[[object], list[CardRow] | None]
_PROVIDERS: dict[str, list[Provider]] = {}
_WITH_USER: set[Provider] = set()


def register_card_provider(section: str, provider: Provider, *,
                           with_user: bool = False) -> None:
    """Add ``provider`` to ``section`` (one of :data:`CARD_SECTIONS`); idempotent.

    ``with_user``: the provider also receives the visitor, to show only what they may see.
    """
    if section not in CARD_SECTIONS:
        raise ValueError(f"unknown card section {section!r}; one of {sorted(CARD_SECTIONS)}")
    providers = _PROVIDERS.setdefault(section, [])
    if provider not in providers:
        providers.append(provider)
    if with_user:
        _WITH_USER.add(provider)


def unregister_card_provider(section: str, provider: Provider) -> None:
    if provider in _PROVIDERS.get(section, []):
        _PROVIDERS[section].remove(provider)
    _WITH_USER.discard(provider)


def card_sections(commune: object, user: object = None) -> list[dict[str, object]]:
    """Each section with its rows; ``rows`` is empty when no provider has data.
    ``user`` is the visitor (None: treated as the public by user-aware providers)."""
    out = []
    for key, title in CARD_SECTIONS.items():
        rows: list[CardRow] = []
        for provider in _PROVIDERS.get(key, []):
            got = provider(commune, user) if provider in _WITH_USER else provider(commune)
            rows.extend(got or [])
        out.append({"key": key, "title": title, "rows": rows})
    return out
