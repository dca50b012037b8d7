"""The platform as a person uses it, in a real browser: menu, keyboard, map, card, tables."""

from __future__ import annotations

import re

import pytest

from sdaasp.diagnostic.territory.models import Commune
from tests.browser.conftest import axe_violations, screenshot

pytestmark = pytest.mark.browser

#: The main pages checked with axe-core and saved as screenshots.
MAIN_PAGES = {
    "accueil": "/",
    "territoire-tableau": "/territoire/59/tableau/",
    "carte": "/carte/59/",
    "carte-fiche-lille": "/carte/59/?commune=59350",
    "tableaux-de-bord": "/tableaux-de-bord/59/",
    "donnees": "/donnees/",
    "accessibilite": "/accessibilite/",
    "connexion": "/connexion/",
    # pages of the other apps, when installed (skipped below when their URL does not exist)
    "offre": "/offre/",
    "diagnostic": "/diagnostic/",
    "zones": "/zones/",
    "schema": "/schema/",
}


def test_home_menu_and_keyboard(page, site):
    page.goto(site + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    nav = page.get_by_role("navigation", name="Navigation principale")
    labels = [t.strip() for t in nav.get_by_role("link").all_inner_texts()]
    # apps of the other branches are not merged here: their entries must simply be absent
    for label in ("Accueil", "Territoire", "Carte", "Tableaux de bord", "Données"):
        assert label in labels
    assert nav.get_by_role("link", name="Accueil").get_attribute("aria-current") == "page"

    # first Tab reaches the skip link, which moves the focus to the main content
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Aller au contenu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"

    # keyboard only: tab to the "Données" menu entry and follow it
    page.goto(site + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Données":
            break
    else:
        pytest.fail("entrée « Données » du menu jamais atteinte au clavier")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/donnees/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Données ouvertes"
    assert nav.get_by_role("link", name="Données").get_attribute("aria-current") == "page"
    assert not page.js_errors


def test_map_layers_card_and_table(page, site):
    page.goto(site + "/carte/")
    page.wait_for_url(re.compile(r"/carte/59/$"))
    page.wait_for_selector('#carte[data-ready="1"]')
    assert page.locator("#carte-statut").inner_text() == "Découpage affiché : Communes."
    # 647 commune polygons drawn by Leaflet
    assert page.locator("#carte path.leaflet-interactive").count() == 647
    communes_table = page.locator('.table-block[data-layer="communes"]')
    assert communes_table.is_visible()
    assert communes_table.locator("tbody tr").count() == 647

    # base layer EPCI: 17 polygons, the EPCI table replaces the communes table
    # with the keyboard: arrow keys move between the base layers of the radio group
    page.get_by_role("radio", name="Communes", exact=True).focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_role("radio", name="EPCI", exact=True).is_checked()
    page.wait_for_selector('#carte[data-base="epci"]')
    assert page.locator("#carte path.leaflet-interactive").count() == 17
    assert page.locator('.table-block[data-layer="epci"]').is_visible()
    assert not communes_table.is_visible()
    page.get_by_role("radio", name="Territoires SCoT").check()
    page.wait_for_selector('#carte[data-base="scot"]')
    assert page.locator("#carte path.leaflet-interactive").count() == 7

    # overlay: town halls as points, with their table built from the same GeoJSON
    page.get_by_role("radio", name="Communes", exact=True).check()
    page.wait_for_selector('#carte[data-base="communes"]')
    page.get_by_role("checkbox", name="Mairies").check()
    page.wait_for_selector('#carte[data-couche-mairies="1"]')
    assert page.locator("#carte path.leaflet-interactive").count() == 647 + 647
    mairies_rows = page.locator('#tableaux-couches .table-block[data-layer="mairies"] tbody tr')
    assert mairies_rows.count() == 647
    page.get_by_role("checkbox", name="Mairies").uncheck()
    page.wait_for_function(
        "document.querySelectorAll('#carte path.leaflet-interactive').length === 647")
    assert not page.locator('#tableaux-couches .table-block[data-layer="mairies"]').is_visible()

    # click a commune on the map: its card shows (Lille, at the centre of its polygon)
    page.locator("#carte").scroll_into_view_if_needed()
    lille = _commune_path_center(page, "59350")
    page.mouse.click(*lille)
    card = page.locator("#fiche-commune .commune-card")
    card.wait_for()
    assert "Lille (59350)" in card.locator("h2").inner_text()
    text = card.inner_text()
    assert "Métropole Européenne de Lille" in text and "Lille Métropole" in text
    assert text.count("non disponible") == 4  # times, needs, zones, actions: no data yet
    screenshot(page, "carte-clic-commune")

    # filter the table: accents and case do not matter
    expected = Commune.objects.filter(departement="59", nom__icontains="armentières").count()
    assert expected >= 2  # Armentières, La Chapelle-d'Armentières
    page.get_by_label("Filtrer les communes").fill("ARMENTIERES")
    visible = communes_table.locator("tbody tr:not([hidden])")
    assert visible.count() == expected
    assert page.locator("#filtre-resultat").inner_text() == f"{expected} communes affichées"
    page.get_by_label("Filtrer les communes").fill("59017")
    assert visible.count() == 1 and "Armentières" in visible.inner_text()
    assert page.locator("#filtre-resultat").inner_text() == "1 commune affichée"

    # keyboard path: the commune link in the table opens the card and focuses its title
    link = page.locator('a.commune-link[data-code="59017"]')  # Armentières
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'fiche-titre'")
    assert "Armentières" in page.locator("#fiche-titre").inner_text()
    assert not page.js_errors


def _commune_path_center(page, code: str) -> tuple[float, float]:
    """A screen point where the commune's own polygon is the topmost element."""
    xy = page.evaluate("""(code) => {
        const path = document.querySelector('#carte path[data-code="' + code + '"]');
        const b = path.getBoundingClientRect();
        for (let i = 1; i < 20; i++) {
            for (let j = 1; j < 20; j++) {
                const x = b.left + b.width * i / 20, y = b.top + b.height * j / 20;
                if (document.elementFromPoint(x, y) === path) { return [x, y]; }
            }
        }
        return null;
    }""", code)
    assert xy is not None, f"commune {code} introuvable sur la carte"
    return xy[0], xy[1]


def test_main_pages_have_no_serious_accessibility_violation(page, site, axe_source):
    problems = {}
    for name, path in MAIN_PAGES.items():
        response = page.goto(site + path)
        if response.status == 404 and name in ("offre", "diagnostic", "zones", "schema"):
            continue
        if "carte/" in path:
            page.wait_for_selector('#carte[data-ready="1"]')
        screenshot(page, name)
        found = axe_violations(page, axe_source)
        if found:
            problems[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in found]
    assert not problems, f"violations graves ou critiques (axe-core) : {problems}"
    assert not page.js_errors


def test_login_logout_in_header(page, site, django_user_model):
    django_user_model.objects.create_user("referent", password="mot-de-passe-solide-42")
    page.goto(site + "/")
    page.get_by_role("link", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/connexion/"))
    page.get_by_label("Identifiant").fill("referent")
    page.get_by_label("Mot de passe").fill("faux")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("alert").wait_for()  # the page is answered again (is_visible() does not wait)
    assert page.get_by_role("alert").is_visible()  # French error, same page
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(site + "/")
    assert "Connecté : referent" in page.locator(".account").inner_text()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(site + "/")
    assert page.get_by_role("link", name="Se connecter").is_visible()


def test_a_layer_that_fails_to_load_is_announced(page, site):
    from sdaasp.web.explorer import layers

    # an overlay whose endpoint answers 404 (the card URL of a commune that does not exist)
    layers.register_layer(layers.MapLayer("casse", "Couche en panne", "explorer:commune_card"))
    try:
        page.goto(site + "/carte/59/")
        page.wait_for_selector('#carte[data-ready="1"]')
        page.get_by_role("checkbox", name="Couche en panne").check()
        status = page.locator("#carte-statut")
        status.filter(has_text="n'a pas pu être chargée").wait_for()
        assert "« Couche en panne »" in status.inner_text()
        assert page.locator("#carte path.leaflet-interactive").count() == 647
    finally:
        layers.unregister_layer("casse")
    assert not page.js_errors
