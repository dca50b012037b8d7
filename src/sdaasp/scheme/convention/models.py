"""The framework convention, its signatories and the partners' commitments."""

from __future__ import annotations

from django.db import models


class CommitmentKind(models.TextChoices):
    GENERAL = "general", "Engagement de tous les partenaires"
    SPECIFIC = "specifique", "Engagement spécifique"


class Convention(models.Model):
    scheme = models.OneToOneField("scheme_procedure.Scheme", on_delete=models.CASCADE,
                                  related_name="convention")
    title = models.CharField("intitulé", max_length=300)
    signed_on = models.DateField("signée le", null=True, blank=True)
    signed_at_meeting = models.ForeignKey("scheme_governance.Meeting", on_delete=models.SET_NULL,
                                          null=True, blank=True, related_name="+",
                                          verbose_name="signée lors de")
    signatories_note = models.TextField("note sur les signataires", blank=True)

    class Meta:
        verbose_name = "convention cadre"
        verbose_name_plural = "conventions cadres"

    def __str__(self) -> str:
        return self.title


class Signatory(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE,
                                   related_name="signatories")
    organisation = models.ForeignKey("scheme_organisations.Organisation",
                                     on_delete=models.PROTECT, related_name="signatures",
                                     verbose_name="organisation")
    signed_on = models.DateField("signée le", null=True, blank=True)
    referent = models.ForeignKey("scheme_organisations.Person", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name="référent technique")

    class Meta:
        verbose_name = "signataire"
        ordering = ["convention", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["convention", "organisation"],
                                               name="signatory_unique")]

    def __str__(self) -> str:
        return str(self.organisation)


class Commitment(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE,
                                   related_name="commitments")
    position = models.PositiveSmallIntegerField("ordre")
    kind = models.CharField("nature", max_length=12, choices=CommitmentKind.choices)
    text = models.TextField("engagement")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="specific_commitments",
                                  verbose_name="partenaire concerné (engagement spécifique)")

    class Meta:
        verbose_name = "engagement"
        ordering = ["convention", "position"]

    def __str__(self) -> str:
        return self.text[:80]
