"""Fixtures of the offer tests: the Nord import area and the hand-written files."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "offer"


@pytest.fixture(scope="session")
def nord_area(nord):
    from sdaasp.offer import ImportArea

    return ImportArea.from_territory(nord)


@pytest.fixture()
def fixtures() -> Path:
    return FIXTURES
