"""Annual reporting as a partner's referent does it, in the browser: log in, fill the report
of an action of one's organisation, and fail to open another organisation's action.

Uses the scheme's demo content (``load_seed`` + ``load_examples``: example fiches action
flagged "exemple (fictif)", demo accounts); skips when the scheme app is not installed.
"""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, reverse

from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def scheme_demo(site):
    try:
        reverse("scheme:reporting_default")
    except NoReverseMatch:
        pytest.skip("suivi annuel absent : l'URL scheme:reporting_default n'existe pas")
    from sdaasp.scheme.nord import DEMO_PASSWORD, load_examples, load_seed

    load_examples(load_seed())
    return DEMO_PASSWORD


def _login(page, site, username, password):
    page.goto(site + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()
    assert f"Connecté : {username}" in page.locator(".account").inner_text()


def test_partner_fills_its_annual_report(page, site, scheme_demo, axe_source):
    from sdaasp.scheme.reporting.models import Report

    _login(page, site, "referent-caf", scheme_demo)  # CAF: co-pilot of EX-3 only
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Suivi annuel").click()
    page.wait_for_url(re.compile(r"/suivi/59/$"))
    table = page.locator("table.data", has_text="Actions suivies par votre organisation")
    assert "EX-3 — " in table.inner_text()
    assert "EX-1 — " not in table.inner_text() and "EX-2 — " not in table.inner_text()

    table.locator("tr", has_text="EX-3 — ").get_by_role("link", name="À renseigner").click()
    page.wait_for_url(re.compile(r"/suivi/59/2019/actions/EX-3/$"))
    screenshot(page, "suivi-bilan-partenaire")
    found = axe_violations(page, axe_source)
    assert not found, [(v["id"], v["impact"]) for v in found]
    page.get_by_label("État de l'action").select_option(label="Réalisé")
    page.get_by_label("Avancement de l'année").fill("État des lieux partagé avec les EPCI.")
    page.get_by_role("button", name="Transmettre le bilan").click()
    page.wait_for_url(re.compile(r"/suivi/59/$"))
    assert "Bilan 2019 de l'action EX-3 transmis." in page.locator("main").inner_text()

    report = Report.objects.get(campaign__year=2019, action__code="EX-3",
                                organisation__key="caf")
    assert report.note == "État des lieux partagé avec les EPCI."
    assert report.action_status == "realise"


def test_partner_cannot_open_another_partners_action(page, site, scheme_demo):
    from sdaasp.scheme.reporting.models import Report

    _login(page, site, "referent-caf", scheme_demo)
    response = page.goto(site + "/suivi/59/2019/actions/EX-1/")  # La Poste / CD59's action
    assert response.status == 404
    assert "Exemple (fictif) : ouvrir une maison France Services" not in page.content()
    assert not Report.objects.filter(action__code="EX-1").exists()
