"""The one write path for organisations and people."""

from __future__ import annotations

from django.db import transaction

from sdaasp.scheme.organisations.models import Organisation, OrganisationKind, Person, Role


@transaction.atomic
def do_upsert_organisation(departement: str, key: str, *, name: str, kind: str,
                           full_name: str = "", collective: bool = False,
                           note: str = "", parent: Organisation | None = None) -> Organisation:
    """Create or update an organisation found by its key (idempotent for loaders)."""
    org, _ = Organisation.objects.update_or_create(
        departement=departement, key=key,
        defaults={"name": name, "kind": kind, "full_name": full_name,
                  "collective": collective, "note": note, "parent": parent},
    )
    return org


@transaction.atomic
def do_sync_epci_organisations(departement: str, *, parent: Organisation | None = None) -> int:
    """One organisation per EPCI of the saved territory, linked to it (none if not built);
    ``parent`` is the collective "EPCI" organisation, so that each EPCI's referent reports on
    the actions where "EPCI" as a whole is partner."""
    from sdaasp.diagnostic.territory.models import Epci

    n = 0
    for epci in Epci.objects.filter(departement_id=departement):
        Organisation.objects.update_or_create(
            departement=departement, key=f"epci-{epci.siren}",
            defaults={"name": epci.nom, "kind": OrganisationKind.EPCI, "epci": epci,
                      "parent": parent},
        )
        n += 1
    return n


@transaction.atomic
def do_assign_person(user, *, role: str, organisation: Organisation | None = None,
                     job_title: str = "") -> Person:
    """Give a user a role (and for a referent, the organisation it acts for)."""
    if role == Role.REFERENT and organisation is None:
        raise ValueError("Un référent doit être rattaché à une organisation.")
    person, _ = Person.objects.update_or_create(
        user=user, defaults={"role": role, "organisation": organisation, "job_title": job_title}
    )
    return person
