"""Calendar arithmetic of the legal procedure, in plain Python (no Django).

A délai "de trois mois" runs in calendar months: it ends on the day of the last month that
bears the same number as the starting day or, when that month is shorter, on its last day
(Code de procédure civile, art. 641 and 642; the same reading is applied to the
deemed-opinion délai of décret 2016-402, art. 2). So 31 May + 3 months is 31 August and
30 November + 3 months is 28 February (29 in a leap year).

Dates of the historical calendar are often known only to the month or the year ("mai 2016",
"2018 - 2023"): :class:`FuzzyDate` keeps the precision next to the value.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DAY, MONTH, YEAR = "jour", "mois", "annee"
PRECISIONS = (DAY, MONTH, YEAR)

MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


def add_months(start: dt.date, months: int) -> dt.date:
    """Return ``start`` moved by ``months`` calendar months, clamped to the month's last day.

    >>> add_months(dt.date(2017, 11, 30), 3)
    datetime.date(2018, 2, 28)
    """
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last))


def deemed_deadline(start: dt.date, *, months: int = 3) -> dt.date:
    """Last day on which an opinion still counts as given in time.

    The opinion is deemed given (favourable) from the next day on if none has been given.
    """
    return add_months(start, months)


@dataclass(frozen=True, order=True)
class FuzzyDate:
    """A date known to the day, the month or the year; ``value`` is its first day."""

    value: dt.date
    precision: str = DAY

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        """Read ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (the seed's and spreadsheets' form)."""
        text = text.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return cls(dt.date.fromisoformat(text), DAY)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            y, m = text.split("-")
            return cls(dt.date(int(y), int(m), 1), MONTH)
        if re.fullmatch(r"\d{4}", text):
            return cls(dt.date(int(text), 1, 1), YEAR)
        raise ValueError(f"date illisible : « {text} » (attendu AAAA-MM-JJ, AAAA-MM ou AAAA)")

    @property
    def last_day(self) -> dt.date:
        """Last day the imprecise date may stand for (used to be fair to the consultee)."""
        if self.precision == YEAR:
            return dt.date(self.value.year, 12, 31)
        if self.precision == MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return self.value.replace(day=last)
        return self.value

    def iso(self) -> str:
        if self.precision == YEAR:
            return f"{self.value.year:04d}"
        if self.precision == MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()

    def french(self) -> str:
        return format_fr(self.value, self.precision)


def format_fr(value: dt.date | None, precision: str = DAY) -> str:
    """French display of a date at its precision: "17 décembre 2015", "mai 2016", "2018"."""
    if value is None:
        return "non disponible"
    if precision == YEAR:
        return str(value.year)
    month = MONTHS_FR[value.month - 1]
    if precision == MONTH:
        return f"{month} {value.year}"
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {month} {value.year}"


def format_range_fr(start: dt.date | None, start_precision: str,
                    end: dt.date | None = None, end_precision: str = DAY) -> str:
    """French display of a period: "mai – juillet 2017", "2018 – 2023"."""
    if end is None:
        return format_fr(start, start_precision)
    if (start is not None and start_precision == end_precision == MONTH
            and start.year == end.year):
        return f"{MONTHS_FR[start.month - 1]} – {format_fr(end, MONTH)}"
    return f"{format_fr(start, start_precision)} – {format_fr(end, end_precision)}"
