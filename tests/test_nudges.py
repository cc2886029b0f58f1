"""The nudge to schedule the next meeting, over a year of nobody planning: the host's contact
persons at most three weeks in a row, then the coordinators every four weeks, never five
weeks of silence while a meeting is due; examples with a real day and the host's real place;
and the minutes reminder that says what helps when the meeting was never ended."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta

from storage.database import Database
from tests.harness import ConsoleBot, heads

SETUP = """
:admin anna
@anna: /gruenden Klima-Allianz Kreis Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Kalkar
@anna: /mitglied neu Kleve
@bea: /ichbin Goch
@kai: /ichbin Kalkar
"""
NUDGE = "Das nächste Treffen der Partnerschaft Klima-Allianz Kreis Kleve"


def weekly_steps(start: date, weeks: int) -> str:
    """`:time` lines one week apart, each at noon, so each week's output can be told apart."""
    return "\n".join(
        f":time {(start + timedelta(weeks=w)).isoformat()} 12:00" for w in range(1, weeks + 1)
    )


async def nudges_by_week(bot: ConsoleBot, start: date, weeks: int) -> list[list[str]]:
    """Per week: who each nudge of that week was addressed to."""
    found: list[list[str]] = []
    for week in range(1, weeks + 1):
        out = await bot.say(f":time {(start + timedelta(weeks=week)).isoformat()} 12:00")
        found.append([m.split("\n")[-1] for m in out if m.startswith(f"[main] bot: {NUDGE}")])
    return found


async def test_a_year_unplanned_nudges_the_host_three_times_then_the_coordinators_monthly(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(SETUP)
    weeks = await nudges_by_week(bot, date(2027, 1, 10), 52)
    addressed = [w for week in weeks for w in week]
    # no week has two nudges; the first three go to Goch's contact, then to the coordinator
    assert all(len(week) <= 1 for week in weeks)
    assert addressed[:3] == ["  An: bea"] * 3
    assert set(addressed[3:]) == {"  An: anna"}
    assert len(addressed) >= 3 + 11
    # never more than five weeks without one, from the first nudge to the end of the year
    sent = [i for i, week in enumerate(weeks) if week]
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert max(gaps) <= 5
    assert len(weeks) - 1 - sent[-1] <= 5


async def test_the_last_host_nudge_says_what_comes_next_and_the_coordinators_get_an_example(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(SETUP)
    out = await bot.say(weekly_steps(date(2027, 1, 10), 8))
    nudges = [m for m in out if m.startswith(f"[main] bot: {NUDGE}")]
    assert "Das ist die dritte Erinnerung in Folge." in nudges[2]
    assert "dritte Erinnerung" not in nudges[1]
    assert "An die Koordination: Goch hat noch keinen Termin genannt." in nudges[3]
    example = re.search(r"zum Beispiel: (/termin (\d+)\.(\d+)\.(\d{4}) 10 Uhr)", nudges[3])
    assert example is not None
    # the example is a Tuesday at least three weeks ahead, in the quarter the meeting is due
    day = date(int(example[4]), int(example[3]), int(example[2]))
    assert day.weekday() == 1 and day.month <= 3


async def test_an_overdue_meeting_is_called_overdue_and_the_example_is_a_coming_day(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(SETUP)
    out = await bot.say(":time 2027-05-20 12:00")
    last = heads([m for m in out if m.startswith(f"[main] bot: {NUDGE}")])[-1]
    assert last == f"[main] bot: {NUDGE} war im 1. Quartal 2027 fällig und ist noch nicht " + (
        "geplant. Goch lädt ein."
    )
    # following that example plans the meeting, and the nudges stop
    example = re.search(r"(/termin \S+ 10 Uhr)", out[-1])
    assert example is not None
    answer = await bot.text(f"@bea: {example[1]}")
    assert "Goch" in answer and "Treffen" in answer
    day = re.search(r"(\d+)\.(\d+)\.2027", example[1])
    assert day is not None
    before = date(2027, int(day[2]), int(day[1])) - timedelta(days=1)
    assert not [m for m in await bot.say(f":time {before.isoformat()} 12:00") if NUDGE in m]


async def test_the_example_names_the_hosts_last_place(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(
        SETUP
        + "@bea: /termin 16.2.2027 10 Uhr | Rathaus Goch, Ratssaal\n"
        + ":time 2027-02-17 09:00\n"
        + "@kai: /termin 18.5.2027 10 Uhr | Kalkar, Stadthalle\n"
        + ":time 2027-05-19 09:00\n"
        + "@anna: /termin 17.8.2027 10 Uhr\n"
    )
    out = await bot.say(weekly_steps(date(2027, 8, 19), 6))
    nudge = next(m for m in out if m.startswith(f"[main] bot: {NUDGE}"))
    assert "Goch lädt ein." in nudge
    assert re.search(r"/termin \S+ 10 Uhr \| Rathaus Goch, Ratssaal", nudge)


async def test_the_nudge_is_english_in_english(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00", lang="en")
    await bot.say(SETUP.replace("/gruenden", "/setup"))
    out = await bot.say(weekly_steps(date(2027, 1, 10), 8))
    nudges = [m for m in out if "The next meeting of the partnership" in m]
    assert "This is the third reminder in a row." in nudges[2]
    assert re.search(r"\n  Please set a date, for example: /schedule \d+ \w+ 2027 10:00", nudges[0])
    assert re.search(r"for example: /schedule \d+ \w+ 2027 10:00", nudges[3])
    assert "To the coordinators: Goch has not set a date yet." in nudges[3]


async def test_the_minutes_reminder_of_a_meeting_never_ended_says_to_end_it(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(SETUP + "@bea: /termin 16.2.2027 10 Uhr\n:time 2027-02-16 10:05")
    assert "Sitzung" in await bot.text("@bea: /sitzungsbeginn")
    out = await bot.say(":time 2027-02-20 12:00")
    reminder = next(m for m in out if "noch nicht beendet" in m)
    assert reminder.split("\n")[0] == (
        "[main] bot: Die Sitzung vom Di., 16.02.2027, 10:00 ist noch nicht beendet, deshalb "
        "gibt es noch kein Protokoll. Wer sie protokolliert hat, beendet sie mit /sitzungsende; "
        "dann wird das Protokoll an alle verschickt."
    )
    assert reminder.endswith("An: bea")
    # following it works: the meeting ends and the minutes go out
    assert "Protokoll" in await bot.text("@bea: /sitzungsende")
