"""Deny by default, as a matrix: every role × every write view and API, through HTTP with
CSRF checks on. An allowed request must write (one change-log entry at least); a denied one
must write nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from django.test import Client

from sdaasp.scheme.dates import FuzzyDate

pytestmark = pytest.mark.django_db

ROLES = ["coordinateur", "referent_implique", "referent_autre", "lecteur", "sans_role",
         "anonyme"]


@pytest.fixture
def world(nord_scheme, make_user):
    """Nord with the example actions, a draft scheme (99), an approved one (98), a report."""
    from sdaasp.scheme.nord import load_examples
    from sdaasp.scheme.procedure import services as proc
    from sdaasp.scheme.programme.models import Action
    from sdaasp.scheme.reporting.models import Campaign
    from sdaasp.scheme.reporting.services import do_submit_report

    load_examples(nord_scheme)
    draft = proc.do_create_scheme("99", title="Projet d'essai", period_start_year=2025,
                                  period_end_year=2030)
    consultation = proc.do_transmit_draft(draft.current_version, consultee_kind="region",
                                          transmitted=FuzzyDate.parse("2025-01-10"))
    approved = proc.do_create_scheme("98", title="Projet approuvé", period_start_year=2025,
                                     period_end_year=2030)
    proc.do_record_tally(approved.current_version, consultee_kind="epci",
                         transmitted=FuzzyDate.parse("2025-01"), favourable=3)
    proc.do_record_approval(approved.current_version, decision="approuve",
                            date=dt.date(2025, 6, 1))
    campaign = Campaign.objects.get(scheme=nord_scheme, year=2019)
    users = {
        "coordinateur": make_user("coordinateur"),
        "referent_implique": make_user("referent", "cd59"),
        "referent_autre": make_user("referent", "udaf"),
        "lecteur": make_user("lecteur"),
        "sans_role": make_user(None),
        "anonyme": None,
    }
    ex3 = Action.objects.get(scheme=nord_scheme, code="EX-3")
    report = do_submit_report(campaign, ex3, users["referent_implique"].scheme_person
                              .organisation, action_status="realise", note="Fait.",
                              results={})
    body = nord_scheme.bodies.get(key="copil")
    return {"users": users, "consultation": consultation, "report": report, "body": body,
            "udaf": users["referent_autre"].scheme_person.organisation}


def endpoints(w):
    """(name, url, data or JSON, roles allowed)."""
    coord = {"coordinateur"}
    actors = {"coordinateur", "referent_implique"}
    return [
        ("transmission", "/schema/99/procedure/transmission/",
         {"consultee_kind": "ctap", "transmitted": "2025-02-01"}, coord),
        ("avis", f"/schema/99/procedure/avis/{w['consultation'].pk}/",
         {"opinion": "favorable", "opinion_date": "2025-03-01"}, coord),
        ("approbation (rejet)", "/schema/99/procedure/approbation/",
         {"decision": "rejete", "date": "2025-06-01"}, coord),
        ("arrêté", "/schema/98/procedure/arrete/", {"date": "2025-07-01"}, coord),
        ("publication", "/schema/59/procedure/publication/",
         {"date": "2018-01-15", "medium": "Recueil des actes administratifs"}, coord),
        ("nouvelle version", "/schema/59/procedure/nouvelle-version/",
         {"kind": "revision", "label": "Révision à mi-parcours"}, coord),
        ("départ du délai", "/schema/59/procedure/delai/", {"clock": "reception"}, coord),
        ("réunion", "/schema/59/gouvernance/reunion/",
         {"body": w["body"].pk, "date": "2019-03-01", "title": "Comité 2019",
          "decisions": "Bilan annuel validé"}, coord),
        ("signataire", "/schema/59/convention/signataire/",
         {"organisation": w["udaf"].pk, "signed_on": "2018-03-22"}, coord),
        ("nouvelle action", "/schema/59/groupes/O1-G1/nouvelle-action/",
         {"code": "T-1", "title": "Essai", "status": "a_venir"}, coord),
        ("modifier l'action", "/schema/59/actions/EX-1/modifier/",
         {"code": "EX-1", "title": "Exemple (fictif) modifié", "status": "en_cours",
          "is_example": "on"}, coord),
        ("note de suivi", "/schema/59/actions/EX-1/note/", {"text": "Réunion tenue."}, actors),
        ("état de l'action", "/schema/59/actions/EX-1/etat/", {"status": "en_pause"}, actors),
        ("indicateur", "/schema/59/actions/EX-1/indicateur/",
         {"code": "I9", "name": "Essai", "unit": "nombre", "direction": "hausse"}, coord),
        ("valeur d'indicateur", "/schema/59/actions/EX-1/indicateurs/I1/valeur/",
         {"year": "2020", "target": "4"}, coord),
        ("budget", "/schema/59/actions/EX-1/budget/",
         {"year": "2019", "label": "Animation", "amount_eur": "1000"}, coord),
        ("API état", "/schema/api/59/actions/EX-1/etat", {"json": {"status": "bloque"}}, actors),
        ("ouvrir une campagne", "/suivi/59/campagnes/nouvelle/",
         {"year": "2020", "opens_on": "2021-01-01", "closes_on": "2021-03-01"}, coord),
        ("bilan du référent", "/suivi/59/2019/actions/EX-1/",
         {"action_status": "en_cours", "note": "Avancement."}, {"referent_implique"}),
        ("valider un bilan", f"/suivi/59/2019/bilans/{w['report'].pk}/valider/",
         {"accepted": "1"}, coord),
        ("clore la campagne", "/suivi/59/2019/cloturer/", {}, coord),
    ]


def _client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.get("/connexion/")  # sets the CSRF cookie
    return client


def _post(client: Client, url: str, data: dict, *, token: bool = True):
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value} if token else {}
    if "json" in data:
        return client.post(url, json.dumps(data["json"]), content_type="application/json",
                           **headers)
    return client.post(url, data, **headers)


def test_every_role_on_every_write_view(world):
    from sdaasp.scheme.history.models import ChangeLog

    failures = []
    for name, url, data, allowed in endpoints(world):
        for role in ROLES:
            client = _client(world["users"][role])
            with transaction.atomic():
                before = ChangeLog.objects.count()
                resp = _post(client, url, data)
                wrote = ChangeLog.objects.count() > before
                transaction.set_rollback(True)
            if role in allowed:
                ok = resp.status_code in (200, 302) and wrote and (
                    resp.status_code == 200 or "/connexion/" not in resp["Location"])
            elif role == "anonyme":
                ok = not wrote and (resp.status_code == 401 or (
                    resp.status_code == 302 and resp["Location"].startswith("/connexion/")))
            else:
                ok = not wrote and resp.status_code in (403, 404)
            if not ok:
                failures.append(f"{name} × {role}: {resp.status_code}, écrit={wrote}")
    assert not failures, "\n".join(failures)


def test_csrf_is_enforced(world):
    from sdaasp.scheme.history.models import ChangeLog

    client = _client(world["users"]["coordinateur"])
    n = ChangeLog.objects.count()
    for _name, url, data, _allowed in endpoints(world):
        assert _post(client, url, data, token=False).status_code == 403, url
    assert ChangeLog.objects.count() == n


def test_login_page_in_french_with_csrf(world):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/connexion/")
    assert "Connexion" in page.content.decode() and "Mot de passe" in page.content.decode()
    user = world["users"]["lecteur"]
    token = client.cookies["csrftoken"].value
    bad = client.post("/connexion/", {"username": user.username, "password": "faux",
                                      "csrfmiddlewaretoken": token})
    assert "incorrect" in bad.content.decode()
    ok = client.post("/connexion/", {"username": user.username, "password": "pw",
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert ok.status_code == 302 and ok["Location"] == "/schema/"
    assert client.get("/suivi/59/").status_code == 200  # signed in as reader
    out = client.post("/deconnexion/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert out.status_code == 302
    assert client.get("/suivi/59/").status_code == 302  # back to the public


@pytest.mark.parametrize("url", ["/schema/59/", "/schema/59/strategie/",
                                 "/schema/59/gouvernance/", "/schema/59/programme/",
                                 "/schema/59/groupes/O1-G1/", "/schema/59/actions/EX-1/",
                                 "/schema/api/59/schema.json"])
def test_public_reads_published_content_only(world, url):
    client = Client()
    assert client.get(url).status_code == 200
    assert client.get(url.replace("/59/", "/99/")).status_code == 404  # not public


def test_internal_content_hidden_from_public_and_other_partners(world):
    from sdaasp.scheme.programme.models import Action
    from sdaasp.scheme.programme.services import do_add_budget_line, do_add_note

    action = Action.objects.get(code="EX-1")
    do_add_note(action, "Note interne confidentielle")
    do_add_budget_line(action, year=2019, label="Poste secret", amount_eur=5)
    url = "/schema/59/actions/EX-1/"
    for role, visible in (("anonyme", False), ("referent_autre", False), ("sans_role", False),
                          ("referent_implique", True), ("lecteur", True),
                          ("coordinateur", True)):
        page = _client(world["users"][role]).get(url).content.decode()
        assert ("Note interne confidentielle" in page) is visible, role
        assert ("Poste secret" in page) is visible, role
    public = Client().get("/schema/api/59/schema.json").json()
    actions = [a for o in public["programme"] for g in o["groups"] for a in g["actions"]]
    assert actions and all("notes" not in a and "budget_lines" not in a for a in actions)
    for url in ("/suivi/59/", "/suivi/59/2019/", "/schema/59/historique/"):
        assert Client().get(url).status_code == 302
        assert _client(world["users"]["sans_role"]).get(url).status_code == 403
