"""The one write path of the framework convention."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from sdaasp.scheme.convention.models import Commitment, Convention, Signatory
from sdaasp.scheme.history.services import record, record_upsert, upsert


@transaction.atomic
def do_set_convention(scheme, *, title: str, signed_on: dt.date | None, meeting=None,
                      signatories_note: str = "", commitments: list[tuple[str, str]] = (),
                      user: Any = None) -> Convention:
    conv, created, changes = upsert(
        Convention, {"scheme": scheme},
        {"title": title, "signed_on": signed_on, "signed_at_meeting": meeting,
         "signatories_note": signatories_note})
    for i, (kind, text) in enumerate(commitments, start=1):
        _, c_created, c_changes = upsert(
            Commitment, {"convention": conv, "position": i, "signatory": None},
            {"kind": kind, "text": text})
        if c_created or c_changes:
            changes[f"engagement {i}"] = [None, text]
    record_upsert(user, scheme.departement, conv, created, changes)
    return conv


@transaction.atomic
def do_add_signatory(convention: Convention, organisation, *, signed_on: dt.date | None = None,
                     referent=None, specific: str = "", user: Any = None) -> Signatory:
    """Add a signatory (and its specific commitment, if any)."""
    sig, _ = Signatory.objects.update_or_create(
        convention=convention, organisation=organisation,
        defaults={"signed_on": signed_on or convention.signed_on, "referent": referent})
    if specific:
        pos = (convention.commitments.order_by("-position").values_list("position", flat=True)
               .first() or 0) + 1
        Commitment.objects.create(convention=convention, position=pos, kind="specifique",
                                  text=specific, signatory=sig)
    record(user, convention.scheme.departement, sig, "signataire",
           {"engagement spécifique": specific})
    return sig
