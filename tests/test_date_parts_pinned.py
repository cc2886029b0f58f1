"""The parts of a typed date pinned where mutation testing (issue #16) found a change to
bot/domain/date_parts.py that no other test noticed: each row is a phrase as colleagues type
it, read exactly as they mean it (or refused, naming what was understood). Same format and
checks as the phrase table (tests/date_phrases.py); MON is Monday 23.11.2026, 10:00, and
12.3.2027 a Friday."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from bot.domain import date_words as w
from bot.domain.date_parts import Scan, read_parts
from bot.domain.dates import Doubt, Problem, read_date_and_place
from tests.date_phrases import MON, SPRING, Outcome, ask, no, ok
from tests.test_date_phrases import ZONE, _id
from tests.test_date_phrases import test_phrase as check_phrase


def bad_range(when: str, end: str) -> Outcome:
    """Refused because the end is not after the start; `end` is the end as understood."""
    return Outcome("no", when, problem=Problem.BAD_RANGE, end=end)


PINNED: list[tuple[datetime, str, str, Outcome]] = [
    # night: the small hours are the morning's, the evening's hours the evening's
    (MON, "de", "12.3. 3 Uhr nachts", ok("2027-03-12 03:00")),
    (MON, "de", "12.3. 11 Uhr nachts", ok("2027-03-12 23:00")),
    (MON, "de", "12.3. 12 Uhr nachts", ok("2027-03-12 00:00")),
    (MON, "de", "12.3. halb eins in der Nacht", ok("2027-03-12 00:30")),
    (MON, "en", "12 March at 11 at night", ok("2027-03-12 23:00")),
    # a range whose end is before its start in 12-hour numbers ends in the afternoon
    (MON, "de", "12.3. von 11 bis 1", ok("2027-03-12 11:00", end="13:00")),
    (MON, "de", "12.3. 12-1 Uhr", ok("2027-03-12 12:00", end="13:00")),
    (MON, "de", "12.3. 14-4 Uhr", ok("2027-03-12 14:00", end="16:00")),
    (MON, "de", "12.3. 20-9 Uhr", ok("2027-03-12 20:00", end="21:00")),
    # ... unless even that is not after the start: refused with the end as typed
    (MON, "de", "12.3. 20-8 Uhr", bad_range("2027-03-12 20:00", "08:00")),
    (MON, "de", "12.3. 20-6 Uhr", bad_range("2027-03-12 20:00", "06:00")),
    (MON, "de", "12.3. 20:30-8:45", bad_range("2027-03-12 20:30", "08:45")),
    # an end's am/pm is the end's; the start takes it only if it is not after the end
    (MON, "en", "12.3. 8am-8pm", ok("2027-03-12 08:00", end="20:00")),
    (MON, "en", "12.3. 2-4pm", ok("2027-03-12 14:00", end="16:00")),
    (MON, "en", "12.3. 9-9pm", bad_range("2027-03-12 21:00", "21:00")),
    # the end's clock: up to 23:59, nothing later
    (MON, "de", "12.3. 20-23 Uhr", ok("2027-03-12 20:00", end="23:00")),
    (MON, "de", "12.3. 10-11:59", ok("2027-03-12 10:00", end="11:59")),
    (MON, "de", "12.3. 10-24 Uhr", no(Problem.NOT_UNDERSTOOD, None)),
    (MON, "de", "12.3. 10-25 Uhr", no(Problem.NOT_UNDERSTOOD, None)),
    (MON, "de", "12.3. 10-11:60", no(Problem.NOT_UNDERSTOOD, None)),
    # "halb eins" is half past twelve, midday
    (MON, "de", "12.3. halb eins", ok("2027-03-12 12:30")),
    (MON, "de", "12.3. viertel vor eins", ok("2027-03-12 12:45")),
    # 29 February without a year: the next leap year's
    (MON, "de", "29.2. 10 Uhr", ask("2028-02-29 10:00", Doubt.FAR_NO_YEAR)),
    # a typed year counts, after a month's name too
    (MON, "de", "12. März 2028 10 Uhr", ok("2028-03-12 10:00")),
    # slashed days: day first, unless only the other way is a date
    (MON, "de", "16/3 10 Uhr", ok("2027-03-16 10:00")),
    (MON, "en", "3/13/2027 10am", ok("2027-03-13 10:00")),
    (MON, "en", "12/13/2027 10am", ok("2027-12-13 10:00")),
    (MON, "en", "13/3/2027 10am", ok("2027-03-13 10:00")),
    (MON, "en", "12/3/2027 10am", ask("2027-03-12 10:00", Doubt.DAY_FIRST)),
    # "heute um 3": this afternoon, asked back
    (MON, "de", "heute um 3", ask("2026-11-23 15:00", Doubt.AM_PM)),
    # am/pm around twelve: 12:30 am is just after midnight, 12 pm is noon, 13 pm no time
    (MON, "en", "13.3. 12:30am", ok("2027-03-13 00:30")),
    (MON, "en", "12.3. 12pm", ok("2027-03-12 12:00")),
    (MON, "en", "12.3. 13pm", no(Problem.NOT_UNDERSTOOD, None)),
    (MON, "de", "12.3. 24 Uhr", no(Problem.NOT_UNDERSTOOD, None)),
    (MON, "de", "12.3. 10:60", no(Problem.NOT_UNDERSTOOD, None)),
    # "mittags" makes "um 1" the afternoon, without asking; "in the morning" makes 12:30
    # the half hour after midnight
    (MON, "de", "12.3. um 1 mittags", ok("2027-03-12 13:00")),
    (MON, "en", "13.3. 12:30 in the morning", ok("2027-03-13 00:30")),
    # weeks: the Monday of the week meant, also typed on a Friday
    (SPRING, "de", "nächste Woche", no(Problem.NO_DAY, "2027-03-29 00:00")),
    (MON, "de", "uebernaechste Woche Dienstag 10 Uhr", ok("2026-12-08 10:00")),
    (MON, "en", "the week after next", no(Problem.NO_DAY, "2026-12-07 00:00")),
    (MON, "en", "Tuesday the week after next at 10am", ok("2026-12-08 10:00")),
    # a month alone: with its year as typed; without, this month while it lasts
    (MON, "de", "März 2028", no(Problem.NO_DAY, "2028-03-01 00:00")),
    (MON, "de", "im November", no(Problem.NO_DAY, "2026-11-01 00:00")),
    # a day and "nächsten Monat" besides: asked about, not silently dropped
    (
        MON,
        "de",
        "15.12. nächsten Monat 10 Uhr",
        no(Problem.NOT_UNDERSTOOD, "2026-12-15 10:00", unread="nächsten Monat"),
    ),
    # digits other than ASCII are no number ("１０" typed on a full-width keyboard)
    (MON, "de", "12.3. １０ Uhr", no(Problem.NO_TIME, "2027-03-12 00:00", unread="１０ Uhr")),
    # a letter whose lower case is two letters (Turkish "İ") shifts nothing
    (
        MON,
        "de",
        "Treffen mit İlkay 16.3. 10 Uhr",
        no(Problem.NOT_UNDERSTOOD, "2027-03-16 10:00", unread="Treffen mit İlkay"),
    ),
]


@pytest.mark.parametrize(("now", "lang", "text", "expected"), PINNED, ids=[_id(p) for p in PINNED])
def test_pinned_phrase(now: datetime, lang: str, text: str, expected: Outcome) -> None:
    check_phrase(now, lang, text, expected)
    if expected.problem is Problem.BAD_RANGE:
        # the refusal names the range as understood ("20:00–08:00"), the end as typed
        end = read_date_and_place(text, now, ZONE, language=lang).reading.end
        assert end is not None and end.strftime("%H:%M") == expected.end


def test_a_relative_day_past_the_calendars_end_is_too_far_not_a_crash() -> None:
    for text in ("übermorgen", "nächste Woche", "in 3 Tagen"):
        parts = read_parts(Scan(text), date.max, "de")
        assert parts.problem is Problem.TOO_FAR, text


def test_each_name_is_matched_whole_by_its_alternatives() -> None:
    """ "märz" is read as März, not as "mär" and a stray "z": a longer name is tried before
    the shorter one it starts with (the patterns of date_words are built from these lists)."""
    for names in (w.MONTHS, w.WEEKDAYS, w.NUMBERS, ["a.m", "axm"]):
        pattern = re.compile(w._alternatives(names))
        for name in names:
            found = pattern.match(name)
            assert found is not None and found[0] == name, name


def test_a_weekday_three_days_after_the_date_offers_that_later_day() -> None:
    """ "Montag, 12.3.2027" (a Friday): the Monday offered instead is the 15th, three days on,
    not the 8th, four days back."""
    reading = read_date_and_place("Montag, 12.3.2027, 10 Uhr", MON, ZONE, language="de").reading
    assert reading.doubts == (Doubt.WEEKDAY,)
    assert reading.other is not None and reading.other.date() == date(2027, 3, 15)
