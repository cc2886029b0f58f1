"""A scripted year of the 17 members of the Kreis Kleve alliance, in German and English
(`tests/scenarios/kreis_kleve.<lang>.script`; the golden output is checked by
test_scenarios.py). Here the year is played step by step to check what a golden file cannot
say by itself: no nudge more than three times in a row, never more than five weeks without
one while a meeting is due and none is planned, no known grammar error in any reply, and
every help view under 1,500 characters.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.usecases.plan import current_plan
from storage.database import Database
from tests.harness import ConsoleBot
from tests.test_replies import known_errors

SCENARIOS = Path(__file__).parent / "scenarios"
BERLIN = ZoneInfo("Europe/Berlin")
START = "2027-01-11 09:00"
NUDGE = {"de": "Das nächste Treffen der Partnerschaft", "en": "The next meeting of the partnership"}
HELP = {"de": ("/hilfe",), "en": ("/help",)}
MAX_HELP = 1500


def steps(script: str) -> list[tuple[datetime | None, str]]:
    """The script cut at its `:time` lines: (the time moved to, the lines up to the next)."""
    chunks: list[tuple[datetime | None, str]] = [(None, "")]
    for line in script.splitlines():
        if line.startswith(":time "):
            at = datetime.strptime(line[6:], "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
            chunks.append((at, line + "\n"))
        else:
            when, text = chunks[-1]
            chunks[-1] = (when, text + line + "\n")
    return chunks


Played = tuple[list[tuple[datetime, list[str]]], bool]
_PLAYED: dict[str, Played] = {}


async def play(database: Database, lang: str) -> Played:
    """The year played once per language (the three checks read the same, deterministic
    run; each would otherwise take a few seconds to play it again)."""
    if lang not in _PLAYED:
        _PLAYED[lang] = await _play(database, lang)
    return _PLAYED[lang]


async def _play(database: Database, lang: str) -> Played:
    """Each step's time and messages; and whether a due, unplanned stretch went quiet."""
    bot = await ConsoleBot.start(database, now=START, lang=lang)
    script = (SCENARIOS / f"kreis_kleve.{lang}.script").read_text(encoding="utf-8")
    now = datetime.strptime(START, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
    played: list[tuple[datetime, list[str]]] = []
    quiet_too_long = False
    last_heard = now
    for at, text in steps(script):
        now = at or now
        out = await bot.say(text)
        played.append((now, out))
        async with database.uow() as uow:
            partnership = await uow.partnerships.get(1)
            if partnership is None:  # before it is founded
                continue
            plan = await current_plan(uow, partnership, now)
        if plan.upcoming or any(m.startswith(f"[main] bot: {NUDGE[lang]}") for m in out):
            last_heard = now
        elif now - last_heard > timedelta(weeks=5, days=1):
            quiet_too_long = True
    return played, quiet_too_long


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_a_year_nudges_without_nagging_and_never_falls_silent(
    sqlite_database: Database, lang: str
) -> None:
    played, quiet_too_long = await play(sqlite_database, lang)
    assert not quiet_too_long
    nudges = [
        (at, message)
        for at, out in played
        for message in out
        if message.startswith(f"[main] bot: {NUDGE[lang]}")
    ]
    assert len(nudges) >= 8
    streak, previous = 0, ""
    for _, message in nudges:
        addressed = message.split("\n")[-1]
        streak = streak + 1 if addressed == previous else 1
        previous = addressed
        host_nudge = "An die Koordination" not in message and "To the coordinators" not in message
        if host_nudge:
            assert streak <= 3, message


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_every_help_view_of_the_year_fits_a_chat(
    sqlite_database: Database, lang: str
) -> None:
    played, _ = await play(sqlite_database, lang)
    script = (SCENARIOS / f"kreis_kleve.{lang}.script").read_text(encoding="utf-8")
    assert any(HELP[lang][0] in line for line in script.splitlines())
    helps = [m for _, out in played for m in out if "/hilfe" in m or "/help" in m]
    assert helps
    for message in helps:
        assert len(message) <= MAX_HELP + len("[main] bot: "), message[:200]


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_no_reply_of_the_year_has_a_known_grammar_error(
    sqlite_database: Database, lang: str
) -> None:
    played, _ = await play(sqlite_database, lang)
    replies = [m.split(" bot: ", 1)[1].replace("\n  ", "\n") for _, out in played for m in out]
    assert len(replies) > 100
    assert {r[:80]: e for r in replies if (e := known_errors(lang, r))} == {}
