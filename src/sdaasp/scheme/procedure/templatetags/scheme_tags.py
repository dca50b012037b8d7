"""Template filters of the scheme pages: French dates at their precision, missing values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from sdaasp.scheme.dates import DAY, format_fr

register = template.Library()


@register.filter
def fr_date(value: dt.date | None, precision: str = DAY) -> str:
    """"17 décembre 2015", "mai 2016"; "non disponible" when missing."""
    return format_fr(value, precision or DAY)


@register.filter
def num(value: Decimal | int | None) -> str:
    """A number without trailing zeros, French decimal comma; missing is "non disponible"."""
    if value is None:
        return "non disponible"
    if isinstance(value, Decimal):
        value = value.normalize()
        text = format(value, "f")
    else:
        text = str(value)
    return text.replace(".", ",")


@register.filter
def count(value: int | None) -> str:
    return "non précisé" if value is None else str(value)


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key)
