"""Where sdaasp keeps its files: ``SDAASP_DATA_DIR`` (``./var`` by default).

The settings only compute these paths; importing them writes nothing. :func:`prepare` is the
one step that creates the folders and the secret key file: the ``sdaasp`` command and the WSGI
entry point call it before Django starts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV = "SDAASP_DATA_DIR"
SECRET_KEY_ENV = "SDAASP_SECRET_KEY"


def data_dir() -> Path:
    """The data directory, absolute (the SQLite database, logs, downloads, exports)."""
    return Path(os.environ.get(ENV) or "var").resolve()


def log_file(base: Path | None = None) -> Path:
    return (base or data_dir()) / "logs" / "sdaasp.log"


def secret_key_file(base: Path | None = None) -> Path:
    return (base or data_dir()) / "secret_key.txt"


def read_secret_key(base: Path | None = None) -> str:
    """The key kept in the data directory, or ``""`` when :func:`prepare` has not run yet."""
    try:
        return secret_key_file(base).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def prepare(base: Path | None = None) -> Path:
    """Create the data directory, its ``logs/`` and ``static/`` folders and, unless
    ``SDAASP_SECRET_KEY`` is set, a random secret key readable by its owner only. Idempotent,
    and safe when several processes start at once (the key file is created exclusively)."""
    base = base or data_dir()
    for folder in (base, base / "logs", base / "static"):
        folder.mkdir(parents=True, exist_ok=True)
    if not os.environ.get(SECRET_KEY_ENV):
        try:
            fd = os.open(secret_key_file(base), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(secrets.token_urlsafe(50))
    return base
