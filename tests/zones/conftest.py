"""Fixtures of the zones tests: bare départements to import for, the CLI without migrate."""

from __future__ import annotations

import pytest


@pytest.fixture
def cli_ready(monkeypatch):
    """The test database is already migrated: skip the CLI's own migrate."""
    from sdaasp.cli import _django

    monkeypatch.setattr(_django, "_ready", True)


@pytest.fixture
def departement(db):
    """Make a saved département without communes (an import needs the département saved;
    its areas and QPV are told by their codes, not by its communes)."""
    from sdaasp.diagnostic.territory.models import Departement

    def make(code: str, nom: str):
        return Departement.objects.create(code=code, nom=nom, crs=2154,
                                          source="test (département sans communes)")

    return make
