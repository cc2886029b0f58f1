"""The edges of date reading that the phrase table does not reach: length limits, the
exact range limit, the English day-first doubt through `read_date`, a reminder's default
time, what a refusal keeps of place and link, and the text a confirmation runs."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.domain.dates import (
    MAX_AHEAD,
    MAX_DATE_TEXT,
    Doubt,
    Problem,
    read_date,
    read_date_and_place,
    typed,
)
from tests.date_phrases import BERLIN, JAN11, MON

ZONE = "Europe/Berlin"
URL = "https://zoom.us/j/42"


def test_a_date_text_may_be_as_long_as_the_limit_and_not_longer() -> None:
    padded = "15.3.2027 10:00" + " " * (MAX_DATE_TEXT - 15)
    assert len(padded) == MAX_DATE_TEXT
    assert read_date(padded, MON, ZONE).ok
    assert read_date(padded + " ", MON, ZONE).problem is Problem.TOO_LONG


def test_date_and_place_have_their_limits() -> None:
    place = "R" * (MAX_DATE_TEXT + 100 - 16)
    found = read_date_and_place(f"15.3.2027 10:00 {place}", MON, ZONE)
    assert (found.reading.ok, found.place) == (True, place)
    found = read_date_and_place(f"15.3.2027 10:00 {place}R", MON, ZONE)
    assert (found.reading.problem, found.place, found.link) == (Problem.TOO_LONG, "", "")
    link = "https://zoom.us/j/" + "4" * (MAX_DATE_TEXT + 2 * 100 - 16 - 101 - 18)
    longest = f"15.3.2027 10:00 {link} {'R' * 100}"
    assert len(longest) == MAX_DATE_TEXT + 2 * 100
    found = read_date_and_place(longest, MON, ZONE)
    assert (found.reading.ok, found.place, found.link) == (True, "R" * 100, link)
    found = read_date_and_place(longest + "R", MON, ZONE)
    assert (found.reading.problem, found.place, found.link) == (Problem.TOO_LONG, "", "")
    found = read_date_and_place("1" * (MAX_DATE_TEXT + 1) + f" | Rathaus {URL}", MON, ZONE)
    assert (found.reading.problem, found.place, found.link) == (Problem.TOO_LONG, "Rathaus", URL)
    found = read_date_and_place(f"{'x' * (MAX_DATE_TEXT + 101)} {URL}", MON, ZONE)
    assert (found.reading.problem, found.place, found.link) == (Problem.TOO_LONG, "", URL)


def test_a_refusal_keeps_the_link_but_no_place() -> None:
    found = read_date_and_place(f"Rathaus 15.3. 10 Uhr Goch {URL}", MON, ZONE)
    assert (found.reading.problem, found.reading.unread) == (
        Problem.NOT_UNDERSTOOD,
        "Rathaus Goch",
    )
    assert (found.place, found.link) == ("", URL)
    found = read_date_and_place("15.3. 10 Uhr | Rathaus | Raum 2", MON, ZONE)
    assert (found.reading.ok, found.place) == (True, "Rathaus | Raum 2")
    found = read_date_and_place("Rathaus 15.3. 10 Uhr | Goch", MON, ZONE)
    assert (found.reading.problem, found.reading.unread, found.place) == (
        Problem.NOT_UNDERSTOOD,
        "Rathaus",
        "Goch",
    )


def test_the_range_limit_is_exact() -> None:
    limit = MON + MAX_AHEAD
    assert read_date(f"{limit:%d.%m.%Y %H:%M}", MON, ZONE).at == limit
    later = limit + timedelta(minutes=1)
    assert read_date(f"{later:%d.%m.%Y %H:%M}", MON, ZONE).problem is Problem.TOO_FAR
    assert read_date("23.11.2026 10:00", MON, ZONE).problem is Problem.PAST
    assert read_date("23.11.2026 10:01", MON, ZONE).ok


def test_english_slashes_are_asked_through_read_date_too() -> None:
    english = read_date("3/12/2027 2:00 PM", MON, ZONE, language="en")
    assert (english.problem, english.doubts) == (Problem.UNSURE, (Doubt.DAY_FIRST,))
    assert read_date("3/12/2027 2:00 PM", MON, ZONE).ok


def test_a_reminder_day_without_a_time_takes_the_default() -> None:
    reading = read_date("15.3.", MON, ZONE, default_time=time(9))
    assert reading.at == datetime(2027, 3, 15, 9, 0, tzinfo=BERLIN)
    assert read_date("heute", MON, ZONE, default_time=time(9)).problem is Problem.PAST
    assert read_date("15.3. um 3", MON, ZONE, default_time=time(9)).doubts == (Doubt.AM_PM,)


def test_a_confirmation_runs_a_text_that_reads_back_exactly() -> None:
    wall = datetime(2027, 3, 12, 15, 0, tzinfo=BERLIN)
    assert typed(wall) == "12.03.2027 15:00"
    assert typed(wall, wall.replace(hour=16, minute=30)) == "12.03.2027 15:00-16:30"
    assert typed(datetime(2027, 1, 2, 3, 4, tzinfo=BERLIN)) == "02.01.2027 03:04"


def test_a_week_and_a_day_in_it_agree_from_monday_to_sunday() -> None:
    for day in ("30.11.", "6.12."):
        assert read_date(f"{day} 10 Uhr nächste Woche", MON, ZONE).ok
    for day in ("29.11.", "7.12."):
        assert read_date(f"{day} 10 Uhr nächste Woche", MON, ZONE).doubts == (Doubt.DAYS_DISAGREE,)
    assert read_date("nächste Woche Dienstag, 1.12. 10 Uhr", MON, ZONE).ok
    assert read_date("nächste Woche Dienstag, 2.12. 10 Uhr", MON, ZONE).doubts == (
        Doubt.DAYS_DISAGREE,
    )


def test_every_word_counts_and_a_refusal_keeps_the_range() -> None:
    reading = read_date("morgen 10 Uhr Bericht", MON, ZONE)
    assert (reading.problem, reading.unread) == (Problem.NOT_UNDERSTOOD, "Bericht")
    assert reading.wall == datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN)
    reading = read_date("12.3. 10-12 Uhr Saal", MON, ZONE)
    assert (reading.problem, reading.unread) == (Problem.NOT_UNDERSTOOD, "Saal")
    assert reading.end == datetime(2027, 3, 12, 12, 0, tzinfo=BERLIN)
    reading = read_date("12.3. von 2 bis 4 Saal", MON, ZONE)
    assert (reading.problem, reading.end) == (
        Problem.NOT_UNDERSTOOD,
        datetime(2027, 3, 12, 16, 0, tzinfo=BERLIN),
    )


def test_a_pipe_separates_the_place_exactly() -> None:
    found = read_date_and_place("15.3. 10 Uhr |Rathaus", MON, ZONE)
    assert (found.reading.ok, found.place) == (True, "Rathaus")
    found = read_date_and_place("3/12/2027 2:00 PM | Town hall", MON, ZONE, language="en")
    assert (found.reading.doubts, found.place) == ((Doubt.DAY_FIRST,), "Town hall")


def test_a_range_must_end_after_it_starts_and_a_refused_range_keeps_its_end() -> None:
    empty = read_date("12.3. 10-10 Uhr", MON, ZONE)
    assert (empty.problem, empty.wall, empty.end) == (
        Problem.BAD_RANGE,
        datetime(2027, 3, 12, 10, 0, tzinfo=BERLIN),
        datetime(2027, 3, 12, 10, 0, tzinfo=BERLIN),
    )
    past = read_date("gestern 10-12 Uhr", MON, ZONE)
    assert (past.problem, past.end) == (
        Problem.PAST,
        datetime(2026, 11, 22, 12, 0, tzinfo=BERLIN),
    )


def test_the_when_before_a_pipe_may_be_as_long_as_the_limit() -> None:
    when = "15.3.2027 10:00" + " am" * 61 + " ,"
    assert len(when) == MAX_DATE_TEXT
    assert read_date_and_place(f"{when} | Rathaus", MON, ZONE).reading.ok
    found = read_date_and_place(f"{when}, | Rathaus", MON, ZONE)
    assert (found.reading.problem, found.place) == (Problem.TOO_LONG, "Rathaus")


def test_almost_a_year_ahead_without_a_year_is_asked_from_the_300th_day_on() -> None:
    assert read_date("7.11. 9 Uhr", JAN11, ZONE).ok
    assert read_date("7.11. 9:01", JAN11, ZONE).doubts == (Doubt.FAR_NO_YEAR,)
