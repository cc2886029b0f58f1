"""The parts of a typed date pinned where mutation testing (issue #16) found a change to
bot/domain/date_parts.py that no other test noticed: each row is a phrase as colleagues type
it, read exactly as they mean it (or refused, naming what was understood). Same format and
checks as the phrase table (tests/date_phrases.py); MON is Monday 23.11.2026, 10:00, and
12.3.2027 a Friday."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.domain.dates import Doubt, Problem, read_date_and_place
from tests.date_phrases import MON, Outcome, ask, no, ok
from tests.test_date_phrases import ZONE, _id
from tests.test_date_phrases import test_phrase as check_phrase


def bad_range(when: str, end: str) -> Outcome:
    """Refused because the end is not after the start; `end` is the end as understood."""
    return Outcome("no", when, problem=Problem.BAD_RANGE, end=end)


PINNED: list[tuple[datetime, str, str, Outcome]] = [
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
]


@pytest.mark.parametrize(("now", "lang", "text", "expected"), PINNED, ids=[_id(p) for p in PINNED])
def test_pinned_phrase(now: datetime, lang: str, text: str, expected: Outcome) -> None:
    check_phrase(now, lang, text, expected)
    if expected.problem is Problem.BAD_RANGE:
        # the refusal names the range as understood ("20:00–08:00"), the end as typed
        end = read_date_and_place(text, now, ZONE, language=lang).reading.end
        assert end is not None and end.strftime("%H:%M") == expected.end
