"""The legal chain: transmission, opinions, approval or rejection, arrêté, versions."""

from __future__ import annotations

import datetime as dt
import html

import pytest

from sdaasp.scheme.dates import FuzzyDate
from sdaasp.scheme.errors import SchemeError

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(db):
    from sdaasp.scheme.procedure.services import do_create_scheme

    return do_create_scheme("99", title="Schéma d'essai", period_start_year=2025,
                            period_end_year=2030)


def test_full_chain_with_rejection_amendment_and_revision(scheme):
    from sdaasp.scheme.procedure import services as s
    from sdaasp.scheme.programme.services import do_set_orientation

    v1 = scheme.current_version
    with pytest.raises(SchemeError, match="aucun avis"):
        s.do_record_approval(v1, decision="approuve", date=dt.date(2025, 1, 1))
    do_set_orientation(scheme, 1, "Orientation d'origine")
    epci = s.do_transmit_draft(v1, consultee_kind="epci", transmitted=FuzzyDate.parse(
        "2025-01-31"))
    assert v1.status == "consultation"
    with pytest.raises(SchemeError, match="Avis encore attendus"):  # deadline 30 April
        s.do_record_approval(v1, decision="approuve", date=dt.date(2025, 4, 30))
    # amended after the EPCI: a new version; the old one is frozen and readable
    v2 = s.do_create_version(scheme, kind="amendement", label="Projet modifié",
                             reason="Avis des EPCI")
    v1.refresh_from_db()
    assert v1.status == "remplace" and v1.snapshot["programme"][0]["title"] == \
        "Orientation d'origine"
    do_set_orientation(scheme, 1, "Orientation modifiée")
    v1.refresh_from_db()
    assert v1.snapshot["programme"][0]["title"] == "Orientation d'origine"  # unchanged
    assert epci.version_id == v1.pk
    region = s.do_transmit_draft(v2, consultee_kind="region",
                                 transmitted=FuzzyDate.parse("2025-05-15"))
    s.do_record_opinion(region, opinion="favorable_reserves", opinion_date=dt.date(2025, 7, 1))
    # rejection sends the draft back
    s.do_record_approval(v2, decision="rejete", date=dt.date(2025, 9, 1))
    v2.refresh_from_db()
    assert v2.status == "brouillon"
    with pytest.raises(SchemeError, match="pas approuvée"):
        s.do_record_arrete(v2, date=dt.date(2025, 9, 5))
    s.do_record_approval(v2, decision="approuve", date=dt.date(2025, 10, 1))
    with pytest.raises(SchemeError, match="précéder"):
        s.do_record_arrete(v2, date=dt.date(2025, 9, 30))
    s.do_record_arrete(v2, date=dt.date(2025, 10, 31), reference="2025-123")
    scheme.refresh_from_db()
    assert scheme.term == (dt.date(2025, 10, 31), dt.date(2031, 10, 31))
    assert scheme.phase == "animation"
    with pytest.raises(SchemeError, match="révision"):
        s.do_create_version(scheme, kind="amendement", label="x")
    with pytest.raises(SchemeError, match="nouvelle version"):
        s.do_transmit_draft(v2, consultee_kind="ctap", transmitted=FuzzyDate.parse("2026-01"))
    v3 = s.do_create_version(scheme, kind="revision", label="Révision 2028")
    v2.refresh_from_db()
    assert v2.status == "en_vigueur" and v2.snapshot is not None  # stays in force meanwhile
    assert scheme.in_force_version == v2 and v3.number == 3
    kinds = list(scheme.milestones.values_list("kind", flat=True))
    assert kinds.count("rejet") == 1 and "approbation" in kinds and "arrete" in kinds


def test_old_version_page_is_readable(scheme, client):
    from sdaasp.scheme.procedure import services as s
    from sdaasp.scheme.programme.services import do_set_orientation

    scheme.visible_to_public = True
    scheme.save()
    do_set_orientation(scheme, 1, "Orientation d'origine")
    s.do_transmit_draft(scheme.current_version, consultee_kind="epci",
                        transmitted=FuzzyDate.parse("2025-01-31"))
    s.do_create_version(scheme, kind="amendement", label="Projet modifié")
    do_set_orientation(scheme, 1, "Orientation modifiée")
    page = html.unescape(client.get("/schema/99/versions/1/").content.decode())
    assert "Orientation d'origine" in page and "Orientation modifiée" not in page
    assert "Orientation modifiée" in html.unescape(
        client.get("/schema/99/programme/").content.decode())


def test_procedure_page_shows_nord_timeline(nord_scheme, client):
    page = html.unescape(client.get("/schema/59/").content.decode())
    for text in ("17 décembre 2015", "mai 2016", "3 novembre 2016", "26 avril 2017",
                 "mai – juillet 2017", "août 2017", "23 novembre 2017", "18 décembre 2017",
                 "26 décembre 2017", "22 mars 2018", "Réputé favorable",
                 "du 26 décembre 2017 au 26 décembre 2023"):
        assert text in page, text
