"""Organisations taking part in a scheme, and the people who act for them on the platform."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OrganisationKind(models.TextChoices):
    ETAT = "etat", "Service ou agence de l'État"
    DEPARTEMENT = "departement", "Département"
    REGION = "region", "Région"
    EPCI = "epci", "EPCI"
    COMMUNE = "commune", "Commune"
    OPERATEUR = "operateur", "Opérateur de services"
    ASSOCIATION = "association", "Association"
    AUTRE = "autre", "Autre"


class Role(models.TextChoices):
    """What a person may do on the platform (public is everyone else)."""

    COORDINATOR = "coordinateur", "Coordinateur du schéma"
    REFERENT = "referent", "Référent technique d'un partenaire"
    READER = "lecteur", "Lecteur"


class Organisation(models.Model):
    departement = models.CharField("département", max_length=3, db_index=True)
    key = models.SlugField("identifiant", max_length=80)
    name = models.CharField("nom", max_length=200)
    full_name = models.CharField("nom développé", max_length=300, blank=True)
    kind = models.CharField("nature", max_length=20, choices=OrganisationKind.choices)
    collective = models.BooleanField(
        "ensemble d'organisations", default=False,
        help_text="Par exemple « Associations », « EPCI volontaires » : "
                  "un groupe, pas une structure.",
    )
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="children", verbose_name="rattachement")
    epci = models.ForeignKey("territory.Epci", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="scheme_organisations", verbose_name="EPCI du territoire")
    commune = models.ForeignKey("territory.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="scheme_organisations",
                                verbose_name="commune du territoire")
    note = models.TextField("note", blank=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["departement", "key"], name="organisation_unique_key")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return f"{self.name} — {self.full_name}" if self.full_name else self.name


class Person(models.Model):
    """A user acting for an organisation, with a role on the platform."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="scheme_person", verbose_name="compte")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="people",
                                     verbose_name="organisation")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    job_title = models.CharField("fonction", max_length=200, blank=True)

    class Meta:
        verbose_name = "personne"
        ordering = ["user__last_name", "user__username"]

    def __str__(self) -> str:
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.get_role_display()})"
