"""The platform's main menu, built from a small registry of (French label, URL name).

Each domain app only has to provide the URL name listed here (``offer:default``,
``diagnostics:index``…): entries whose URL name does not resolve yet are skipped silently, so
the menu grows as apps are merged, without touching the layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    """One entry of the main menu.

    ``namespaces`` are the URL namespaces (app names) whose pages mark this entry as the
    current one (``aria-current="page"``); without them, the pages under the entry's URL do
    (the scheme app serves both /schema/ and /suivi/, two entries of the menu).
    """

    label: str
    url_name: str
    namespaces: tuple[str, ...] = ()


#: The main menu, in display order. Other apps provide the URL names; none is required.
MAIN_MENU: tuple[NavItem, ...] = (
    NavItem("Accueil", "home"),
    NavItem("Territoire", "territory:default", ("territory",)),
    NavItem("Carte", "explorer:index"),
    NavItem("Offre de services", "offer:default"),
    NavItem("Diagnostic", "diagnostics:index"),
    NavItem("Zones prioritaires", "zones:index"),
    NavItem("Schéma", "scheme:default"),
    NavItem("Suivi annuel", "scheme:reporting_default"),
    NavItem("Tableaux de bord", "dashboards:index"),
    NavItem("Données", "opendata:index"),
)

#: URL names tried, in order, for the logout form of the header (first that resolves).
LOGOUT_URL_NAMES = ("logout", "scheme:logout")


def resolve(url_name: str) -> str | None:
    """The URL of ``url_name`` (no arguments), or None when no app provides it yet."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def main_menu(request: HttpRequest | None = None) -> list[dict[str, object]]:
    """The menu entries that resolve, each with ``label``, ``url`` and ``current``."""
    match = getattr(request, "resolver_match", None) if request is not None else None
    current_ns = match.namespace if match else None
    path = request.path if request is not None else ""
    items = []
    for item in MAIN_MENU:
        url = resolve(item.url_name)
        if url is None:
            continue
        if item.namespaces:
            current = current_ns in item.namespaces
        else:
            current = path == url if url == "/" else path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items


def auth_links() -> dict[str, str | None]:
    """Login and logout URLs for the header; None when the project provides no such page."""
    login = getattr(settings, "LOGIN_URL", None)
    logout = next((u for name in LOGOUT_URL_NAMES if (u := resolve(name))), None)
    return {"login_url": login, "logout_url": logout}
