"""Calendar months and the deemed-opinion rule at its boundary days."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta

from sdaasp.scheme.dates import MONTH, YEAR, FuzzyDate, add_months, deemed_deadline, format_fr


@pytest.mark.parametrize(("start", "expected"), [
    ((2017, 11, 30), (2018, 2, 28)),   # 30 Nov → 28 Feb (common year)
    ((2019, 11, 30), (2020, 2, 29)),   # 30 Nov → 29 Feb (leap year)
    ((2017, 5, 31), (2017, 8, 31)),    # 31 May → 31 Aug
    ((2017, 8, 31), (2017, 11, 30)),   # 31 Aug → 30 Nov
    ((2017, 11, 29), (2018, 2, 28)),
    ((2019, 11, 29), (2020, 2, 29)),
    ((2017, 12, 31), (2018, 3, 31)),
    ((2018, 1, 31), (2018, 4, 30)),
    ((2017, 10, 31), (2018, 1, 31)),   # across the year
    ((2017, 2, 28), (2017, 5, 28)),    # the 28th stays the 28th
])
def test_three_calendar_months_hand_worked(start, expected):
    assert deemed_deadline(dt.date(*start)) == dt.date(*expected)


def test_add_months_matches_dateutil_on_every_day():
    """Peer check: every day of 2015-2025, from -24 to +75 months, equals relativedelta."""
    day = dt.date(2015, 1, 1)
    while day < dt.date(2026, 1, 1):
        for months in (-24, -1, 1, 2, 3, 6, 12, 72, 75):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += dt.timedelta(days=1)


def test_fuzzy_dates():
    assert FuzzyDate.parse("2017-08").last_day == dt.date(2017, 8, 31)
    assert FuzzyDate.parse("2016-02").last_day == dt.date(2016, 2, 29)
    assert FuzzyDate.parse("2018").last_day == dt.date(2018, 12, 31)
    assert FuzzyDate.parse("2018").precision == YEAR
    assert FuzzyDate.parse("2016-05").french() == "mai 2016"
    assert format_fr(dt.date(2017, 12, 1)) == "1er décembre 2017"
    assert FuzzyDate(dt.date(2017, 5, 1), MONTH).iso() == "2017-05"
    with pytest.raises(ValueError, match="date illisible"):
        FuzzyDate.parse("17/12/2015")


# --- the rule on the model, with the clock's start configurable -------------------------

@pytest.fixture
def version(db):
    from sdaasp.scheme.procedure.services import do_create_scheme

    scheme = do_create_scheme("99", title="Schéma d'essai", period_start_year=2018,
                              period_end_year=2023)
    return scheme.versions.get()


def _consult(version, transmitted: str, received: dt.date | None = None):
    from sdaasp.scheme.procedure.services import do_transmit_draft

    return do_transmit_draft(version, consultee_kind="region",
                             transmitted=FuzzyDate.parse(transmitted), received_on=received)


@pytest.mark.parametrize(("transmitted", "last_day_in_time"), [
    ("2017-11-30", dt.date(2018, 2, 28)),
    ("2019-11-30", dt.date(2020, 2, 29)),
    ("2017-05-31", dt.date(2017, 8, 31)),
    ("2017-08-31", dt.date(2017, 11, 30)),
    ("2017-08", dt.date(2017, 11, 30)),   # known to the month: its last day starts the clock
])
def test_deemed_favourable_from_the_day_after_the_deadline(version, transmitted,
                                                           last_day_in_time):
    c = _consult(version, transmitted)
    assert c.deadline() == last_day_in_time
    assert c.state(last_day_in_time) == "attente"
    assert c.effective_opinion(last_day_in_time) is None
    day_after = last_day_in_time + dt.timedelta(days=1)
    assert c.state(day_after) == "repute"
    assert c.effective_opinion(day_after) == "favorable"


def test_opinion_on_the_last_day_counts_the_next_day_does_not(version):
    from sdaasp.scheme.procedure.services import do_record_opinion

    c = _consult(version, "2017-11-30")
    do_record_opinion(c, opinion="defavorable", opinion_date=dt.date(2018, 2, 28))
    assert c.state(dt.date(2019, 1, 1)) == "donne"
    assert c.effective_opinion(dt.date(2019, 1, 1)) == "defavorable"
    do_record_opinion(c, opinion="defavorable", opinion_date=dt.date(2018, 3, 1))
    assert c.state(dt.date(2019, 1, 1)) == "repute"  # too late: deemed favourable
    assert c.effective_opinion(dt.date(2019, 1, 1)) == "favorable"


def test_clock_start_on_receipt(version):
    from sdaasp.scheme.procedure.services import do_set_clock_start

    do_set_clock_start(version.scheme, "reception")
    c = _consult(version, "2017-05-26", received=dt.date(2017, 5, 31))
    c.refresh_from_db()
    assert c.deadline() == dt.date(2017, 8, 31)
    assert c.state(dt.date(2017, 8, 31)) == "attente"
    assert c.state(dt.date(2017, 9, 1)) == "repute"
    from sdaasp.scheme.procedure.services import do_transmit_draft

    c3 = do_transmit_draft(version, consultee_kind="ctap",  # no receipt date: no délai
                           transmitted=FuzzyDate.parse("2017-06-02"))
    assert c3.deadline() is None and c3.state(dt.date(2030, 1, 1)) == "inconnu"
