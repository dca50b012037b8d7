"""Production, behind an HTTPS reverse proxy (see docs/deploiement.md).

Refuses to start without ``SDAASP_SECRET_KEY`` and ``SDAASP_ALLOWED_HOSTS``. Debug is off
whatever the environment says; cookies are secure, HTTP is redirected to HTTPS and browsers
are told to stay on HTTPS (HSTS). Environment variables:

- ``SDAASP_SECRET_KEY`` (required): at least 50 random characters.
- ``SDAASP_ALLOWED_HOSTS`` (required): the public host names, comma-separated.
- ``SDAASP_PROXY_SSL_HEADER``: the header by which the proxy says the request came in HTTPS,
  e.g. ``X-Forwarded-Proto`` (its value must then be ``https``).
- ``SDAASP_CSRF_TRUSTED_ORIGINS``: extra origins for forms, e.g. ``https://sdaasp.lenord.fr``.
- ``SDAASP_SSL_REDIRECT`` (``1``): redirect HTTP to HTTPS (``0`` if the proxy does it).
- ``SDAASP_SECURE_COOKIES`` (``1``): session and CSRF cookies sent over HTTPS only.
- ``SDAASP_HSTS_SECONDS`` (one year), ``SDAASP_HSTS_INCLUDE_SUBDOMAINS`` (``1``),
  ``SDAASP_HSTS_PRELOAD`` (``0``).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from sdaasp.web.settings.base import *  # noqa: F403
from sdaasp.web.settings.base import env_flag, env_list

_SEE = "voir docs/deploiement.md"


def _required(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Réglage de production manquant : la variable d'environnement {name} ({what}) "
            f"doit être définie ; {_SEE}.")
    return value


def _proxy_ssl_header(header: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` → ``("HTTP_X_FORWARDED_PROTO", "https")``."""
    if not header:
        return None
    return "HTTP_" + header.strip().upper().replace("-", "_"), "https"


SECRET_KEY = _required("SDAASP_SECRET_KEY", "clé secrète, au moins 50 caractères aléatoires")
ALLOWED_HOSTS = env_list("SDAASP_ALLOWED_HOSTS") or [
    _required("SDAASP_ALLOWED_HOSTS", "noms d'hôte publics, séparés par des virgules")]
DEBUG = False

SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(os.environ.get("SDAASP_PROXY_SSL_HEADER", ""))
CSRF_TRUSTED_ORIGINS = env_list("SDAASP_CSRF_TRUSTED_ORIGINS")
SECURE_SSL_REDIRECT = env_flag("SDAASP_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_flag("SDAASP_SECURE_COOKIES", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SDAASP_HSTS_SECONDS") or 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SDAASP_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SDAASP_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a commitment the operator makes by submitting the domain to the browsers'
    # list; it stays their choice (SDAASP_HSTS_PRELOAD=1), not a warning of every check.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
