"""Annual reporting: each referent sees and fills only its organisation's actions; the
coordinator sees who has not reported, stale actions, and the committee's summary."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(nord_scheme, make_user):
    from sdaasp.scheme.nord import load_examples

    out = load_examples(nord_scheme)
    return {"campaign": out["campaign"], "cd59": make_user("referent", "cd59"),
            "caf": make_user("referent", "caf"), "poste": make_user("referent", "la-poste"),
            "coord": make_user("coordinateur"), "reader": make_user("lecteur")}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_referent_sees_and_opens_only_its_actions(demo):
    # EX-1: DCPI pilot, CD59 co-pilot, La Poste partner; EX-2: DCPI, CD59, UDCCAS;
    # EX-3: DDCS pilot, CAF co-pilot, CD59 partner
    expected = {"cd59": {"EX-1", "EX-2", "EX-3"}, "caf": {"EX-3"}, "poste": {"EX-1"}}
    for who, codes in expected.items():
        client = _client(demo[who])
        page = client.get("/suivi/59/").content.decode()
        for code in ("EX-1", "EX-2", "EX-3"):
            assert (f"{code} — " in page) is (code in codes), (who, code)
            status = client.get(f"/suivi/59/2019/actions/{code}/").status_code
            assert status == (200 if code in codes else 404), (who, code)
            post = client.post(f"/suivi/59/2019/actions/{code}/",
                               {"action_status": "bloque", "note": "x"}).status_code
            assert post in ((302,) if code in codes else (404,)), (who, code)
        assert client.get("/suivi/59/2019/").status_code == 403  # no dashboard for partners
    # an EPCI's referent acts for the "EPCI" collective partner, through its parent
    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.programme.perms import is_involved
    from sdaasp.scheme.programme.services import do_save_action

    epci = Organisation.objects.create(departement="59", key="epci-test", name="CC Test",
                                       kind="epci",
                                       parent=Organisation.objects.get(key="epci"))
    action = do_save_action(nord_scheme_group("O1-G1"), code="EX-9", title="x",
                            actors=[(Organisation.objects.get(key="epci"), "partenaire")])
    from django.contrib.auth import get_user_model

    from sdaasp.scheme.organisations.services import do_assign_person

    u = get_user_model().objects.create_user("epci-ref")
    do_assign_person(u, role="referent", organisation=epci)
    assert is_involved(u, action)


def nord_scheme_group(code):
    from sdaasp.scheme.programme.models import WorkingGroup

    return WorkingGroup.objects.get(orientation__scheme__departement="59", code=code)


def test_report_updates_action_indicator_and_note(demo):
    from sdaasp.scheme.programme.models import Action

    client = _client(demo["cd59"])
    ind = Action.objects.get(code="EX-1").indicators.get(code="I1")
    resp = client.post("/suivi/59/2019/actions/EX-1/", {
        "action_status": "realise", "note": "Structure ouverte en juin.",
        f"result_{ind.pk}": "4,2"})
    assert resp.status_code == 302
    a = Action.objects.get(code="EX-1")
    assert a.status == "realise" and a.last_update == dt.date.today()
    v = ind.values.get(year=2019)
    assert v.result == Decimal("4.2") and "bilan 2019" in v.result_source
    assert v.target == Decimal("5")  # the example's target, untouched by the report
    assert a.notes.first().text.startswith("Bilan 2019 (CD59) : Structure ouverte")
    assert a.reports.get().organisation.key == "cd59"


def test_coordinator_dashboard_validation_and_summary(demo):
    from sdaasp.scheme.programme.models import Action
    from sdaasp.scheme.programme.services import do_set_indicator_value
    from sdaasp.scheme.reporting.services import (
        committee_summary,
        do_submit_report,
        reporting_progress,
        stale_actions,
    )

    c = demo["campaign"]
    cd59 = demo["cd59"].scheme_person.organisation
    ex1 = Action.objects.get(code="EX-1")
    report = do_submit_report(c, ex1, cd59, action_status="en_cours", note="Avance.",
                              results={ex1.indicators.get().pk: Decimal("6")})
    progress = {p.organisation.key: (p.due, p.reported) for p in reporting_progress(c)}
    # by hand from the example actors: CD59 acts on 3 actions, reported 1
    assert progress["cd59"] == (3, 1)
    assert progress["caf"] == (1, 0) and progress["la-poste"] == (1, 0)
    assert progress["etat-dcpi"] == (2, 0) and progress["udccas"] == (1, 0)
    # stale: EX-2 never updated for a year if we look from 2 years ahead; EX-3 is closed
    later = dt.date.today() + dt.timedelta(days=400)
    assert {a.code for a in stale_actions(c.scheme, later)} == {"EX-1", "EX-2"}
    assert stale_actions(c.scheme) == []

    client = _client(demo["coord"])
    page = client.get("/suivi/59/2019/").content.decode()
    assert "Organisations qui n'ont pas tout renseigné" in page and "CAF" in page
    assert client.post(f"/suivi/59/2019/bilans/{report.pk}/valider/",
                       {"accepted": "0", "comment": ""}).status_code == 302
    report.refresh_from_db()
    assert report.status == "transmis"  # "à revoir" needs a comment: refused
    client.post(f"/suivi/59/2019/bilans/{report.pk}/valider/", {"accepted": "1"})
    report.refresh_from_db()
    assert report.status == "valide" and report.validated_by == demo["coord"]

    # summary by orientation, against a hand count: EX-1 (O1, en cours, target 5 ↓, result
    # 6 → not met), EX-3 (O1, réalisé, no indicator), EX-2 (O3, à venir since 2019 → late)
    do_set_indicator_value(ex1.indicators.get(), 2019, target=Decimal("5"))
    rows = {r.orientation.code: r for r in committee_summary(c.scheme, 2019)}
    o1, o3 = rows["O1"], rows["O3"]
    assert (o1.actions, o1.by_status["en_cours"], o1.by_status["realise"]) == (2, 1, 1)
    assert (o1.indicators_met, o1.indicators_not_met, o1.indicators_unavailable) == (0, 1, 0)
    assert (o3.actions, o3.by_status["a_venir"], o3.late) == (1, 1, 1)
    assert sum(r.actions for r in rows.values()) == 3
    summary = client.get("/suivi/59/2019/synthese/").content.decode()
    assert "Synthèse 2019 pour le comité de pilotage" in summary
    reader = _client(demo["reader"])
    assert reader.get("/suivi/59/2019/synthese/").status_code == 200
    assert reader.post(f"/suivi/59/2019/bilans/{report.pk}/valider/",
                       {"accepted": "1"}).status_code == 403


def test_late_is_computed_from_dates(nord_scheme):
    from sdaasp.scheme.programme.models import Action

    a = Action(start_date=dt.date(2019, 1, 1), end_date=dt.date(2020, 12, 31), status="en_cours")
    assert not a.is_late(dt.date(2020, 12, 31)) and a.is_late(dt.date(2021, 1, 1))
    a.status = "realise"
    assert not a.is_late(dt.date(2030, 1, 1))
    a.status = "a_venir"
    assert not a.is_late(dt.date(2019, 1, 1)) and a.is_late(dt.date(2019, 1, 2))
    assert not Action(status="en_cours").is_late(dt.date(2030, 1, 1))  # no dates: unknown


def test_indicator_filled_from_a_diagnostic_run(demo):
    from sdaasp.scheme.errors import SchemeError
    from sdaasp.scheme.programme.models import Action
    from sdaasp.scheme.programme.services import (
        do_fill_indicator_from_diagnostic,
        do_save_indicator,
    )

    ex1 = Action.objects.get(code="EX-1")
    ind = ex1.indicators.get(diagnostic_key="share_beyond_30min:FS_FIXE")
    v = do_fill_indicator_from_diagnostic(ind, 2020, Decimal("3.25"), run="run-42")
    assert v.result == Decimal("3.25") and "run-42" in v.result_source
    plain = do_save_indicator(ex1, code="I2", name="Visites", unit="nombre")
    with pytest.raises(SchemeError, match="aucun indicateur du diagnostic"):
        do_fill_indicator_from_diagnostic(plain, 2020, Decimal(1), run="run-42")


@pytest.mark.parametrize("url", [
    "/schema/59/procedure/transmission/", "/schema/59/procedure/approbation/",
    "/schema/59/procedure/arrete/", "/schema/59/procedure/publication/",
    "/schema/59/procedure/nouvelle-version/", "/schema/59/procedure/delai/",
    "/schema/59/gouvernance/reunion/", "/schema/59/convention/signataire/",
    "/schema/59/groupes/O1-G1/nouvelle-action/", "/schema/59/actions/EX-1/modifier/",
    "/schema/59/actions/EX-1/indicateur/", "/schema/59/actions/EX-1/indicateurs/I1/valeur/",
    "/schema/59/actions/EX-1/budget/", "/schema/59/historique/", "/schema/59/versions/1/",
    "/suivi/59/", "/suivi/59/2019/", "/suivi/59/2019/synthese/",
])
def test_coordinator_pages_render_in_french(demo, url):
    page = _client(demo["coord"]).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'lang="fr"' in text and "Se déconnecter" in text


def test_action_form_with_target_territories(demo, nord_db):
    from sdaasp.diagnostic.territory.models import Epci, Scot
    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.programme.models import Action

    epci = Epci.objects.filter(departement_id="59").first()
    scot = Scot.objects.filter(departement_id="59").first()
    cd59 = Organisation.objects.get(departement="59", key="cd59")
    client = _client(demo["coord"])
    resp = client.post("/schema/59/groupes/O9-G1/nouvelle-action/", {
        "code": "T-9", "title": "Essai", "status": "en_cours", "pilots": [cd59.pk],
        "target_epcis": [epci.pk], "target_scots": [scot.pk],
        "target_communes": "59350, 59009", "start_date": "2020-01-01", "end_date": "2019-01-01"})
    assert resp.status_code == 200 and "La fin prévue précède le début prévu." in \
        resp.content.decode()
    resp = client.post("/schema/59/groupes/O9-G1/nouvelle-action/", {
        "code": "T-9", "title": "Essai", "status": "en_cours", "pilots": [cd59.pk],
        "target_epcis": [epci.pk], "target_scots": [scot.pk],
        "target_communes": "59350, 99999"})
    assert "Communes inconnues : 99999." in resp.content.decode()
    resp = client.post("/schema/59/groupes/O9-G1/nouvelle-action/", {
        "code": "T-9", "title": "Essai", "status": "en_cours", "pilots": [cd59.pk],
        "target_epcis": [epci.pk], "target_scots": [scot.pk],
        "target_communes": "59350 59009"})
    assert resp.status_code == 302
    a = Action.objects.get(code="T-9")
    assert list(a.target_epcis.all()) == [epci] and list(a.target_scots.all()) == [scot]
    assert sorted(c.code for c in a.target_communes.all()) == ["59009", "59350"]
    assert [x.organisation for x in a.actors.all()] == [cd59]
    page = html.unescape(client.get("/schema/59/actions/T-9/").content.decode())
    assert f"SCoT {scot.nom}" in page and epci.nom in page
