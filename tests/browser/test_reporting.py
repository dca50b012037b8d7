"""Annual reporting as a partner would use it. The reporting pages come from the scheme work
(URL name ``reporting:index``); until it is merged these tests skip.

TODO(scheme merge): "a partner fills an annual report" and "a partner cannot open another
partner's action" need the scheme's roles, actions and report forms; write them here against
``reporting:index`` once they exist.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.browser


@pytest.fixture
def reporting_url() -> str:
    try:
        return reverse("reporting:index")
    except NoReverseMatch:
        pytest.skip("suivi annuel absent : l'URL reporting:index n'existe pas encore")


def test_reporting_needs_a_login(reporting_url, page, site):
    page.goto(site + reporting_url)
    assert "/connexion/" in page.url  # redirected to the login page, nothing shown
    assert page.get_by_label("Mot de passe").is_visible()
