"""Shared fixtures: the real Nord territory (built once per session), ../shared/data, and a
migrated data directory for the tests that run the ``sdaasp`` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("SDAASP_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real open data of ../shared/data; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"données réelles absentes : {SHARED_DATA} (dossier ../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nord():
    from sdaasp.territory import build_territory

    return build_territory("59")


@pytest.fixture(scope="session")
def nord_db(django_db_setup, django_db_blocker, nord):
    """The Nord territory saved once in the test database (shared by every DB test)."""
    from sdaasp.diagnostic.territory.services import save_territory

    with django_db_blocker.unblock():
        return save_territory(nord)


def cli_environ(data_dir: Path) -> dict[str, str]:
    """The environment of a user running ``sdaasp`` on ``data_dir``: the default (dev)
    settings, SQLite in ``data_dir`` (not the test settings pytest exports)."""
    env = dict(os.environ)
    env["SDAASP_DATA_DIR"] = str(data_dir)
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    """``sdaasp ARGS…`` in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "sdaasp.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """A data directory migrated once per session by ``sdaasp migrate``; each CLI test works
    on a copy (:func:`cli_env`) rather than migrating its own."""
    data_dir = tmp_path_factory.mktemp("migrated")
    res = run_cli("migrate", env=cli_environ(data_dir))
    assert res.returncode == 0, res.stderr
    assert "Base mise à jour" in res.stdout
    shutil.rmtree(data_dir / "logs")  # each copy starts with an empty log
    return data_dir


@pytest.fixture
def cli_env(tmp_path, migrated_template) -> dict[str, str]:
    """The environment of a CLI test: ``tmp_path`` is a copy of the migrated template."""
    shutil.copytree(migrated_template, tmp_path, dirs_exist_ok=True)
    return cli_environ(tmp_path)
