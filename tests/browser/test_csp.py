"""The platform's pages work under its Content-Security-Policy, in a real browser.

The other browser tests bypass the policy (Playwright's string predicates and axe's injection
would be refused by it); here it is enforced, and every violation the browser reports (the
``securitypolicyviolation`` event, console errors) fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
FIX = Path(__file__).resolve().parents[1] / "fixtures"

#: Records every violation in the page, before any of its own scripts runs.
LISTEN = """document.addEventListener("securitypolicyviolation", (e) => {
    (window.__csp = window.__csp || []).push(
        e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});"""


@pytest.fixture
def strict_page(browser):
    """A page that enforces the Content-Security-Policy (no bypass)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTEN)
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(f"erreur JS : {exc}"))
    pg.on("console", lambda msg: problems.append(f"console : {msg.text}")
          if msg.type == "error" and "Content Security Policy" in msg.text else None)
    pg.problems = problems  # type: ignore[attr-defined]
    yield pg
    context.close()


def _violations(page) -> list[str]:
    return [*page.problems, *page.evaluate("window.__csp || []")]


def test_pages_work_under_the_content_security_policy(strict_page, site, nord):
    from sdaasp.access.diagnostic import build_origins, run_diagnostic
    from sdaasp.diagnostic.offer.services import import_services
    from sdaasp.diagnostic.runs.services import save_diagnostic
    from sdaasp.diagnostic.zones.pipeline import compute_zones
    from sdaasp.diagnostic.zones.services import import_needs_file
    from sdaasp.testing import mairie_services
    from sdaasp.travel import CrowflyModel

    import_services(FIX / "offer" / "france_services.geojson", source="france-services",
                    departement="59")
    origins, info = build_origins(nord, "commune")
    run = save_diagnostic(run_diagnostic(nord, mairie_services(nord), CrowflyModel(),
                                         origins=origins, origins_info=info, types=["MAIRIE"]))
    import_needs_file(FIX / "needs" / "QP2024_France_hexagonale_WGS84-extrait.geojson", "qpv",
                      departement="59")
    compute_zones("59", territory=nord)
    page = strict_page
    response = page.goto(site + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]

    maps = {"/carte/59/": "#carte[data-ready='1']",
            "/carte/59/?commune=59350": "#carte[data-ready='1']",
            "/offre/59/carte/?type=FS_FIXE&type=MAIRIE": "#carte-offre[data-ready='1']",
            f"/diagnostic/{run.pk}/": "#carte[data-ready='1']",
            "/zones/": "#carte[data-ready='1']"}
    pages = ["/", "/territoire/59/tableau/", "/tableaux-de-bord/59/", "/donnees/",
             "/accessibilite/", "/connexion/", "/admin/login/"]
    problems = {}
    for path in [*pages, *maps]:
        response = page.goto(site + path)
        assert response.ok, (path, response.status)
        if path in maps:
            page.wait_for_selector(maps[path])
        page.wait_for_load_state("networkidle")
        if _violations(page):
            problems[path] = _violations(page)
            page.problems.clear()
    assert not problems, f"refusé par la politique de sécurité du contenu : {problems}"

    # a commune's card, fetched and inserted by the explorer's script; a second layer
    page.goto(site + "/carte/59/")
    page.wait_for_selector("#carte[data-ready='1']")
    page.locator('a.commune-link[data-code="59017"]').click()
    page.locator("#fiche-titre", has_text="Armentières").wait_for()
    page.get_by_role("checkbox", name="Mairies").check()
    page.wait_for_selector('#carte[data-couche-mairies="1"]')
    assert not _violations(page)

    # the layers form's inline onsubmit="return false" is allowed by its hash: no navigation
    prevented = page.evaluate("""() => {
        const form = document.getElementById("couches");
        let prevented = null;
        form.addEventListener("submit", (e) => { prevented = e.defaultPrevented;
                                                 e.preventDefault(); });
        form.requestSubmit();
        return prevented;
    }""")
    assert prevented is True
    assert not _violations(page)
