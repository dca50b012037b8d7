"""A plain change log written by the services: who changed what, when."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ChangeLog(models.Model):
    departement = models.CharField("département", max_length=3, db_index=True)
    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="auteur")
    username = models.CharField("auteur (identifiant)", max_length=150, blank=True)
    object_type = models.CharField("type d'objet", max_length=60)
    object_id = models.CharField("identifiant de l'objet", max_length=60)
    object_label = models.CharField("objet", max_length=300)
    verb = models.CharField("opération", max_length=40)
    changes = models.JSONField("modifications", default=dict, blank=True)

    class Meta:
        verbose_name = "modification"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        who = self.username or "système"
        return f"{self.at:%d/%m/%Y %H:%M} {who} : {self.verb} {self.object_label}"
