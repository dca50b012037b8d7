"""The scheme's strategy: diagnostic findings, strategic orientations, levers of action."""

from __future__ import annotations

from django.db import models


class Finding(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="findings")
    position = models.PositiveSmallIntegerField("ordre")
    text = models.TextField("constat")
    note = models.TextField("note", blank=True)
    diagnostic_run = models.CharField(
        "diagnostic de référence", max_length=200, blank=True,
        help_text="Identifiant d'un calcul du diagnostic qui étaye ce constat, s'il existe.")

    class Meta:
        verbose_name = "élément de diagnostic"
        verbose_name_plural = "éléments de diagnostic"
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "position"],
                                               name="finding_unique_position")]

    def __str__(self) -> str:
        return self.text[:80]


class StrategicOrientation(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="strategic_orientations")
    position = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("intitulé", max_length=300)

    class Meta:
        verbose_name = "orientation stratégique"
        verbose_name_plural = "orientations stratégiques"
        ordering = ["scheme", "position"]
        constraints = [models.UniqueConstraint(fields=["scheme", "position"],
                                               name="orientation_unique_position")]

    def __str__(self) -> str:
        return self.title


class SubObjective(models.Model):
    orientation = models.ForeignKey(StrategicOrientation, on_delete=models.CASCADE,
                                    related_name="sub_objectives")
    position = models.PositiveSmallIntegerField("ordre")
    text = models.CharField("sous-objectif", max_length=300)

    class Meta:
        verbose_name = "sous-objectif"
        ordering = ["orientation", "position"]

    def __str__(self) -> str:
        return self.text


class Lever(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="levers")
    position = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("levier", max_length=300)

    class Meta:
        verbose_name = "levier d'action"
        verbose_name_plural = "leviers d'action"
        ordering = ["scheme", "position"]

    def __str__(self) -> str:
        return self.title
