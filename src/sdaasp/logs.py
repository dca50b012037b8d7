"""The logging configuration shared by every settings module, and the console switch of the
``sdaasp`` command.

Lines read « 2026-11-29 12:00:00 INFO sdaasp.offer import de l'offre : … ». Loggers are named
``sdaasp.<domain>`` (``sdaasp.offer``, ``sdaasp.needs``, ``sdaasp.diagnostic``,
``sdaasp.zones``, ``sdaasp.scheme``, ``sdaasp.web``, ``sdaasp.cli``); waitress and Django go
through the same handlers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
#: Size of one log file before rotation, and how many old files are kept.
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 10


class ConsoleGate(logging.Filter):
    """Lets the console handler be muted by the ``sdaasp`` command: its own output is the
    user's interface, the log goes to the file. A class attribute, so that it survives Django
    configuring logging again (``sdaasp manage``)."""

    muted = False

    def filter(self, record: logging.LogRecord) -> bool:
        return not ConsoleGate.muted


def logging_config(log_file: Path | None, *, level: str = "INFO",
                   console_level: str = "INFO") -> dict[str, Any]:
    """``LOGGING`` for Django: a console handler, and a rotating file when ``log_file`` is
    given (opened at the first line written, never at import: ``delay``)."""
    handlers: dict[str, dict[str, Any]] = {
        "console": {"class": "logging.StreamHandler", "formatter": "sdaasp",
                    "level": console_level, "filters": ["console_gate"]},
    }
    if log_file is not None:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler", "formatter": "sdaasp",
            "filename": str(log_file), "maxBytes": MAX_BYTES, "backupCount": BACKUPS,
            "encoding": "utf-8", "delay": True, "level": level,
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"sdaasp": {"format": FORMAT, "datefmt": DATE_FORMAT}},
        "filters": {"console_gate": {"()": "sdaasp.logs.ConsoleGate"}},
        "handlers": handlers,
        "root": {"handlers": list(handlers), "level": "WARNING"},
        "loggers": {
            "sdaasp": {"level": level},
            "waitress": {"level": "INFO"},
            # Django's own default handlers (console in DEBUG, mails to ADMINS) are replaced
            # by ours: its warnings (4xx, 5xx) reach the console and the file once.
            "django": {"handlers": [], "level": "INFO"},
            "django.server": {"handlers": [], "level": "INFO"},
        },
    }


def file_of_log() -> Path | None:
    """The file the configured handlers write to, if any (named in the CLI's errors)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None
