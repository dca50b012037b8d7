"""The scheme and its legal procedure (loi NOTRe art. 98, décret 2016-402 art. 1 to 3).

A scheme has versions: the draft sent for opinions, amended drafts, and later revisions. An
opinion not given within three months is deemed favourable: :meth:`Consultation.state`
computes it, it is never stored.
"""

from __future__ import annotations

import datetime as dt

from django.db import models

from sdaasp.scheme.dates import DAY, MONTH, YEAR, FuzzyDate, add_months, deemed_deadline

PRECISION_CHOICES = [(DAY, "jour"), (MONTH, "mois"), (YEAR, "année")]
TERM_MONTHS = 72  # six years (loi NOTRe art. 98)


class ClockStart(models.TextChoices):
    TRANSMISSION = "transmission", "date de transmission du projet"
    RECEPTION = "reception", "date de réception par l'organisme consulté"


class PhaseKind(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    PROGRAMME = "programme", "Programme d'actions"
    VALIDATION = "validation", "Validation"
    ANIMATION = "animation", "Mise en œuvre (animation)"
    REVISION = "revision", "Révision"


class MilestoneKind(models.TextChoices):
    LANCEMENT = "lancement", "Lancement"
    CONCERTATION = "concertation", "Concertation"
    COMITE = "comite", "Comité"
    SAISINE = "saisine", "Saisine pour avis"
    AVIS = "avis", "Avis"
    APPROBATION = "approbation", "Approbation"
    REJET = "rejet", "Rejet"
    ARRETE = "arrete", "Arrêté préfectoral"
    PUBLICATION = "publication", "Publication"
    REVISION = "revision", "Révision"
    AUTRE = "autre", "Autre"


class VersionKind(models.TextChoices):
    INITIAL = "initial", "Projet initial"
    AMENDEMENT = "amendement", "Projet modifié"
    REVISION = "revision", "Révision"


class VersionStatus(models.TextChoices):
    DRAFT = "brouillon", "Projet en préparation"
    CONSULTATION = "consultation", "En consultation"
    APPROVED = "approuve", "Approuvé par le conseil départemental"
    IN_FORCE = "en_vigueur", "Arrêté (en vigueur)"
    SUPERSEDED = "remplace", "Remplacé"


class ConsulteeKind(models.TextChoices):
    EPCI = "epci", "EPCI à fiscalité propre"
    REGION = "region", "Région"
    CTAP = "ctap", "Conférence territoriale de l'action publique (CTAP)"
    AUTRE = "autre", "Autre"


class Opinion(models.TextChoices):
    FAVOURABLE = "favorable", "Favorable"
    RESERVED = "favorable_reserves", "Favorable avec réserves"
    UNFAVOURABLE = "defavorable", "Défavorable"


class ConsultationState(models.TextChoices):
    GIVEN = "donne", "Avis rendu"
    DEEMED = "repute", "Réputé favorable"
    PENDING = "attente", "En attente"
    UNKNOWN = "inconnu", "Délai non calculable"


class Decision(models.TextChoices):
    APPROVED = "approuve", "Approuvé"
    REJECTED = "rejete", "Rejeté (renvoyé en préparation)"


class Scheme(models.Model):
    departement = models.CharField("département", max_length=3, db_index=True)
    title = models.CharField("intitulé", max_length=300)
    period_start_year = models.PositiveSmallIntegerField("première année")
    period_end_year = models.PositiveSmallIntegerField("dernière année")
    deemed_clock_start = models.CharField(
        "départ du délai de trois mois", max_length=20, choices=ClockStart.choices,
        default=ClockStart.TRANSMISSION)
    deemed_months = models.PositiveSmallIntegerField("délai des avis (mois)", default=3)
    visible_to_public = models.BooleanField(
        "visible du public", default=False,
        help_text="Le contenu publié (procédure, stratégie, gouvernance, programme) est lisible "
                  "sans compte ; le suivi interne ne l'est jamais.")
    phase = models.CharField("phase en cours", max_length=20, choices=PhaseKind.choices,
                             default=PhaseKind.DIAGNOSTIC)

    class Meta:
        verbose_name = "schéma"
        ordering = ["departement", "-period_start_year"]
        constraints = [models.UniqueConstraint(fields=["departement", "period_start_year"],
                                               name="scheme_unique_period")]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> SchemeVersion | None:
        return self.versions.order_by("-number").first()

    @property
    def in_force_version(self) -> SchemeVersion | None:
        return self.versions.filter(status=VersionStatus.IN_FORCE).order_by("-number").first()

    @property
    def term(self) -> tuple[dt.date, dt.date] | None:
        """Six-year term started by the prefectoral arrêté of the version in force."""
        v = self.in_force_version
        if v is None or v.arrete_date is None:
            return None
        return v.arrete_date, add_months(v.arrete_date, TERM_MONTHS)


class Phase(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("phase", max_length=20, choices=PhaseKind.choices)
    label = models.CharField("intitulé", max_length=200)
    start = models.DateField("début")
    start_precision = models.CharField("précision du début", max_length=6,
                                       choices=PRECISION_CHOICES, default=DAY)
    end = models.DateField("fin", null=True, blank=True)
    end_precision = models.CharField("précision de la fin", max_length=6,
                                     choices=PRECISION_CHOICES, default=DAY)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "phase"
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.label


class Milestone(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("nature", max_length=20, choices=MilestoneKind.choices)
    title = models.CharField("intitulé", max_length=300)
    date = models.DateField("date")
    precision = models.CharField("précision", max_length=6, choices=PRECISION_CHOICES,
                                 default=DAY)
    end = models.DateField("fin (période)", null=True, blank=True)
    end_precision = models.CharField("précision de la fin", max_length=6,
                                     choices=PRECISION_CHOICES, default=DAY)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "jalon"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{FuzzyDate(self.date, self.precision).french()} : {self.title}"


class SchemeVersion(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("numéro")
    kind = models.CharField("nature", max_length=20, choices=VersionKind.choices)
    label = models.CharField("intitulé", max_length=300)
    reason = models.TextField("motif", blank=True)
    status = models.CharField("état", max_length=20, choices=VersionStatus.choices,
                              default=VersionStatus.DRAFT)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    snapshot = models.JSONField("contenu figé", null=True, blank=True, editable=False,
                                help_text="Contenu du schéma au moment où cette version a été "
                                          "remplacée : les versions anciennes restent lisibles.")
    arrete_reference = models.CharField("référence de l'arrêté", max_length=200, blank=True)
    arrete_date = models.DateField("date de l'arrêté", null=True, blank=True)
    published_on = models.DateField("publié le", null=True, blank=True)
    publication_medium = models.CharField("support de publication", max_length=300, blank=True)

    class Meta:
        verbose_name = "version du schéma"
        verbose_name_plural = "versions du schéma"
        ordering = ["scheme", "number"]
        constraints = [models.UniqueConstraint(fields=["scheme", "number"],
                                               name="version_unique_number")]

    def __str__(self) -> str:
        return f"Version {self.number} — {self.label}"


class Consultation(models.Model):
    """One consultee's opinion on one version; the deemed opinion is computed."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE,
                                related_name="consultations")
    consultee_kind = models.CharField("organisme consulté", max_length=10,
                                      choices=ConsulteeKind.choices)
    organisation = models.ForeignKey("scheme_organisations.Organisation",
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="consultations", verbose_name="organisation")
    transmitted_on = models.DateField("transmis le")
    transmitted_precision = models.CharField("précision", max_length=6,
                                             choices=PRECISION_CHOICES, default=DAY)
    received_on = models.DateField("reçu le", null=True, blank=True)
    opinion = models.CharField("avis", max_length=20, choices=Opinion.choices, blank=True)
    opinion_date = models.DateField("date de l'avis (délibération)", null=True, blank=True)
    deliberation_ref = models.CharField("référence de la délibération", max_length=200,
                                        blank=True)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "consultation"
        ordering = ["version", "consultee_kind", "transmitted_on", "id"]

    def __str__(self) -> str:
        who = self.organisation or self.get_consultee_kind_display()
        return f"Avis de {who} sur la version {self.version.number}"

    def clock_start(self) -> dt.date | None:
        """Start of the délai: the transmission (or receipt) day; for a date known only to
        the month, its last day, so that the consultee is never given less than its due."""
        clock = self.version.scheme.deemed_clock_start
        if clock == ClockStart.RECEPTION:
            return self.received_on
        return FuzzyDate(self.transmitted_on, self.transmitted_precision).last_day

    def deadline(self) -> dt.date | None:
        start = self.clock_start()
        if start is None:
            return None
        return deemed_deadline(start, months=self.version.scheme.deemed_months)

    def state(self, today: dt.date | None = None) -> str:
        """Given, deemed favourable, pending, or unknown (receipt date missing)."""
        today = today or dt.date.today()
        deadline = self.deadline()
        given_in_time = bool(self.opinion) and (
            deadline is None or self.opinion_date is None or self.opinion_date <= deadline)
        if given_in_time:
            return ConsultationState.GIVEN
        if deadline is None:
            return ConsultationState.UNKNOWN
        if today > deadline:
            return ConsultationState.DEEMED
        return ConsultationState.PENDING

    def effective_opinion(self, today: dt.date | None = None) -> str | None:
        state = self.state(today)
        if state == ConsultationState.GIVEN:
            return self.opinion
        if state == ConsultationState.DEEMED:
            return Opinion.FAVOURABLE
        return None

    def state_label(self, today: dt.date | None = None) -> str:
        return ConsultationState(self.state(today)).label


class ConsultationTally(models.Model):
    """Counts of opinions as a source reports them, when it does not say who said what."""

    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE,
                                related_name="tallies")
    consultee_kind = models.CharField("organismes consultés", max_length=10,
                                      choices=ConsulteeKind.choices)
    transmitted_on = models.DateField("transmis à partir de")
    transmitted_precision = models.CharField("précision", max_length=6,
                                             choices=PRECISION_CHOICES, default=DAY)
    transmitted_end = models.DateField("transmis jusqu'à", null=True, blank=True)
    transmitted_end_precision = models.CharField("précision", max_length=6,
                                                 choices=PRECISION_CHOICES, default=DAY)
    favourable = models.PositiveSmallIntegerField("avis favorables", null=True, blank=True)
    favourable_with_reservations = models.PositiveSmallIntegerField(
        "avis favorables avec réserves", null=True, blank=True)
    unfavourable = models.PositiveSmallIntegerField("avis défavorables", null=True, blank=True)
    deemed_favourable = models.PositiveSmallIntegerField("avis réputés favorables", null=True,
                                                         blank=True)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "décompte d'avis"
        verbose_name_plural = "décomptes d'avis"

    def __str__(self) -> str:
        return f"Décompte des avis ({self.get_consultee_kind_display()})"

    @property
    def total(self) -> int:
        return sum(v or 0 for v in (self.favourable, self.favourable_with_reservations,
                                    self.unfavourable, self.deemed_favourable))


class ApprovalDecision(models.Model):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE,
                                related_name="approvals")
    decision = models.CharField("décision", max_length=10, choices=Decision.choices)
    date = models.DateField("date de la délibération")
    deliberation_ref = models.CharField("référence de la délibération", max_length=200,
                                        blank=True)
    body = models.CharField("instance", max_length=200, default="Conseil départemental")
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "délibération d'approbation"
        verbose_name_plural = "délibérations d'approbation"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} le {self.date:%d/%m/%Y}"
