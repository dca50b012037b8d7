"""Settings common to every environment, read from the environment.

Importing a settings module writes nothing: the data directory, its ``logs/`` and the secret
key file are created by :func:`sdaasp.datadir.prepare` (called by the ``sdaasp`` command and
the WSGI entry point). Each environment module (``dev``, ``test``, ``production``) starts
with ``from sdaasp.web.settings.base import *`` and sets ``SECRET_KEY`` and what differs.

Environment variables (all optional here; ``production`` requires some):

- ``SDAASP_DATA_DIR``: where the SQLite database, logs and generated files live (``./var``).
- ``DATABASE_URL``: a PostgreSQL URL to use instead of SQLite.
- ``SDAASP_ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
- ``SDAASP_LOG_LEVEL``: level of sdaasp's own log lines (``INFO`` by default).
- ``SDAASP_ORGANISATION``, ``SDAASP_DEPARTEMENT``, ``SDAASP_LOGO_URL``, ``SDAASP_TILE_URL``,
  ``SDAASP_ACCESSIBILITY_CONTACT``: what the platform shows.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE

from sdaasp import datadir
from sdaasp.logs import logging_config


def env_flag(name: str, default: bool = False) -> bool:
    """``1``, ``oui``, ``true`` or ``yes`` (any case) is true; unset is ``default``."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "oui", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent  # the sdaasp.web package
DATA_DIR = datadir.data_dir()

SECRET_KEY = ""  # set by each environment
DEBUG = False
ALLOWED_HOSTS = env_list("SDAASP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "sdaasp.diagnostic.territory",
    "sdaasp.web.pages",
    "sdaasp.web.explorer",
    "sdaasp.web.opendata",
    "sdaasp.web.dashboards",
    "sdaasp.diagnostic.offer",
    "sdaasp.diagnostic.runs",
    "sdaasp.scheme.organisations",
    "sdaasp.scheme.history",
    "sdaasp.scheme.procedure",
    "sdaasp.scheme.strategy",
    "sdaasp.scheme.governance",
    "sdaasp.scheme.programme",
    "sdaasp.scheme.convention",
    "sdaasp.scheme.reporting",
    "sdaasp.diagnostic.zones",
]

MIDDLEWARE = [
    "sdaasp.web.access_log.AccessLogMiddleware",  # first: times and logs every response
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sdaasp.web.urls"
WSGI_APPLICATION = "sdaasp.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sdaasp.web.context.platform",
            ],
        },
    },
]


def database(data_dir: Path) -> dict[str, object]:
    """``DATABASE_URL`` if set, else SQLite in the data directory."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir / 'sdaasp.sqlite3'}"
    db = dj_database_url.parse(url, conn_max_age=0)
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("OPTIONS", {})["timeout"] = 30  # type: ignore[union-attr]
    return db


DATABASES = {"default": database(DATA_DIR)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"  # created by datadir.prepare(); ``collectstatic`` fills it


def _leaflet_static() -> Path:
    """Leaflet as shipped by the PyPI package django-leaflet (its app needs GDAL: we only take
    its static files)."""
    spec = importlib.util.find_spec("leaflet")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "static"


STATICFILES_DIRS = [BASE_DIR / "static", _leaflet_static()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

LOGIN_URL = "/connexion/"

SDAASP_ORGANISATION = os.environ.get("SDAASP_ORGANISATION", "")
SDAASP_DEFAULT_DEPARTEMENT = os.environ.get("SDAASP_DEPARTEMENT", "59")
SDAASP_LOGO_URL = os.environ.get("SDAASP_LOGO_URL", "")  # else DATA_DIR/logo.svg|png|jpg
SDAASP_TILE_URL = os.environ.get("SDAASP_TILE_URL", "")  # optional background tiles
SDAASP_ACCESSIBILITY_CONTACT = os.environ.get("SDAASP_ACCESSIBILITY_CONTACT", "")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOG_LEVEL = os.environ.get("SDAASP_LOG_LEVEL", "INFO").upper()
LOGGING = logging_config(datadir.log_file(DATA_DIR), level=LOG_LEVEL, console_level=LOG_LEVEL)


def tile_origin(url: str) -> str | None:
    """The origin of a Leaflet tile URL template, for the CSP (``{s}`` subdomains → ``*``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


#: The map form's ``onsubmit="return false"`` (explorer/map.html): allowed by its hash only.
_RETURN_FALSE = "'sha256-GZIcz60Uwd6wT3vaYke/atSr53TehbYAPepOa3d03Vw='"
_TILES = [o for o in [tile_origin(SDAASP_TILE_URL)] if o]

# Content-Security-Policy (django-csp): only the platform's own scripts, styles and images.
# 'unsafe-inline' for styles stays until the templates' style attributes and <style> block
# move to the stylesheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_HASHES, _RETURN_FALSE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", *_TILES],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
