"""Governance: bodies (steering and technical committees), members, meetings, decisions."""

from __future__ import annotations

from django.db import models

from sdaasp.scheme.procedure.models import PRECISION_CHOICES


class BodyKind(models.TextChoices):
    COPIL = "copil", "Comité de pilotage"
    COTECH = "cotech", "Comité technique"
    GROUPE = "groupe", "Groupe de travail"
    AUTRE = "autre", "Autre instance"


class Body(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="bodies")
    key = models.SlugField("identifiant", max_length=60)
    kind = models.CharField("nature", max_length=10, choices=BodyKind.choices)
    name = models.CharField("nom", max_length=300)
    members = models.ManyToManyField("scheme_organisations.Organisation", blank=True,
                                     related_name="bodies", verbose_name="membres")
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "instance"
        ordering = ["scheme", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["scheme", "key"],
                                               name="body_unique_key")]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date")
    precision = models.CharField("précision", max_length=6, choices=PRECISION_CHOICES,
                                 default="jour")
    title = models.CharField("intitulé", max_length=300)
    attendees = models.ManyToManyField("scheme_organisations.Organisation", blank=True,
                                       related_name="meetings", verbose_name="présents")
    minutes = models.TextField("compte rendu", blank=True)

    class Meta:
        verbose_name = "réunion"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d/%m/%Y})"


class MeetingDecision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField("ordre", default=1)
    text = models.CharField("décision", max_length=500)

    class Meta:
        verbose_name = "décision"
        ordering = ["meeting", "position"]

    def __str__(self) -> str:
        return self.text
