"""Service-offer tables: types (nomenclature), baskets, import batches and service points.

A département's points include destinations beyond its border (``hors_departement``): they
serve as nearest services but are never counted in its own inventory (see
:func:`sdaasp.diagnostic.offer.services.own_points`).

Town halls are not copied here: they live in the territory app (``territory.Mairie``) and are
added as type ``MAIRIE`` by :func:`sdaasp.diagnostic.offer.services.service_points_frame`.
"""

from __future__ import annotations

from django.db import models

from sdaasp.offer.importers import km_label


class ServiceType(models.Model):
    code = models.CharField("code", max_length=20, primary_key=True)
    libelle = models.CharField("libellé", max_length=200)
    domaine = models.CharField("domaine", max_length=100, blank=True)
    sous_domaine = models.CharField("sous-domaine", max_length=100, blank=True)
    gamme = models.CharField("gamme", max_length=20, blank=True)
    panier = models.BooleanField("panier de la vie courante", default=False)
    annees = models.CharField("millésimes BPE", max_length=50, blank=True)
    origine = models.CharField("origine", max_length=10, default="bpe")

    class Meta:
        verbose_name = "type de service"
        verbose_name_plural = "types de service"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.libelle}"


class Basket(models.Model):
    code = models.SlugField("code", max_length=50, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    description = models.TextField("description", blank=True)
    types = models.ManyToManyField(ServiceType, related_name="baskets", verbose_name="types")
    builtin = models.BooleanField("fourni avec sdaasp", default=False)

    class Meta:
        verbose_name = "panier de services"
        verbose_name_plural = "paniers de services"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class ImportBatch(models.Model):
    """One imported file. A newer vintage of the same source replaces the older one
    (``replaced_by``), whose row and points are kept as history."""

    source = models.CharField("source", max_length=20)
    dataset = models.CharField("jeu de données", max_length=80, blank=True)
    departement = models.ForeignKey("territory.Departement", on_delete=models.CASCADE,
                                    related_name="offer_imports")
    year = models.PositiveIntegerField("millésime", null=True, blank=True)
    file_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    imported_at = models.DateTimeField("importé le", auto_now=True)
    rows_read = models.PositiveIntegerField("lignes lues", default=0)
    # the département's own points; those kept beyond its border are counted apart
    points_count = models.PositiveIntegerField("points retenus", default=0)
    excluded_count = models.PositiveIntegerField("points exclus", default=0)
    other_departements = models.PositiveIntegerField("lignes d'autres départements", default=0)
    border_points = models.PositiveIntegerField("points hors département conservés", default=0)
    buffer_m = models.FloatField("zone tampon (m)", null=True, blank=True)
    messages = models.JSONField("exclusions et avertissements", default=list, blank=True)
    active = models.BooleanField("en vigueur", default=True)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="replaced", verbose_name="remplacé par")

    class Meta:
        verbose_name = "import"
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "dataset", "departement", "sha256"],
                                    name="offer_batch_unique_file"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.year or ''} — {self.file_name}"

    @property
    def buffer_km(self) -> str:
        """The border buffer of the import in km (« 30 »), empty when unknown."""
        return km_label(self.buffer_m) if self.buffer_m is not None else ""


class ServicePoint(models.Model):
    point_id = models.CharField("identifiant", max_length=120)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="points")
    # departement and type are the leading columns of the indexes below; no separate index
    # (each index slows the 200,000-row BPE write)
    departement = models.ForeignKey("territory.Departement", on_delete=models.CASCADE,
                                    related_name="service_points", db_index=False)
    source = models.CharField("source", max_length=20)
    type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="points",
                             db_index=False)
    nom = models.CharField("nom", max_length=300)
    operateur = models.CharField("opérateur", max_length=200, blank=True)
    adresse = models.TextField("adresse", blank=True)
    # empty for a point beyond the border whose commune the file does not give
    commune_code = models.CharField("commune", max_length=5, blank=True)
    x = models.FloatField("x")
    y = models.FloatField("y")
    lon = models.FloatField("longitude")
    lat = models.FloatField("latitude")
    capacity = models.FloatField("capacité", null=True, blank=True)
    approximate = models.BooleanField("position approchée", default=False)
    itinerant = models.BooleanField("itinérant", default=False)
    telephone = models.CharField("téléphone", max_length=60, blank=True)
    email = models.CharField("courriel", max_length=200, blank=True)
    horaires = models.JSONField("horaires (par jour)", null=True, blank=True)
    horaires_texte = models.TextField("horaires (texte d'origine)", blank=True)
    hours_per_week = models.FloatField("heures d'ouverture par semaine", null=True, blank=True)
    days_open = models.PositiveSmallIntegerField("jours d'ouverture", null=True, blank=True)
    saturday_open = models.BooleanField("ouvert le samedi", null=True, blank=True)
    evening_open = models.BooleanField("ouvert après 18 h", null=True, blank=True)
    hours_approximate = models.BooleanField("horaires lus en partie", default=False)
    # a destination beyond the border (neighbouring département or country), kept within the
    # import's buffer: never counted in the département's own inventory
    hors_departement = models.BooleanField("hors département", default=False)
    active = models.BooleanField("en vigueur", default=True)

    class Meta:
        verbose_name = "point de service"
        verbose_name_plural = "points de service"
        ordering = ["nom"]
        indexes = [models.Index(fields=["departement", "active", "type"])]
        constraints = [
            models.UniqueConstraint(fields=["departement", "point_id"],
                                    name="offer_point_unique_id"),
        ]

    def __str__(self) -> str:
        return self.nom
