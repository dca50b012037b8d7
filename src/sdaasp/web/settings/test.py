"""pytest's settings (``DJANGO_SETTINGS_MODULE`` in pyproject.toml): a fixed key, a fast
password hasher, e-mails kept in memory, and no log file unless ``SDAASP_LOG_FILE=1``
(the console shows warnings; pytest's ``caplog`` still sees every sdaasp line)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sdaasp import datadir
from sdaasp.logs import logging_config
from sdaasp.web.settings.base import *  # noqa: F403
from sdaasp.web.settings.base import DATA_DIR, LOG_LEVEL, env_flag

SECRET_KEY = "tests-only-not-secret-" + "x" * 40
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = None  # the tests serve static files through the finders only
LOGGING = logging_config(datadir.log_file(DATA_DIR) if env_flag("SDAASP_LOG_FILE") else None,
                         level=LOG_LEVEL, console_level="WARNING")

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file rather than Django's in-memory test database: the live server's threads (browser
    # tests) then open their own connections instead of sharing the test's one, which
    # concurrent requests can deadlock.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"sdaasp-test-{os.getpid()}.sqlite3")}
