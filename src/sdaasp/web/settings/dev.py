"""The embedded default: ``make demo``, the ``sdaasp`` command, a workstation.

SQLite in ``SDAASP_DATA_DIR`` unless ``DATABASE_URL``; the secret key from
``SDAASP_SECRET_KEY``, else from ``SDAASP_DATA_DIR/secret_key.txt`` (created by the
``sdaasp`` command and the WSGI entry point, never by importing this module).
``SDAASP_DEBUG=1`` turns Django's debug pages on.
"""

from __future__ import annotations

import os

from sdaasp import datadir
from sdaasp.web.settings.base import *  # noqa: F403
from sdaasp.web.settings.base import DATA_DIR, env_flag

SECRET_KEY = os.environ.get(datadir.SECRET_KEY_ENV) or datadir.read_secret_key(DATA_DIR)
DEBUG = env_flag("SDAASP_DEBUG")
WHITENOISE_AUTOREFRESH = DEBUG
