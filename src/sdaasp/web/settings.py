"""Django settings, read from the environment (no module-level mutable configuration).

- ``SDAASP_DATA_DIR``: where the SQLite database and generated files live (default ``./var``).
- ``DATABASE_URL``: a PostgreSQL URL to use instead of SQLite.
- ``SDAASP_SECRET_KEY``: secret key; otherwise one is generated once in the data directory.
- ``SDAASP_DEBUG``: ``1`` for debug mode (never in production).
- ``SDAASP_ALLOWED_HOSTS``: comma-separated host names (default: localhost only).
- ``SDAASP_ORGANISATION``: name of the organisation shown in the header.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SDAASP_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("SDAASP_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key.txt"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SDAASP_DEBUG", "") == "1"
ALLOWED_HOSTS = os.environ.get("SDAASP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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

_default_db = f"sqlite:///{DATA_DIR / 'sdaasp.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db, conn_max_age=0
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)

def _leaflet_static() -> Path:
    """Leaflet as shipped by the PyPI package django-leaflet (its app needs GDAL: we only take
    its static files)."""
    spec = importlib.util.find_spec("leaflet")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "static"


STATICFILES_DIRS = [BASE_DIR / "static", _leaflet_static()]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

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
