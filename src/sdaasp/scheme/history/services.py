"""Write one change-log entry; called by the other apps' services inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import models

from sdaasp.scheme.history.models import ChangeLog


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items()
            if _plain(before.get(k)) != _plain(v)}


def record(user: Any, departement: str, obj: models.Model, verb: str,
           changes: dict[str, Any] | None = None, *, label: str | None = None) -> ChangeLog:
    """Append an entry (the caller holds the transaction)."""
    real_user = user if getattr(user, "is_authenticated", False) else None
    return ChangeLog.objects.create(
        departement=departement, user=real_user,
        username=real_user.get_username() if real_user else "",
        object_type=obj._meta.label_lower, object_id=str(obj.pk),
        object_label=(label or str(obj))[:300], verb=verb,
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )


def history_of(obj: models.Model):
    return ChangeLog.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def upsert(model: type[models.Model], lookup: dict[str, Any], defaults: dict[str, Any]
           ) -> tuple[Any, bool, dict[str, list[Any]]]:
    """``update_or_create`` that says what changed, so that loading twice logs nothing."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        return obj, True, {k: [None, _plain(v)] for k, v in defaults.items()}
    before = {k: getattr(obj, k) for k in defaults}
    changes = diff(before, defaults)
    if changes:
        for k, v in defaults.items():
            setattr(obj, k, v)
        obj.save()
    return obj, False, changes


def record_upsert(user: Any, departement: str, obj: models.Model, created: bool,
                  changes: dict[str, Any], *, label: str | None = None) -> None:
    """Log a creation or a modification; nothing when nothing changed."""
    if created or changes:
        record(user, departement, obj, "création" if created else "modification", changes,
               label=label)
