"""Shared fixtures: the real Nord territory (built once per session) and ../shared/data."""

from __future__ import annotations

import os
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
