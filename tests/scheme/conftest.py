"""Fixtures of the scheme tests: the Nord scheme loaded once, users of every role."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT.parent / "shared" / "seed"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The Nord presentation as text (../shared/seed); skips when absent."""
    files = sorted(SEED_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"présentation du Nord absente : {SEED_DIR}")
    return "\n".join(f.read_text(encoding="utf-8") for f in files)


@pytest.fixture(scope="session")
def nord_scheme(django_db_setup, django_db_blocker, nord_db):
    """The Nord scheme loaded once into the test database (tests roll back their changes),
    after the territory as ``make demo`` does: what the seed links to the territory then does
    not depend on which tests ran first (pytest-xdist changes that order)."""
    from sdaasp.scheme.nord import load_seed

    with django_db_blocker.unblock():
        return load_seed()


@pytest.fixture
def make_user(db):
    """``make_user(role, org_key=None)``: a user with a role (None: signed in, no role)."""
    from django.contrib.auth import get_user_model

    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.organisations.services import do_assign_person

    counter = iter(range(10_000))

    def make(role: str | None, org_key: str | None = None):
        user = get_user_model().objects.create_user(f"u{next(counter)}-{role}", password="pw")
        if role is not None:
            org = Organisation.objects.get(departement="59", key=org_key) if org_key else None
            do_assign_person(user, role=role, organisation=org)
        return user

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Password hashing is not under test here; the default one costs ~0.3 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
