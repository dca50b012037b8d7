"""Main menu registry, layout (skip link, login links, logo) and site-wide pages."""

from __future__ import annotations

import re

import pytest

from sdaasp.web import navigation

pytestmark = pytest.mark.django_db


def _menu(html: str) -> list[tuple[str, bool]]:
    nav = html[html.index('aria-label="Navigation principale"'):html.index("</nav>")]
    return [(label, "aria-current" in attrs)
            for attrs, label in re.findall(r"<a href=\"[^\"]+\"([^>]*)>([^<]+)</a>", nav)]


def test_menu_lists_every_section_in_order(client, nord_db):
    labels = [label for label, _ in _menu(client.get("/").content.decode())]
    assert labels == ["Accueil", "Territoire", "Carte", "Offre de services", "Diagnostic",
                      "Zones prioritaires", "Schéma", "Suivi annuel", "Tableaux de bord",
                      "Données"]


def test_menu_skips_url_names_not_provided(client, nord_db, monkeypatch):
    menu = (*navigation.MAIN_MENU, navigation.NavItem("Absent", "absent:index"))
    monkeypatch.setattr(navigation, "MAIN_MENU", menu)
    labels = [label for label, _ in _menu(client.get("/").content.decode())]
    assert "Absent" not in labels and labels[-1] == "Données"


def test_schema_and_suivi_are_distinct_sections(rf):
    """Both are served by the scheme app: the URL, not the namespace, marks the section."""
    for path, expected in (("/suivi/59/2025/", "Suivi annuel"), ("/schema/59/", "Schéma")):
        current = [i["label"] for i in navigation.main_menu(rf.get(path)) if i["current"]]
        assert current == [expected]


def test_current_section_is_marked(client, nord_db):
    menu = dict(_menu(client.get("/territoire/59/tableau/").content.decode()))
    assert menu["Territoire"] is True and menu["Accueil"] is False
    menu = dict(_menu(client.get("/carte/59/").content.decode()))
    assert menu["Carte"] is True and menu["Territoire"] is False


def test_layout_skip_link_and_login_link(client, nord_db, django_user_model):
    html = client.get("/donnees/").content.decode()
    assert html.index('class="skip-link" href="#contenu"') < html.index("<header")
    assert 'id="contenu"' in html
    assert 'href="/connexion/?next=/donnees/"' in html
    user = django_user_model.objects.create_user("referent", password="x-secret-42")
    client.force_login(user)
    html = client.get("/donnees/").content.decode()
    assert "Connecté : referent" in html and 'action="/deconnexion/"' in html


def test_organisation_and_logo_settings(client, nord_db, settings, tmp_path):
    settings.SDAASP_ORGANISATION = "Département du Nord"
    settings.SDAASP_LOGO_URL = "https://intranet.example/logo.svg"
    html = client.get("/").content.decode()
    assert "— sdaasp · Département du Nord</title>" in html
    assert '<img class="brand-logo" src="https://intranet.example/logo.svg" ' \
           'alt="Département du Nord">' in html
    # no URL: a logo file in the data directory is served by the platform itself
    settings.SDAASP_LOGO_URL = ""
    settings.DATA_DIR = tmp_path
    assert client.get("/logo/").status_code == 404
    assert "brand-logo" not in client.get("/").content.decode()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    (tmp_path / "logo.svg").write_bytes(svg)
    assert 'src="/logo/"' in client.get("/").content.decode()
    res = client.get("/logo/")
    assert res["Content-Type"] == "image/svg+xml" and b"".join(res.streaming_content) == svg


def test_accessibility_statement(client):
    html = client.get("/accessibilite/").content.decode()
    assert "Déclaration d'accessibilité" in html
    assert "<strong>partiellement conforme</strong>" in html and "RGAA" in html
    assert "axe-core" in html and "Défenseur des droits" in html
    # the footer of every page links to it
    assert 'href="/accessibilite/"' in client.get("/").content.decode()


def test_login_page_is_french(client, django_user_model):
    django_user_model.objects.create_user("referent", password="x-secret-42")
    html = client.get("/connexion/").content.decode()
    assert '<label for="id_username">Identifiant</label>' in html
    res = client.post("/connexion/", {"username": "referent", "password": "faux"})
    assert res.status_code == 200 and 'role="alert"' in res.content.decode()
    assert "Identifiant ou mot de passe incorrect" in res.content.decode()
    res = client.post("/connexion/", {"username": "referent", "password": "x-secret-42"})
    assert res.status_code == 302


@pytest.mark.parametrize("url", ["/carte/", "/donnees/", "/tableaux-de-bord/"])
def test_empty_states_say_how_to_import(client, url):
    from sdaasp.diagnostic.territory.models import Departement

    Departement.objects.all().delete()
    html = client.get(url).content.decode()
    assert "Aucune donnée importée : voici comment faire" in html
    assert "sdaasp territory build 59" in html
