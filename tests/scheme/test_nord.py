"""The loaded Nord scheme against the presentation (../shared/seed), line by line.

The expected values below were typed from the presentation, independently of the data file
the loader reads; a second check finds every label in the seed text itself.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.django_db

# (orientation, [(group title or None when the orientation is its only group,
#                 [pilots as written], [partners as written])])
PROGRAMME = [
    ("Affirmation de la présence des opérateurs sociaux sur l'ensemble du territoire", [
        ("Groupe MSAP (titre absent de la présentation)", ["Etat DCPI", "CD59"],
         ["La Poste", "Opérateurs des services partenaires"]),
        ("Accueil du jeune enfant", ["Etat (DDCS)", "CAF"],
         ["CD59", "Sauvegarde du Nord", "Fédération des centres sociaux", "Education Nationale",
          "EPCI", "ARS", "DPJJ", "MSA", "UDAF", "URIOPSS"]),
        ("Premier accueil social inconditionnel de proximité", ["CD59"],
         ["UDCCAS", "FRCS", "IREV", "URIOPSS", "Acteurs locaux"]),
        ("Centres Intercommunaux d'Action Sociale", ["CD59"],
         ["UDCCAS", "URIOPSS", "AMN", "AMRN"]),
    ]),
    ("Une équité d'accès aux services de la santé sur l'ensemble du territoire", [
        ("Médiateurs santé", ["Etat (PDEC)", "ARS"],
         ["ARS", "CD59", "Organismes de sécurité sociale", "EPCI", "IREV"]),
        ("MSP - Télémédecine",
         ["ARS (en lien avec Communes, EPCI ou groupement de professionnels pour les MSP"],
         ["Etat", "CD59", "IREV", "Organismes de sécurité sociale"]),
    ]),
    ("Accès aux usages numériques favorisé", [
        (None, ["Etat (DCPI)"],
         ["CD59", "EPCI", "AMN", "FDCCS", "UDCCAS", "Caisse des Dépôts", "SIILAB..."]),
    ]),
    ("Des services de mobilité coordonnés et complétés par de nouvelles solutions "
     "collaboratives", [
        (None, ["Région (Direction des Transports)"],
         ["Etat (DDTM, DDCCS, DREAL)", "CD59", "EPCI", "SMIRT", "FNAUT", "ADUS", "AOM",
          "Associations (ADAV...)"]),
    ]),
    ("Un meilleur accès à l'information favorisant le retour à l'emploi", [
        (None, ["Etat (DIRECCTE)"],
         ["Etat (DSDEN, DRJSCS)", "Région", "CD59", "EPCI", "Pôle Emploi", "Missions locales",
          "PLIE", "Maisons de l'emploi", "C2RP", "Associations (AREFIE...)"]),
    ]),
    ("Un soutien à la revitalisation commerciale dans les centres-bourgs", [
        (None, ["EPCI volontaires"], ["Etat", "Région", "CD59", "Chambres Consulaires"]),
    ]),
    ("Un accès à l'éducation équitable sur l'ensemble des territoires", [
        (None, ["Etat (DSDEN, DDCS, DRAC)", "CD59", "AMN", "AMRN"], []),
    ]),
    ("Une pratique du sport par tous facilitée", [
        (None, ["Etat (DDCS)"],
         ["Etat (DCPI, PDEC, DRJSCS, DASEN)", "CD59", "ARS", "EPCI", "Opérateurs sociaux",
          "IREV", "Associations"]),
    ]),
    ("Un accès à la culture renforcé particulièrement pour les publics les plus précaires", [
        (None, ["CD59"], ["Etat", "Région", "CD59", "Etablissements culturels",
                          "Associations"]),
    ]),
]

MILESTONES = [  # (date as ISO at its precision, end or None, words of the title)
    ("2015-12-17", None, "Délibération du Conseil Départemental"),
    ("2016-05", None, "ENEIS Conseil"),
    ("2016-09", "2016-10", "7 rencontres territoriales"),
    ("2016-11-03", None, "1er Comité de pilotage"),
    ("2017-04-26", None, "Comité de pilotage de validation du projet de SDAASP"),
    ("2017-05", "2017-07", "Saisine des EPCI"),
    ("2017-08", None, "Saisine de la Région et de la CTAP"),
    ("2017-11-23", None, "Région : avis favorable"),
    ("2017-12-18", None, "approbation du schéma"),
    ("2017-12-26", None, "Arrêté préfectoral"),
    ("2018-01", None, "CTAP"),
    ("2018-03-22", None, "Comité de pilotage élargi : signature de la convention cadre"),
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_counts(nord_scheme):
    s = nord_scheme
    assert s.programme_orientations.count() == 9
    assert sum(o.groups.count() for o in s.programme_orientations.all()) == 13
    assert [o.groups.count() for o in s.programme_orientations.all()] == [4, 2, 1, 1, 1, 1, 1,
                                                                            1, 1]
    assert s.actions.count() == 0  # the presentation gives no fiche action
    assert s.findings.count() == 5
    assert s.strategic_orientations.count() == 3
    assert [o.sub_objectives.count() for o in s.strategic_orientations.all()] == [2, 2, 0]
    assert s.levers.count() == 3
    assert s.convention.commitments.count() == 5
    assert s.convention.signatories.count() == 0  # not listed by the presentation


def test_every_pilot_and_partner(nord_scheme):
    orientations = list(nord_scheme.programme_orientations.all())
    for orientation, (title, groups) in zip(orientations, PROGRAMME, strict=True):
        assert orientation.title == title
        for group, (gtitle, pilots, partners) in zip(orientation.groups.all(), groups,
                                                     strict=True):
            assert group.title == (gtitle or title)
            assert [p.label for p in group.pilots()] == pilots, group.title
            assert [p.label for p in group.partners()] == partners, group.title
            for p in group.participants.all():  # every label linked to an organisation
                assert p.organisations.exists(), p.label


def test_labels_are_in_the_seed_as_written(nord_scheme, seed_text):
    text = _norm(seed_text)
    for _title, groups in PROGRAMME:
        for gtitle, pilots, partners in groups:
            if gtitle and "absent" not in gtitle:
                assert _norm(gtitle) in text
            for label in pilots + partners:
                assert label in text, label
    for o in nord_scheme.strategic_orientations.all():
        assert o.title in text
        for sub in o.sub_objectives.all():
            assert sub.text in text
    for f in nord_scheme.findings.all():
        assert f.text in text
    for lever in nord_scheme.levers.all():
        assert lever.title in text
    for c in nord_scheme.convention.commitments.all():
        assert c.text in text
    # the seed's table has 4 groups titled in the first orientation (one title lost) and 2
    # in the health one
    for title in ("Accueil du jeune enfant", "Centres Intercommunaux d'Action Sociale",
                  "Médiateurs santé"):
        assert title in text


def test_organisation_links(nord_scheme):
    from sdaasp.scheme.programme.models import GroupParticipant

    def orgs(label: str) -> set[str]:
        p = GroupParticipant.objects.filter(group__orientation__scheme=nord_scheme,
                                            label=label).first()
        return {o.key for o in p.organisations.all()}

    assert orgs("Etat DCPI") == {"etat-dcpi"}
    assert orgs("Etat (DDTM, DDCCS, DREAL)") == {"etat-ddtm", "etat-ddccs", "etat-dreal"}
    assert orgs("Associations (ADAV...)") == {"associations", "adav"}
    assert orgs("Région (Direction des Transports)") == {"region"}
    assert orgs("EPCI volontaires") == {"epci-volontaires"}


def test_every_date_of_the_calendar(nord_scheme):
    from sdaasp.scheme.dates import FuzzyDate

    got = [(FuzzyDate(m.date, m.precision).iso(),
            FuzzyDate(m.end, m.end_precision).iso() if m.end else None, m.title)
           for m in nord_scheme.milestones.all()]
    assert len(got) == len(MILESTONES)
    for (date, end, words), (gdate, gend, gtitle) in zip(MILESTONES, got, strict=True):
        assert (gdate, gend) == (date, end)
        assert words in gtitle
    phases = [(p.kind, FuzzyDate(p.start, p.start_precision).iso(),
               FuzzyDate(p.end, p.end_precision).iso()) for p in nord_scheme.phases.all()]
    assert phases == [("diagnostic", "2016-05", "2016-11"), ("programme", "2017-01", "2017-03"),
                      ("validation", "2017-04", "2017-12"), ("animation", "2018", "2023")]
    meetings = [(m.date.isoformat(), [d.text for d in m.decisions.all()])
                for b in nord_scheme.bodies.all() for m in b.meetings.all()]
    assert meetings == [("2016-11-03", ["Diagnostic validé"]),
                        ("2017-04-26", ["Projet de SDAASP validé"]),
                        ("2018-03-22", ["Convention cadre signée"])]
    assert nord_scheme.convention.signed_on == dt.date(2018, 3, 22)
    assert nord_scheme.convention.signed_at_meeting.title == "Comité de pilotage élargi"


def test_procedure_as_given(nord_scheme):
    v = nord_scheme.versions.get()
    assert v.status == "en_vigueur"
    tally = v.tallies.get()
    assert (tally.consultee_kind, tally.favourable, tally.deemed_favourable) == ("epci", 14, 4)
    assert tally.total == 18
    assert v.consultations.filter(consultee_kind="epci").count() == 0  # counts, not names
    region = v.consultations.get(consultee_kind="region")
    assert (region.opinion, region.opinion_date) == ("favorable", dt.date(2017, 11, 23))
    assert region.state() == "donne"
    ctap = v.consultations.get(consultee_kind="ctap")
    assert ctap.opinion == ""  # never typed...
    assert ctap.state() == "repute" and ctap.effective_opinion() == "favorable"  # ...computed
    approval = v.approvals.get()
    assert (approval.decision, approval.date) == ("approuve", dt.date(2017, 12, 18))
    assert v.arrete_date == dt.date(2017, 12, 26)
    assert nord_scheme.term == (dt.date(2017, 12, 26), dt.date(2023, 12, 26))
    assert nord_scheme.phase == "animation"


def test_loading_twice_changes_nothing(nord_scheme):
    from sdaasp.scheme.exchange.export import scheme_to_dict
    from sdaasp.scheme.history.models import ChangeLog
    from sdaasp.scheme.nord import load_seed

    before, n_log = scheme_to_dict(nord_scheme), ChangeLog.objects.count()
    load_seed()
    assert scheme_to_dict(nord_scheme) == before
    assert ChangeLog.objects.count() == n_log


def test_bad_seed_is_refused_with_every_problem(tmp_path):
    import json

    from sdaasp.errors import InputFileError
    from sdaasp.scheme.nord import NORD_FILE, read_seed

    data = json.loads(NORD_FILE.read_text(encoding="utf-8"))
    data["programme"][0]["groups"][0]["pilots"][0]["orgs"] = ["inconnue"]
    data["milestones"][0]["date"] = "17/12/2015"
    bad = tmp_path / "mauvais.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        read_seed(bad)
    msg = str(exc.value)
    assert "2 problèmes" in msg and "inconnue" in msg and "17/12/2015" in msg
    assert "mauvais.json" in msg


def test_epci_organisations_linked_to_the_territory(nord_scheme, nord_db):
    from sdaasp.diagnostic.territory.models import Epci
    from sdaasp.scheme.organisations.models import Organisation
    from sdaasp.scheme.organisations.services import do_sync_epci_organisations

    parent = Organisation.objects.get(departement="59", key="epci")
    n = do_sync_epci_organisations("59", parent=parent)
    epcis = Epci.objects.filter(departement_id="59")
    assert n == epcis.count() > 0
    linked = Organisation.objects.filter(departement="59", epci__isnull=False)
    assert {o.epci.siren for o in linked} == set(epcis.values_list("siren", flat=True))
    assert all(o.parent_id == parent.pk and o.key == f"epci-{o.epci.siren}" for o in linked)
