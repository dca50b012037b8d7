"""Commune card of the map explorer, section "actions": the fiches action targeting the
commune, its EPCI or its SCoT, shown only to a visitor who may read the scheme."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def targeted(nord_scheme, nord_db):
    """Four actions: on Lille itself, on its EPCI, on its SCoT, and on another SCoT."""
    from sdaasp.diagnostic.territory.models import Commune, Scot
    from sdaasp.scheme.programme.models import WorkingGroup
    from sdaasp.scheme.programme.services import do_save_action

    lille = Commune.objects.select_related("epci__scot").get(code="59350")
    other_scot = Scot.objects.filter(departement_id="59").exclude(
        pk=lille.epci.scot_id).first()
    group = WorkingGroup.objects.filter(orientation__scheme=nord_scheme).first()
    do_save_action(group, code="T-COM", title="Sur la commune", is_example=True,
                   target_communes=[lille])
    do_save_action(group, code="T-EPCI", title="Sur l'EPCI", target_epcis=[lille.epci])
    do_save_action(group, code="T-SCOT", title="Sur le SCoT", target_scots=[lille.epci.scot])
    do_save_action(group, code="T-AUTRE", title="Ailleurs", target_scots=[other_scot])
    return lille


def _section(page: str) -> str:
    start = page.index('data-section="actions"')
    return page[start:page.index("</section>", start)]


def _codes(section: str) -> set[str]:
    return set(re.findall(r"<dt>([^<]+)</dt>", section))


def test_public_sees_actions_targeting_the_commune_its_epci_or_scot(targeted, client):
    from sdaasp.diagnostic.territory.models import Commune

    lille = targeted
    section = _section(client.get("/carte/commune/59350/fiche/").content.decode())
    assert _codes(section) == {"T-COM", "T-EPCI", "T-SCOT"}
    assert section.count("exemple (fictif)") == 1  # only T-COM is an example
    text = htmllib.unescape(section)
    assert "cible la commune" in text and "cible son EPCI" in text
    assert "cible son territoire SCoT" in text
    links = re.findall(r'href="([^"]+)"', section)
    assert sorted(links) == [f"/schema/59/actions/{c}/" for c in ("T-COM", "T-EPCI", "T-SCOT")]
    assert all(client.get(url).status_code == 200 for url in links)
    # a commune of the other SCoT sees T-AUTRE and none of Lille's
    other = Commune.objects.exclude(epci__scot=lille.epci.scot).filter(
        epci__scot__isnull=False).first()
    codes = _codes(_section(client.get(f"/carte/commune/{other.code}/fiche/")
                            .content.decode()))
    assert "T-AUTRE" in codes and not codes & {"T-COM", "T-EPCI", "T-SCOT"}
    # the map page with ?commune= renders the same card
    page = client.get("/carte/59/?commune=59350").content.decode()
    assert _codes(_section(page)) == {"T-COM", "T-EPCI", "T-SCOT"}


def test_unpublished_scheme_hidden_from_the_public_shown_to_signed_in(targeted, make_user,
                                                                     nord_scheme):
    nord_scheme.visible_to_public = False
    nord_scheme.save(update_fields=["visible_to_public"])
    public = Client().get("/carte/commune/59350/fiche/").content.decode()
    section = _section(public)
    assert "T-COM" not in section and "non disponible" in section
    reader = Client()
    reader.force_login(make_user("lecteur"))
    section = _section(reader.get("/carte/commune/59350/fiche/").content.decode())
    assert _codes(section) == {"T-COM", "T-EPCI", "T-SCOT"}
