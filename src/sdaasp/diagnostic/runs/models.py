"""A diagnostic run (inputs' hashes, vintages, parameters, code version, travel model, origins)
and its results aggregated per zone (commune, EPCI, SCoT, département) and service type."""

from __future__ import annotations

import math

from django.db import models

from sdaasp.diagnostic.territory.models import Departement


class Niveau(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    SCOT = "scot", "Territoire SCoT"
    DEPARTEMENT = "departement", "Département"


class DiagnosticRun(models.Model):
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE,
                                    related_name="diagnostic_runs")
    created_at = models.DateTimeField("date du calcul", auto_now_add=True)
    label = models.CharField("libellé", max_length=200, blank=True)
    travel_kind = models.CharField("modèle de déplacement", max_length=20)
    travel = models.JSONField("paramètres du modèle de déplacement", default=dict)
    origins_kind = models.CharField("origines", max_length=20)
    origins = models.JSONField("description des origines", default=dict)
    parameters = models.JSONField("paramètres", default=dict)
    inputs = models.JSONField("entrées (empreintes SHA-256 et millésimes)", default=dict)
    code_version = models.CharField("version de sdaasp", max_length=40)
    types = models.JSONField("types de services", default=list)
    warnings = models.JSONField("avertissements", default=list)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "diagnostic d'accessibilité"
        verbose_name_plural = "diagnostics d'accessibilité"

    def __str__(self) -> str:
        return f"Diagnostic {self.pk} — {self.departement_id} ({self.travel_kind})"


class AccessSummary(models.Model):
    """Population-weighted access times of one zone to one service type (minutes)."""

    run = models.ForeignKey(DiagnosticRun, on_delete=models.CASCADE, related_name="summaries")
    niveau = models.CharField("niveau", max_length=12, choices=Niveau.choices)
    code = models.CharField("code de la zone", max_length=50)
    type_code = models.CharField("type de service", max_length=40)
    population = models.FloatField("population")
    population_disponible = models.FloatField("population avec un temps calculé")
    population_non_disponible = models.FloatField("population sans temps (non disponible)")
    population_sans_acces = models.FloatField("population sans service atteignable")
    moyenne_min = models.FloatField("temps moyen", null=True)
    p10_min = models.FloatField("10e centile", null=True)
    p50_min = models.FloatField("médiane", null=True)
    p90_min = models.FloatField("90e centile", null=True)
    hab_plus_10 = models.FloatField("habitants à plus de 10 min", null=True)
    hab_plus_20 = models.FloatField("habitants à plus de 20 min", null=True)
    hab_plus_30 = models.FloatField("habitants à plus de 30 min", null=True)
    part_plus_10 = models.FloatField("part à plus de 10 min", null=True)
    part_plus_20 = models.FloatField("part à plus de 20 min", null=True)
    part_plus_30 = models.FloatField("part à plus de 30 min", null=True)
    part_moins_10 = models.FloatField("part à moins de 10 min", null=True)
    part_10_15 = models.FloatField("part de 10 à 15 min", null=True)
    part_15_20 = models.FloatField("part de 15 à 20 min", null=True)
    part_20_25 = models.FloatField("part de 20 à 25 min", null=True)
    part_plus_25 = models.FloatField("part à 25 min ou plus", null=True)
    e2sfca = models.FloatField("accessibilité potentielle E2SFCA (offre par habitant, moyenne "
                               "pondérée)", null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "niveau", "code", "type_code"],
                                               name="diagnostics_summary_unique")]
        indexes = [models.Index(fields=["run", "niveau", "type_code"])]
        verbose_name = "résultat agrégé"
        verbose_name_plural = "résultats agrégés"

    def __str__(self) -> str:
        return f"{self.run_id} {self.niveau} {self.code} {self.type_code}"

    @property
    def mean_minutes(self) -> float | None:
        """The mean time: ``None`` when not known, ``inf`` when every inhabitant with a known
        time has no reachable service. Both are stored as NULL (a database has no inf); the
        stored populations tell them apart."""
        if self.moyenne_min is not None:
            return self.moyenne_min
        reached_nobody = (self.population_disponible > 0
                          and self.population_sans_acces >= self.population_disponible)
        return math.inf if reached_nobody else None

    @property
    def moyenne_texte(self) -> str:
        """The mean in words for pages: « 12,3 », « inaccessible » or « non disponible »."""
        m = self.mean_minutes
        if m is None:
            return "non disponible"
        return "inaccessible" if math.isinf(m) else f"{m:.1f}".replace(".", ",")


#: Columns copied from the core summaries table into :class:`AccessSummary`.
SUMMARY_FIELDS = [
    "population", "population_disponible", "population_non_disponible", "population_sans_acces",
    "moyenne_min", "p10_min", "p50_min", "p90_min", "hab_plus_10", "hab_plus_20", "hab_plus_30",
    "part_plus_10", "part_plus_20", "part_plus_30", "part_moins_10", "part_10_15", "part_15_20",
    "part_20_25", "part_plus_25", "e2sfca",
]
