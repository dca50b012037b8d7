"""A ModelAdmin mixin so that edits made in Django's admin reach the change log too."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models

from sdaasp.scheme.history.services import record


def departement_of(obj: models.Model) -> str:
    """Follow the usual paths up to the scheme (or the organisation's département)."""
    for path in ("departement", "scheme.departement", "orientation.scheme.departement",
                 "group.orientation.scheme.departement", "action.scheme.departement",
                 "indicator.action.scheme.departement", "version.scheme.departement",
                 "body.scheme.departement", "convention.scheme.departement",
                 "campaign.scheme.departement"):
        value: Any = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if isinstance(value, str):
            return value
    return ""


class LoggedAdminMixin:
    """Record every save and delete done in the admin, with the changed fields."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changes = {f: form.cleaned_data.get(f) for f in form.changed_data}
        record(request.user, departement_of(obj), obj,
               "modification (administration)" if change else "création (administration)",
               changes)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for obj in formset.new_objects:
            record(request.user, departement_of(obj), obj, "création (administration)")
        for obj, fields in formset.changed_objects:
            record(request.user, departement_of(obj), obj, "modification (administration)",
                   {f: str(getattr(obj, f, "")) for f in fields})
        for obj in formset.deleted_objects:
            record(request.user, departement_of(obj), obj, "suppression (administration)")

    def delete_model(self, request, obj) -> None:
        record(request.user, departement_of(obj), obj, "suppression (administration)")
        super().delete_model(request, obj)  # type: ignore[misc]


class LoggedAdmin(LoggedAdminMixin, admin.ModelAdmin):
    """Plain logged admin for models without customisation."""
