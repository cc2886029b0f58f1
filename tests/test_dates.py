"""Meeting dates in German and English at fixed clocks, across both daylight-saving changes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.dates import Problem, read_date, read_date_and_place

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
BEFORE_SPRING = datetime(2027, 3, 26, 12, 0, tzinfo=BERLIN)  # Friday; clocks go forward Sunday
BEFORE_AUTUMN = datetime(2027, 10, 29, 12, 0, tzinfo=BERLIN)  # Friday; clocks go back Sunday

TABLE: list[tuple[datetime, str, str | Problem]] = [
    (MONDAY, "kommenden Donnerstag 14 Uhr", "2026-11-26T14:00:00+01:00"),
    (MONDAY, "nächsten Donnerstag 14 Uhr", Problem.UNSURE),
    (MONDAY, "am 2. März um 10", "2027-03-02T10:00:00+01:00"),
    (MONDAY, "15.3. 10:00", "2027-03-15T10:00:00+01:00"),
    (MONDAY, "in drei Wochen", Problem.NO_TIME),
    (MONDAY, "in drei Wochen um 14 Uhr", "2026-12-14T14:00:00+01:00"),
    (MONDAY, "this Thursday 2pm", "2026-11-26T14:00:00+01:00"),
    (MONDAY, "next Thursday 2pm", Problem.UNSURE),
    (MONDAY, "2027-03-15 10:00", "2027-03-15T10:00:00+01:00"),
    (MONDAY, "morgen um 10 Uhr", "2026-11-24T10:00:00+01:00"),
    (MONDAY, "übermorgen 9:30", "2026-11-25T09:30:00+01:00"),
    (MONDAY, "Montag 9 Uhr", "2026-11-30T09:00:00+01:00"),
    (MONDAY, "am Montag um 9:00", "2026-11-30T09:00:00+01:00"),
    (MONDAY, "kommenden Freitag um 18.30 Uhr", "2026-11-27T18:30:00+01:00"),
    (MONDAY, "Dienstag, 12. Januar 2027, 18:30", "2027-01-12T18:30:00+01:00"),
    (MONDAY, "12. Januar 18:30", "2027-01-12T18:30:00+01:00"),
    (MONDAY, "1.12. 9:00", "2026-12-01T09:00:00+01:00"),
    (MONDAY, "15.03.2027 10:00", "2027-03-15T10:00:00+01:00"),
    (MONDAY, "12.01.27 18:30", "2027-01-12T18:30:00+01:00"),
    (MONDAY, "in 2 Tagen 10:00", "2026-11-25T10:00:00+01:00"),
    (MONDAY, "in zwei Wochen um 10", "2026-12-07T10:00:00+01:00"),
    (MONDAY, "in drei Monaten 10:00", "2027-02-23T10:00:00+01:00"),
    (MONDAY, "heute 15:00", "2026-11-23T15:00:00+01:00"),
    (MONDAY, "14 Uhr", Problem.UNSURE),
    (MONDAY, "2. märz 2027 um 10.30 uhr", "2027-03-02T10:30:00+01:00"),
    (MONDAY, "heute 9 Uhr", Problem.PAST),
    (MONDAY, "gestern 10 Uhr", Problem.PAST),
    (MONDAY, "1.1.2020 10:00", Problem.PAST),
    (MONDAY, "15.3.2031 10:00", Problem.TOO_FAR),
    (MONDAY, "tomorrow at 10", "2026-11-24T10:00:00+01:00"),
    (MONDAY, "10 am tomorrow", "2026-11-24T10:00:00+01:00"),
    (MONDAY, "March 2 10am", "2027-03-02T10:00:00+01:00"),
    (MONDAY, "on 15 March at 10:00", "2027-03-15T10:00:00+01:00"),
    (MONDAY, "march 15th 10:00", "2027-03-15T10:00:00+01:00"),
    (MONDAY, "in two weeks at 10:00", "2026-12-07T10:00:00+01:00"),
    (MONDAY, "next monday 9:30", "2026-11-30T09:30:00+01:00"),
    (MONDAY, "Thursday at 14:00", "2026-11-26T14:00:00+01:00"),
    (MONDAY, "15.3.", Problem.NO_TIME),
    (MONDAY, "Montag", Problem.NO_TIME),
    (MONDAY, "next week", Problem.NO_DAY),
    (MONDAY, "nächste Woche Dienstag 14 Uhr", "2026-12-01T14:00:00+01:00"),
    (MONDAY, "Dienstag nächste Woche um 14 Uhr", "2026-12-01T14:00:00+01:00"),
    (MONDAY, "next week Friday 9am", "2026-12-04T09:00:00+01:00"),
    (MONDAY, "Dienstag 18.30", "2026-11-24T18:30:00+01:00"),
    (MONDAY, "3.12. 18.30", "2026-12-03T18:30:00+01:00"),
    (MONDAY, "am 10.12 um 9.15", "2026-12-10T09:15:00+01:00"),
    (MONDAY, "Donnerstag 3.12. 14 Uhr", "2026-12-03T14:00:00+01:00"),
    (MONDAY, "Dienstag 3.12. 14 Uhr", Problem.UNSURE),
    (MONDAY, "14.10.2027 10 Uhr", "2027-10-14T10:00:00+02:00"),
    (MONDAY, "14.10. 10 Uhr", Problem.UNSURE),
    (MONDAY, "foo bar", Problem.NOT_UNDERSTOOD),
    (MONDAY, "", Problem.NOT_UNDERSTOOD),
    (MONDAY, "x" * 300, Problem.TOO_LONG),
    # spring forward: 28 March 2027, 02:00 -> 03:00
    (BEFORE_SPRING, "Sonntag 14 Uhr", "2027-03-28T14:00:00+02:00"),
    (BEFORE_SPRING, "28.3. 2:30", Problem.NONEXISTENT),
    (BEFORE_SPRING, "28.3. 3:30", "2027-03-28T03:30:00+02:00"),
    (BEFORE_SPRING, "28.3. 1:30", "2027-03-28T01:30:00+01:00"),
    (BEFORE_SPRING, "morgen 10 Uhr", "2027-03-27T10:00:00+01:00"),
    (BEFORE_SPRING, "in einer Woche um 10 Uhr", "2027-04-02T10:00:00+02:00"),
    (BEFORE_SPRING, "next Monday 9am", "2027-03-29T09:00:00+02:00"),
    # fall back: 31 October 2027, 03:00 -> 02:00; an hour that happens twice means the first
    (BEFORE_AUTUMN, "Sonntag 14 Uhr", "2027-10-31T14:00:00+01:00"),
    (BEFORE_AUTUMN, "31.10. 2:30", "2027-10-31T02:30:00+02:00"),
    (BEFORE_AUTUMN, "31.10. 1:30", "2027-10-31T01:30:00+02:00"),
    (BEFORE_AUTUMN, "31.10. 3:30", "2027-10-31T03:30:00+01:00"),
    (BEFORE_AUTUMN, "übermorgen um 10", "2027-10-31T10:00:00+01:00"),
    (BEFORE_AUTUMN, "in 3 days 10:00", "2027-11-01T10:00:00+01:00"),
    (BEFORE_AUTUMN, "am 30. Oktober um 23:30", "2027-10-30T23:30:00+02:00"),
]


@pytest.mark.parametrize(
    ("now", "text", "expected"), TABLE, ids=[f"{i:02d}" for i in range(len(TABLE))]
)
def test_date_table(now: datetime, text: str, expected: str | Problem) -> None:
    reading = read_date(text, now, "Europe/Berlin")
    if isinstance(expected, Problem):
        assert reading.problem is expected
        assert reading.at is None
    else:
        assert reading.problem is None
        assert reading.at is not None
        assert reading.at.isoformat() == expected


def test_a_refusal_still_says_what_was_understood() -> None:
    past = read_date("gestern 10 Uhr", MONDAY, "Europe/Berlin")
    assert past.wall == datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN)
    no_time = read_date("in drei Wochen", MONDAY, "Europe/Berlin")
    assert no_time.wall == datetime(2026, 12, 14, 0, 0, tzinfo=BERLIN)


def test_other_zones_are_honoured() -> None:
    reading = read_date("15.3. 10:00", MONDAY, "America/New_York")
    assert reading.at is not None
    assert reading.at.isoformat() == "2027-03-15T10:00:00-04:00"


@pytest.mark.parametrize(
    ("text", "at", "place"),
    [
        ("this Thursday at 2pm at the town hall", "2026-11-26T14:00:00+01:00", "the town hall"),
        ("in drei Wochen um 14 Uhr im Rathaus Kleve", "2026-12-14T14:00:00+01:00", "Rathaus Kleve"),
        ("15.3. 10:00 in Raum 12", "2027-03-15T10:00:00+01:00", "Raum 12"),
        ("2027-03-15 10:00 | Kreishaus, Raum 3", "2027-03-15T10:00:00+01:00", "Kreishaus, Raum 3"),
        ("am 2. März um 10 bei Stadtwerke Goch", "2027-03-02T10:00:00+01:00", "Stadtwerke Goch"),
        ("2027-03-15 10:00", "2027-03-15T10:00:00+01:00", ""),
    ],
    ids=["english", "drei-wochen", "raum-12", "pipe", "maerz", "no-place"],
)
def test_date_and_place(text: str, at: str, place: str) -> None:
    found = read_date_and_place(text, MONDAY, "Europe/Berlin")
    assert found.reading.at is not None
    assert (found.reading.at.isoformat(), found.place) == (at, place)


def test_date_and_place_keeps_the_most_telling_problem() -> None:
    found = read_date_and_place("15.3. in Kleve", MONDAY, "Europe/Berlin")
    assert (found.reading.problem, found.place) == (Problem.NO_TIME, "Kleve")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gives_a_reading_and_never_raises(text: str) -> None:
    reading = read_date_and_place(text, MONDAY, "Europe/Berlin").reading
    assert (reading.at is None) == (reading.problem is not None)
    if reading.at is not None:
        assert reading.at > MONDAY
