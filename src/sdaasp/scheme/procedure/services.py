"""The one write path of the procedure: each step checks the legal chain, records a milestone
where the timeline needs one, and writes the change log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from sdaasp.scheme.dates import DAY, FuzzyDate
from sdaasp.scheme.errors import SchemeError
from sdaasp.scheme.history.services import record, record_upsert, upsert
from sdaasp.scheme.procedure.models import (
    ApprovalDecision,
    Consultation,
    ConsultationTally,
    Decision,
    Milestone,
    MilestoneKind,
    Phase,
    PhaseKind,
    Scheme,
    SchemeVersion,
    VersionKind,
    VersionStatus,
)


@transaction.atomic
def do_create_scheme(departement: str, *, title: str, period_start_year: int,
                     period_end_year: int, user: Any = None, **extra: Any) -> Scheme:
    scheme, created, changes = upsert(
        Scheme, {"departement": departement, "period_start_year": period_start_year},
        {"title": title, "period_end_year": period_end_year, **extra})
    if not scheme.versions.exists():
        SchemeVersion.objects.create(scheme=scheme, number=1, kind=VersionKind.INITIAL,
                                     label="Projet de schéma")
    record_upsert(user, departement, scheme, created, changes)
    return scheme


@transaction.atomic
def do_add_milestone(scheme: Scheme, *, title: str, kind: str, date: FuzzyDate,
                     end: FuzzyDate | None = None, note: str = "", user: Any = None) -> Milestone:
    """Add a dated milestone (idempotent on date, kind and title)."""
    m, created, changes = upsert(
        Milestone, {"scheme": scheme, "date": date.value, "kind": kind, "title": title},
        {"precision": date.precision, "end": end.value if end else None,
         "end_precision": end.precision if end else DAY, "note": note})
    record_upsert(user, scheme.departement, m, created, changes)
    return m


@transaction.atomic
def do_set_phase(scheme: Scheme, kind: str, *, label: str, start: FuzzyDate,
                 end: FuzzyDate | None = None, description: str = "",
                 user: Any = None) -> Phase:
    phase, created, changes = upsert(
        Phase, {"scheme": scheme, "kind": kind, "start": start.value},
        {"label": label, "start_precision": start.precision,
         "end": end.value if end else None,
         "end_precision": end.precision if end else DAY, "description": description})
    current = scheme.phases.order_by("-start").first()
    if current is not None and scheme.phase != current.kind:
        scheme.phase = current.kind
        scheme.save(update_fields=["phase"])
    record_upsert(user, scheme.departement, phase, created, changes)
    return phase


def _editable(version: SchemeVersion) -> None:
    if version.status in (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED):
        raise SchemeError(f"La version {version.number} est {version.get_status_display().lower()}"
                          " : créez une nouvelle version (modification ou révision).")


@transaction.atomic
def do_transmit_draft(version: SchemeVersion, *, consultee_kind: str, transmitted: FuzzyDate,
                      organisation: Any = None, received_on: dt.date | None = None,
                      note: str = "", user: Any = None) -> Consultation:
    """Send the draft to a consultee: the three-month clock starts."""
    _editable(version)
    if version.status == VersionStatus.APPROVED:
        raise SchemeError("Le projet est déjà approuvé : il ne peut plus être soumis pour avis.")
    if received_on is not None and received_on < transmitted.value:
        raise SchemeError("La date de réception précède la date de transmission.")
    c, _ = Consultation.objects.update_or_create(
        version=version, consultee_kind=consultee_kind, organisation=organisation,
        defaults={"transmitted_on": transmitted.value,
                  "transmitted_precision": transmitted.precision,
                  "received_on": received_on, "note": note},
    )
    if version.status == VersionStatus.DRAFT:
        version.status = VersionStatus.CONSULTATION
        version.save(update_fields=["status"])
    record(user, version.scheme.departement, c, "transmission du projet",
           {"transmis le": transmitted.iso(), "reçu le": received_on})
    return c


@transaction.atomic
def do_record_opinion(consultation: Consultation, *, opinion: str, opinion_date: dt.date,
                      deliberation_ref: str = "", note: str = "",
                      user: Any = None) -> Consultation:
    """Record an opinion given by deliberation (a late one is kept but does not count)."""
    if opinion_date < consultation.transmitted_on:
        raise SchemeError("L'avis ne peut pas précéder la transmission du projet.")
    consultation.opinion = opinion
    consultation.opinion_date = opinion_date
    consultation.deliberation_ref = deliberation_ref
    if note:
        consultation.note = note
    consultation.save()
    record(user, consultation.version.scheme.departement, consultation, "avis",
           {"avis": opinion, "date": opinion_date, "délibération": deliberation_ref})
    return consultation


@transaction.atomic
def do_record_tally(version: SchemeVersion, *, consultee_kind: str, transmitted: FuzzyDate,
                    transmitted_end: FuzzyDate | None = None, favourable: int | None = None,
                    favourable_with_reservations: int | None = None,
                    unfavourable: int | None = None, deemed_favourable: int | None = None,
                    note: str = "", user: Any = None) -> ConsultationTally:
    """Counts of opinions as reported by a source that does not list them one by one."""
    t, created, changes = upsert(
        ConsultationTally, {"version": version, "consultee_kind": consultee_kind},
        {"transmitted_on": transmitted.value,
                  "transmitted_precision": transmitted.precision,
                  "transmitted_end": transmitted_end.value if transmitted_end else None,
                  "transmitted_end_precision": transmitted_end.precision
                  if transmitted_end else DAY,
                  "favourable": favourable,
                  "favourable_with_reservations": favourable_with_reservations,
                  "unfavourable": unfavourable, "deemed_favourable": deemed_favourable,
                  "note": note})
    if version.status == VersionStatus.DRAFT:
        version.status = VersionStatus.CONSULTATION
        version.save(update_fields=["status"])
    record_upsert(user, version.scheme.departement, t, created, changes)
    return t


def pending_consultations(version: SchemeVersion, on: dt.date) -> list[Consultation]:
    """Consultations still without an opinion, given or deemed, on a date."""
    return [c for c in version.consultations.select_related("version__scheme")
            if c.effective_opinion(on) is None]


@transaction.atomic
def do_record_approval(version: SchemeVersion, *, decision: str, date: dt.date,
                       deliberation_ref: str = "", body: str = "Conseil départemental",
                       note: str = "", user: Any = None) -> ApprovalDecision:
    """The conseil départemental's vote. A rejection sends the draft back to preparation."""
    _editable(version)
    if version.status == VersionStatus.APPROVED:
        raise SchemeError("Cette version est déjà approuvée.")
    if decision == Decision.APPROVED:
        if not (version.consultations.exists() or version.tallies.exists()):
            raise SchemeError("Le projet n'a été soumis à aucun avis (EPCI, Région, CTAP).")
        pending = pending_consultations(version, date)
        if pending:
            names = ", ".join(str(c.organisation or c.get_consultee_kind_display())
                              for c in pending)
            raise SchemeError(f"Avis encore attendus à cette date : {names}.")
    approval = ApprovalDecision.objects.create(
        version=version, decision=decision, date=date, deliberation_ref=deliberation_ref,
        body=body, note=note)
    version.status = (VersionStatus.APPROVED if decision == Decision.APPROVED
                      else VersionStatus.DRAFT)
    version.save(update_fields=["status"])
    kind = MilestoneKind.APPROBATION if decision == Decision.APPROVED else MilestoneKind.REJET
    title = ("Approbation du schéma" if decision == Decision.APPROVED
             else "Rejet du projet : renvoyé en préparation")
    Milestone.objects.get_or_create(scheme=version.scheme, date=date, kind=kind,
                                    defaults={"title": f"{title} ({body})"})
    record(user, version.scheme.departement, approval, "délibération",
           {"décision": decision, "date": date, "référence": deliberation_ref})
    return approval


@transaction.atomic
def do_record_arrete(version: SchemeVersion, *, date: dt.date, reference: str = "",
                     user: Any = None) -> SchemeVersion:
    """The prefectoral arrêté: the approved version comes into force for six years."""
    if version.status != VersionStatus.APPROVED:
        raise SchemeError("L'arrêté préfectoral suit l'approbation par le conseil "
                          "départemental : cette version n'est pas approuvée.")
    last = version.approvals.filter(decision=Decision.APPROVED).order_by("-date").first()
    if last is not None and date < last.date:
        raise SchemeError("L'arrêté ne peut pas précéder la délibération d'approbation.")
    version.scheme.versions.filter(status=VersionStatus.IN_FORCE).exclude(pk=version.pk) \
        .update(status=VersionStatus.SUPERSEDED)
    version.status = VersionStatus.IN_FORCE
    version.arrete_date = date
    version.arrete_reference = reference
    version.save(update_fields=["status", "arrete_date", "arrete_reference"])
    Milestone.objects.get_or_create(scheme=version.scheme, date=date, kind=MilestoneKind.ARRETE,
                                    defaults={"title": "Arrêté préfectoral"})
    scheme = version.scheme
    if scheme.phase in (PhaseKind.DIAGNOSTIC, PhaseKind.PROGRAMME, PhaseKind.VALIDATION,
                        PhaseKind.REVISION):
        scheme.phase = PhaseKind.ANIMATION
        scheme.save(update_fields=["phase"])
    record(user, scheme.departement, version, "arrêté préfectoral",
           {"date": date, "référence": reference})
    return version


@transaction.atomic
def do_publish_version(version: SchemeVersion, *, date: dt.date, medium: str,
                       make_public: bool = True, user: Any = None) -> SchemeVersion:
    """Record the publication and, by default, open the scheme's pages to the public."""
    if version.status != VersionStatus.IN_FORCE:
        raise SchemeError("Seule une version arrêtée peut être publiée.")
    version.published_on = date
    version.publication_medium = medium
    version.save(update_fields=["published_on", "publication_medium"])
    if make_public and not version.scheme.visible_to_public:
        version.scheme.visible_to_public = True
        version.scheme.save(update_fields=["visible_to_public"])
    Milestone.objects.get_or_create(scheme=version.scheme, date=date,
                                    kind=MilestoneKind.PUBLICATION,
                                    defaults={"title": f"Publication ({medium})"})
    record(user, version.scheme.departement, version, "publication",
           {"date": date, "support": medium})
    return version


@transaction.atomic
def do_create_version(scheme: Scheme, *, kind: str, label: str, reason: str = "",
                      user: Any = None) -> SchemeVersion:
    """Amend the draft or start a revision: the current content is frozen into the previous
    version, which stays readable; the new version goes through the same chain again."""
    from sdaasp.scheme.exchange.export import scheme_to_dict

    if kind not in (VersionKind.AMENDEMENT, VersionKind.REVISION):
        raise SchemeError("Une nouvelle version est une modification ou une révision.")
    previous = scheme.current_version
    if previous is None:
        raise SchemeError("Ce schéma n'a pas de version.")
    if kind == VersionKind.AMENDEMENT and previous.status in (VersionStatus.IN_FORCE,
                                                             VersionStatus.APPROVED):
        raise SchemeError("Un schéma approuvé ou arrêté se modifie par une révision.")
    if kind == VersionKind.REVISION and previous.status != VersionStatus.IN_FORCE:
        raise SchemeError("Seul un schéma arrêté peut être révisé ; modifiez le projet.")
    previous.snapshot = scheme_to_dict(scheme)
    update = ["snapshot"]
    if previous.status != VersionStatus.IN_FORCE:
        previous.status = VersionStatus.SUPERSEDED
        update.append("status")
    previous.save(update_fields=update)
    version = SchemeVersion.objects.create(scheme=scheme, number=previous.number + 1,
                                           kind=kind, label=label, reason=reason)
    if kind == VersionKind.REVISION:
        scheme.phase = PhaseKind.REVISION
        scheme.save(update_fields=["phase"])
        Milestone.objects.create(scheme=scheme, date=dt.date.today(),
                                 kind=MilestoneKind.REVISION, title=f"Révision : {label}")
    record(user, scheme.departement, version, "nouvelle version",
           {"nature": kind, "motif": reason})
    return version


@transaction.atomic
def do_set_clock_start(scheme: Scheme, clock: str, *, user: Any = None) -> Scheme:
    before = scheme.deemed_clock_start
    scheme.deemed_clock_start = clock
    scheme.save(update_fields=["deemed_clock_start"])
    record(user, scheme.departement, scheme, "départ du délai", {"avant": before,
                                                                 "après": clock})
    return scheme
