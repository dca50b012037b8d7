"""The programme: orientations → working groups → actions (fiches action), with actors,
objectives, target territories, indicators (yearly targets and results), budget lines and
dated follow-up notes. "En retard" is computed from the dates, never stored."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class ActionStatus(models.TextChoices):
    PLANNED = "a_venir", "À venir"
    ONGOING = "en_cours", "En cours"
    DONE = "realise", "Réalisé"
    PAUSED = "en_pause", "En pause"
    ABANDONED = "abandonne", "Abandonné"
    BLOCKED = "bloque", "Bloqué"


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)


class ParticipantRole(models.TextChoices):
    PILOT = "pilote", "Pilote"
    COPILOT = "copilote", "Co-pilote"
    PARTNER = "partenaire", "Partenaire"


class Direction(models.TextChoices):
    UP = "hausse", "À augmenter"
    DOWN = "baisse", "À diminuer"


class ProgrammeOrientation(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="programme_orientations")
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=300)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "orientation du programme"
        verbose_name_plural = "orientations du programme"
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"],
                                               name="progorientation_unique_code")]

    def __str__(self) -> str:
        return self.title


class WorkingGroup(models.Model):
    orientation = models.ForeignKey(ProgrammeOrientation, on_delete=models.CASCADE,
                                    related_name="groups")
    position = models.PositiveSmallIntegerField("ordre")
    code = models.CharField("code", max_length=20)
    title = models.CharField("intitulé", max_length=300)
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "groupe de travail"
        verbose_name_plural = "groupes de travail"
        ordering = ["orientation__position", "position"]

    def __str__(self) -> str:
        return self.title

    @property
    def scheme(self):
        return self.orientation.scheme

    def pilots(self):
        return self.participants.filter(role=ParticipantRole.PILOT)

    def partners(self):
        return self.participants.filter(role=ParticipantRole.PARTNER)


class GroupParticipant(models.Model):
    """A pilot or partner of a working group, its label kept exactly as the source wrote it."""

    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE,
                              related_name="participants")
    role = models.CharField("rôle", max_length=12, choices=ParticipantRole.choices)
    position = models.PositiveSmallIntegerField("ordre")
    label = models.CharField("libellé (tel qu'écrit)", max_length=300)
    organisations = models.ManyToManyField("scheme_organisations.Organisation",
                                           related_name="group_participations",
                                           verbose_name="organisations")

    class Meta:
        verbose_name = "pilote ou partenaire du groupe"
        verbose_name_plural = "pilotes et partenaires des groupes"
        ordering = ["group", "role", "position"]
        constraints = [models.UniqueConstraint(fields=["group", "role", "position"],
                                               name="participant_unique_position")]

    def __str__(self) -> str:
        return self.label


class Action(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="actions")
    group = models.ForeignKey(WorkingGroup, on_delete=models.PROTECT, related_name="actions")
    code = models.CharField("code", max_length=30)
    title = models.CharField("intitulé", max_length=300)
    is_example = models.BooleanField(
        "exemple (fictif)", default=False,
        help_text="Action de démonstration, absente du schéma réel : "
                  "affichée « exemple (fictif) ».")
    description = models.TextField("description", blank=True)
    quantitative_objectives = models.TextField("objectifs quantitatifs", blank=True)
    qualitative_objectives = models.TextField("objectifs qualitatifs", blank=True)
    target_epcis = models.ManyToManyField("territory.Epci", blank=True, related_name="+",
                                          verbose_name="EPCI ciblés")
    target_communes = models.ManyToManyField("territory.Commune", blank=True, related_name="+",
                                             verbose_name="communes ciblées")
    target_zones = models.TextField(
        "autres territoires ciblés", blank=True,
        help_text="Territoires SCoT, zones prioritaires, QPV… un par ligne.")
    start_date = models.DateField("début prévu", null=True, blank=True)
    end_date = models.DateField("fin prévue", null=True, blank=True)
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    last_update = models.DateField("dernière mise à jour", null=True, blank=True)

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches action"
        ordering = ["group__orientation__position", "group__position", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"],
                                               name="action_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def is_late(self, today: dt.date | None = None) -> bool:
        """Late: past its end and not closed, or due to start and still "à venir"."""
        today = today or dt.date.today()
        if self.status in CLOSED_STATUSES:
            return False
        if self.end_date is not None and today > self.end_date:
            return True
        return (self.status == ActionStatus.PLANNED and self.start_date is not None
                and today > self.start_date)

    def actors_by_role(self, role: str):
        return [a.organisation for a in self.actors.all() if a.role == role]


class ActionActor(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="actors")
    organisation = models.ForeignKey("scheme_organisations.Organisation",
                                     on_delete=models.PROTECT, related_name="action_roles",
                                     verbose_name="organisation")
    role = models.CharField("rôle", max_length=12, choices=ParticipantRole.choices)

    class Meta:
        verbose_name = "acteur de l'action"
        verbose_name_plural = "acteurs des actions"
        ordering = ["action", "role", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["action", "organisation", "role"],
                                               name="actor_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Indicator(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("code", max_length=40)
    name = models.CharField("indicateur", max_length=300)
    unit = models.CharField("unité", max_length=60)
    direction = models.CharField("sens souhaité", max_length=8, choices=Direction.choices,
                                 default=Direction.UP)
    baseline_value = models.DecimalField("valeur de référence", max_digits=14,
                                         decimal_places=3, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField("année de référence", null=True,
                                                     blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    diagnostic_key = models.CharField(
        "indicateur du diagnostic", max_length=120, blank=True,
        help_text="Clé d'un indicateur calculé par le diagnostic, par exemple "
                  "« share_beyond_30min:FS_FIXE » ; les résultats peuvent alors en venir.")

    class Meta:
        verbose_name = "indicateur"
        ordering = ["action", "code"]
        constraints = [models.UniqueConstraint(fields=["action", "code"],
                                               name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField("année")
    target = models.DecimalField("cible", max_digits=14, decimal_places=3, null=True,
                                 blank=True)
    result = models.DecimalField("résultat", max_digits=14, decimal_places=3, null=True,
                                 blank=True)
    result_source = models.CharField("origine du résultat", max_length=300, blank=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        ordering = ["indicator", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"],
                                               name="indicatorvalue_unique_year")]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"

    def target_met(self) -> bool | None:
        """None when the target or the result is missing (missing is not zero)."""
        if self.target is None or self.result is None:
            return None
        if self.indicator.direction == Direction.DOWN:
            return self.result <= self.target
        return self.result >= self.target


class BudgetLine(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField("année")
    label = models.CharField("poste", max_length=300)
    amount_eur = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    funder = models.ForeignKey("scheme_organisations.Organisation", on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+",
                               verbose_name="financeur")

    class Meta:
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        ordering = ["action", "year", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.year} : {self.amount_eur} €"


class FollowUpNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("date")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name="auteur")
    organisation = models.ForeignKey("scheme_organisations.Organisation",
                                     on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="organisation")
    text = models.TextField("note")

    class Meta:
        verbose_name = "note de suivi"
        verbose_name_plural = "notes de suivi"
        ordering = ["action", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.text[:60]}"
