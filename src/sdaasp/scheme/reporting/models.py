"""Annual reporting: one campaign a year; each involved organisation reports on its actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sdaasp.scheme.programme.models import ActionStatus


class CampaignStatus(models.TextChoices):
    OPEN = "ouverte", "Ouverte"
    CLOSED = "close", "Close"


class ReportStatus(models.TextChoices):
    SUBMITTED = "transmis", "Transmis"
    VALIDATED = "valide", "Validé"
    TO_REVISE = "a_revoir", "À revoir"


class Campaign(models.Model):
    scheme = models.ForeignKey("scheme_procedure.Scheme", on_delete=models.CASCADE,
                               related_name="campaigns")
    year = models.PositiveSmallIntegerField("année suivie")
    opens_on = models.DateField("ouverture")
    closes_on = models.DateField("date limite")
    status = models.CharField("état", max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.OPEN)
    is_example = models.BooleanField("exemple (fictif)", default=False)

    class Meta:
        verbose_name = "campagne de suivi"
        verbose_name_plural = "campagnes de suivi"
        ordering = ["scheme", "-year"]
        constraints = [models.UniqueConstraint(fields=["scheme", "year"],
                                               name="campaign_unique_year")]

    def __str__(self) -> str:
        return f"Bilan {self.year}"


class Report(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    action = models.ForeignKey("scheme_programme.Action", on_delete=models.CASCADE,
                               related_name="reports")
    organisation = models.ForeignKey("scheme_organisations.Organisation",
                                     on_delete=models.PROTECT, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+", verbose_name="auteur")
    submitted_at = models.DateTimeField("transmis le", auto_now=True)
    action_status = models.CharField("état de l'action", max_length=12,
                                     choices=ActionStatus.choices)
    note = models.TextField("avancement")
    status = models.CharField("état du bilan", max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.SUBMITTED)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name="validé par")
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validation_comment = models.TextField("commentaire du coordinateur", blank=True)

    class Meta:
        verbose_name = "bilan d'action"
        verbose_name_plural = "bilans d'actions"
        ordering = ["campaign", "action__code", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "action", "organisation"],
                                               name="report_unique")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.action.code} — {self.organisation}"


class ReportedResult(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey("scheme_programme.Indicator", on_delete=models.CASCADE,
                                  related_name="+")
    value = models.DecimalField("résultat", max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = "résultat déclaré"
        constraints = [models.UniqueConstraint(fields=["report", "indicator"],
                                               name="reportedresult_unique")]
