"""A date is never silently wrong: the phrase table (tests/date_phrases.py), the refusals
and questions it leads to, and properties over any text, any date and any zone."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import (
    MAX_AHEAD,
    DateReading,
    Doubt,
    Problem,
    read_date,
    read_date_and_place,
    typed,
)
from bot.i18n import Catalog
from bot.i18n import dates as dates_i18n
from bot.i18n.texts import Texts
from tests.date_phrases import MON, PHRASES, Outcome

CATALOG = Catalog.load()
ZONE = "Europe/Berlin"
EXAMPLES = 25 if os.environ.get("MUTANT_UNDER_TEST") else 300
"""Fewer examples while mutmut runs the table against each mutant."""


def _id(phrase: tuple[datetime, str, str, Outcome]) -> str:
    """ASCII test ids without '/' or brackets, so that a test can be named on the command
    line (mutmut does)."""
    text = phrase[2].translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    return f"{phrase[1]}-{phrase[0]:%m%d}-" + re.sub(r"[^A-Za-z0-9.:,@ -]", "_", text)[:48]


def _wall(at: datetime) -> str:
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d} {at.hour:02d}:{at.minute:02d}"


def test_the_table_holds_at_least_150_phrases_in_both_languages() -> None:
    assert len(PHRASES) >= 150
    assert {lang for _, lang, _, _ in PHRASES} == {"de", "en"}
    assert len({(now, lang, text) for now, lang, text, _ in PHRASES}) == len(PHRASES)


@pytest.mark.parametrize(
    ("now", "lang", "text", "expected"), PHRASES, ids=[_id(p) for p in PHRASES]
)
def test_phrase(now: datetime, lang: str, text: str, expected: Outcome) -> None:
    found = read_date_and_place(text, now, ZONE, language=lang)
    reading = found.reading
    end = reading.end.strftime("%H:%M") if reading.end is not None else None
    assert reading.end is None or str(reading.end.tzinfo) == ZONE
    if expected.kind == "ok":
        assert reading.problem is None, reading
        assert reading.at is not None and reading.at == reading.wall
        assert (_wall(reading.at), end, found.place, found.link) == (
            expected.when,
            expected.end,
            expected.place,
            expected.link,
        )
        assert str(reading.at.tzinfo) == ZONE
    elif expected.kind == "ask":
        assert reading.problem is Problem.UNSURE and reading.at is None, reading
        assert reading.wall is not None
        assert (_wall(reading.wall), set(reading.doubts), end) == (
            expected.when,
            set(expected.doubts),
            expected.end,
        )
    else:
        assert reading.problem is expected.problem and reading.at is None, reading
        wall = _wall(reading.wall) if reading.wall is not None else None
        assert (wall, reading.unread) == (expected.when, expected.unread)
        assert reading.wall is None or str(reading.wall.tzinfo) == ZONE


REFUSED = [p for p in PHRASES if p[3].kind == "no"]
ASKED = [p for p in PHRASES if p[3].kind == "ask"]


@pytest.mark.parametrize(
    ("now", "lang", "text", "expected"), REFUSED, ids=[_id(p) for p in REFUSED]
)
def test_a_refusal_names_what_was_understood(
    now: datetime, lang: str, text: str, expected: Outcome
) -> None:
    reading = read_date_and_place(text, now, ZONE, language=lang).reading
    error = dates_i18n.refusal(Texts(CATALOG, lang, ZONE), reading, text)
    message = CATALOG.text(lang, error.key, **error.params)
    if reading.wall is not None:
        assert str(reading.wall.year) in message
        if (reading.wall.hour, reading.wall.minute) != (0, 0):
            assert f"{reading.wall.hour:02d}:{reading.wall.minute:02d}" in message
    else:
        assert (reading.unread or text)[:80] in message
    if reading.unread:
        assert reading.unread in message


@pytest.mark.parametrize(("now", "lang", "text", "expected"), ASKED, ids=[_id(p) for p in ASKED])
def test_a_question_says_why_and_its_best_reading_reads_back_exactly(
    now: datetime, lang: str, text: str, expected: Outcome
) -> None:
    reading = read_date_and_place(text, now, ZONE, language=lang).reading
    assert reading.wall is not None
    texts = Texts(CATALOG, lang, ZONE)
    line = typed(reading.wall, reading.end)
    question = CATALOG.text(lang, "date.unsure", **_question_params(texts, reading, line))
    assert dates_i18n.reading_text(texts, reading) in question
    again = read_date_and_place(line, now, ZONE, language=lang).reading
    assert (again.at, again.end) == (reading.wall, reading.end)


def _question_params(texts: Texts, reading: DateReading, line: str) -> dict[str, str]:
    return {
        "reasons": " ".join(dates_i18n.doubts(texts, reading)),
        "when": dates_i18n.reading_text(texts, reading),
        "example": line,
    }


def test_a_weekday_that_contradicts_the_date_offers_both_days() -> None:
    reading = read_date("Dienstag, 14.03., 9:30", MON, ZONE)
    assert reading.doubts == (Doubt.WEEKDAY,)
    assert reading.wall is not None and reading.other is not None
    assert (reading.wall.date(), reading.other.date()) == (date(2027, 3, 14), date(2027, 3, 16))


@pytest.mark.parametrize(
    ("zone", "text", "problem"),
    [
        ("America/St_Johns", "31.12.9999 23:59", Problem.TOO_FAR),
        ("Pacific/Kiritimati", "31.12.9999 23:59", Problem.TOO_FAR),
        ("Europe/Berlin", "1.1.0001 00:30", Problem.PAST),
        ("Pacific/Pago_Pago", "1.1.0001 00:30", Problem.PAST),
        ("America/St_Johns", "9999-12-31 23:59", Problem.TOO_FAR),
        ("Europe/Berlin", "in 99 Monaten 10 Uhr", Problem.TOO_FAR),
    ],
    ids=[
        "st-johns-9999",
        "kiritimati-9999",
        "berlin-0001",
        "pago-pago-0001",
        "iso-9999",
        "99-months",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_refused_in_every_zone(
    zone: str, text: str, problem: Problem
) -> None:
    """Crashed on main: an OverflowError from the zone arithmetic (issue #16)."""
    reading = read_date_and_place(text, MON, zone).reading
    assert reading.problem is problem
    texts = Texts(CATALOG, "de", zone)
    error = dates_i18n.refusal(texts, reading, text)
    assert reading.wall is not None
    assert str(reading.wall.year) in CATALOG.text("de", error.key, **error.params)


def test_a_day_without_a_time_for_a_reminder_is_range_checked_too() -> None:
    """`/erinnern 31.12.9999 Test` passed the three-year limit on main (issue #16)."""
    reading = read_date("31.12.9999", MON, "America/St_Johns", default_time=datetime.min.time())
    assert reading.problem is Problem.TOO_FAR


ZONES = st.sampled_from(
    ["Europe/Berlin", "America/St_Johns", "Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"]
)
WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=120), ZONES, st.sampled_from(["de", "en"]))
def test_any_text_gives_a_reading_or_a_problem_never_an_exception(
    text: str, zone: str, lang: str
) -> None:
    for reading in (
        read_date_and_place(text, MON, zone, language=lang).reading,
        read_date(text, MON, zone, language=lang),
    ):
        assert (reading.at is None) == (reading.problem is not None)
        if reading.at is not None:
            assert MON < reading.at <= MON + MAX_AHEAD


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.datetimes(min_value=datetime.min, max_value=datetime.max),  # noqa: DTZ901
    ZONES,
    st.sampled_from(["{d}.{m}.{y} {H}:{M}", "{y}-{m}-{d} {H}:{M}", "{d}.{m}.{y}"]),
)
def test_any_date_in_any_zone_is_read_or_refused(when: datetime, zone: str, pattern: str) -> None:
    text = pattern.format(
        d=when.day, m=when.month, y=f"{when.year:04d}", H=when.hour, M=f"{when.minute:02d}"
    )
    for reading in (
        read_date(text, MON, zone),
        read_date(text, MON, zone, default_time=when.time()),
    ):
        if reading.at is not None:
            assert reading.at.astimezone(UTC) > MON
            assert reading.at - MON <= MAX_AHEAD
        if reading.wall is not None and reading.problem is not Problem.NO_SUCH_DAY:
            assert reading.wall.date() == when.date()


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.dates(min_value=date(2026, 11, 24), max_value=date(2029, 11, 1)),
    st.integers(0, 6),
    st.sampled_from(["{w}, {d}.{m}.{y} 10 Uhr", "{w} {d}.{m}. 10:00", "{w}, {d}.{m}.{y}, 9:30"]),
)
def test_an_ok_reading_agrees_with_the_weekday_typed(day: date, weekday: int, pattern: str) -> None:
    text = pattern.format(w=WEEKDAYS_DE[weekday], d=day.day, m=day.month, y=day.year)
    reading = read_date(text, MON, ZONE)
    if reading.at is not None:
        assert reading.at.weekday() == weekday
    elif reading.problem is Problem.UNSURE:
        assert reading.wall is not None
        if reading.wall.weekday() != weekday:
            assert Doubt.WEEKDAY in reading.doubts
            # the typed weekday's day, unless that one is past
            if reading.other is not None:
                assert reading.other.weekday() == weekday
                assert abs(reading.other - reading.wall) <= timedelta(days=3)
