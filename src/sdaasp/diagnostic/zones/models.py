"""Imported needs files, their values by area, QPV contours, and zones runs with results.

A run keeps everything needed to trace a figure: the parameter file (version, SHA-256), the
inputs (kind, vintage, SHA-256 of each file), the access method, the code version and a
digest of the results (equal digests, equal zones).
"""

from __future__ import annotations

from django.db import models

from sdaasp.diagnostic.territory.models import Departement

SOURCE_KINDS = [
    ("recensement", "INSEE, recensement (base IRIS ou communale)"),
    ("filosofi", "INSEE, Filosofi (taux de pauvreté)"),
    ("mel-iris-2019", "Profils sociaux des IRIS de la MEL 2019"),
    ("couverture", "Couverture fixe par commune"),
    ("qpv", "ANCT, contours des QPV"),
]
LEVELS = [("iris", "IRIS"), ("commune", "commune")]


class NeedsSource(models.Model):
    """An imported needs file for one département: only the areas (or QPV) of that
    département are kept, so a national file imported for 62 leaves 59's import untouched."""

    departement = models.ForeignKey(Departement, on_delete=models.CASCADE,
                                    related_name="needs_sources")
    kind = models.CharField("type de fichier", max_length=20, choices=SOURCE_KINDS)
    level = models.CharField("niveau", max_length=10, choices=LEVELS, blank=True)
    file_name = models.CharField("nom du fichier", max_length=255)
    label = models.CharField("source", max_length=300)
    vintage = models.CharField("millésime", max_length=20, blank=True)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    indicators = models.JSONField("indicateurs", default=list)
    definitions = models.JSONField("définitions", default=dict)
    notes = models.JSONField("remarques de lecture", default=list)
    rows = models.PositiveIntegerField("zones lues", default=0)
    imported_at = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "fichier de besoins"
        verbose_name_plural = "fichiers de besoins"
        ordering = ["departement", "kind", "file_name"]
        constraints = [models.UniqueConstraint(
            fields=["departement", "kind", "level", "file_name"],
            name="needs_source_unique_dep_file")]

    def __str__(self) -> str:
        return f"{self.label} — {self.file_name} ({self.departement_id})"


class NeedsValue(models.Model):
    """The values of one area in one source: ``{indicator: [numerator, denominator, value]}``
    (``null`` where missing)."""

    source = models.ForeignKey(NeedsSource, on_delete=models.CASCADE, related_name="values")
    code = models.CharField("code de la zone", max_length=12)
    commune_code = models.CharField("code commune", max_length=5, db_index=True)
    values = models.JSONField("valeurs")
    nom = models.CharField("nom", max_length=200, blank=True)
    geometry_wkb = models.BinaryField("géométrie (WKB, Lambert-93)", null=True, editable=False)

    class Meta:
        verbose_name = "valeurs d'une zone"
        constraints = [models.UniqueConstraint(fields=["source", "code"],
                                               name="needs_value_unique_area")]


class QpvQuerySet(models.QuerySet):
    def of_departement(self, code: str) -> QpvQuerySet:
        """The QPV imported for département ``code``: those of its needs sources (an import
        keeps only the département's QPV). An exact match, never a pattern built from a
        code (``01`` must not reach Aube's ``QN010…`` nor Aude's ``QN011…``)."""
        return self.filter(source__departement_id=code)


class Qpv(models.Model):
    source = models.ForeignKey(NeedsSource, on_delete=models.CASCADE, related_name="qpvs")
    code = models.CharField("code QPV", max_length=12)
    nom = models.CharField("nom", max_length=200)
    communes = models.CharField("communes", max_length=300, blank=True)
    geometry_wkb = models.BinaryField("géométrie (WKB, Lambert-93)", editable=False)
    geojson = models.TextField("géométrie simplifiée (GeoJSON WGS84)", editable=False)

    objects = QpvQuerySet.as_manager()

    class Meta:
        verbose_name = "quartier prioritaire (QPV)"
        verbose_name_plural = "quartiers prioritaires (QPV)"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["source", "code"],
                                               name="qpv_unique_code")]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class ZonesRun(models.Model):
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE,
                                    related_name="zones_runs")
    created_at = models.DateTimeField("calculé le", auto_now_add=True)
    code_version = models.CharField("version de sdaasp", max_length=40)
    params_name = models.CharField("paramètres", max_length=200)
    params_version = models.CharField("version des paramètres", max_length=40)
    params_sha256 = models.CharField("empreinte des paramètres", max_length=64)
    params_path = models.CharField("fichier de paramètres", max_length=500)
    inputs = models.JSONField("données d'entrée", default=list)
    access_method = models.CharField("méthode d'accessibilité", max_length=300)
    digest = models.CharField("empreinte des résultats", max_length=64)
    not_assessed = models.JSONField("dimensions non évaluées", default=dict)
    services_not_assessed = models.JSONField("services non évalués", default=list)
    summary = models.JSONField("résumé", default=dict)

    class Meta:
        verbose_name = "calcul des zones"
        verbose_name_plural = "calculs des zones"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Zones {self.departement_id} du {self.created_at:%d/%m/%Y %H:%M}"


class ZoneUnit(models.Model):
    """One analysis unit (IRIS or commune) of a run, with its status and reasons."""

    run = models.ForeignKey(ZonesRun, on_delete=models.CASCADE, related_name="units")
    unit_code = models.CharField("code", max_length=12)
    level = models.CharField("niveau", max_length=10, choices=LEVELS)
    commune_code = models.CharField("code commune", max_length=5)
    nom = models.CharField("nom", max_length=300)
    population = models.FloatField("population", null=True)
    epci_code = models.CharField("EPCI", max_length=9, blank=True)
    scot_code = models.CharField("SCoT", max_length=50, blank=True)
    acces = models.CharField("accès", max_length=20)
    statut = models.CharField("statut", max_length=20)
    partiel = models.BooleanField("décidé sur critères partiels", default=False)
    besoins_poids = models.FloatField("poids des besoins critiques")
    score = models.FloatField("score de priorité")
    motifs = models.TextField("motifs", blank=True)
    dimensions = models.JSONField("dimensions", default=dict)
    indicators = models.JSONField("indicateurs", default=dict)
    deficits = models.JSONField("parts de population au-delà du seuil", default=dict)
    geojson = models.TextField("géométrie simplifiée (GeoJSON WGS84)", editable=False)

    class Meta:
        verbose_name = "zone d'un calcul"
        ordering = ["unit_code"]
        constraints = [models.UniqueConstraint(fields=["run", "unit_code"],
                                               name="zone_unit_unique")]


class ZoneTerritory(models.Model):
    """An EPCI or SCoT of a run: population shares where each dimension is critical."""

    run = models.ForeignKey(ZonesRun, on_delete=models.CASCADE, related_name="territories")
    level = models.CharField("niveau", max_length=10)
    code = models.CharField("code", max_length=50)
    nom = models.CharField("nom", max_length=200)
    shares = models.JSONField("parts de population en situation critique")
    critiques = models.CharField("dimensions critiques", max_length=200, blank=True)
    nb_critiques = models.PositiveIntegerField("nombre de dimensions critiques")
    multiples = models.BooleanField("problématiques multiples")

    class Meta:
        verbose_name = "territoire d'un calcul"
        ordering = ["level", "nom"]
