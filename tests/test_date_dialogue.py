"""Dates as a coordinator types them in the console: the bot asks back instead of guessing,
one `/ja` takes its best reading, holidays of the partnership's Bundesland are pointed out,
and dates at the ends of the calendar are refused in every zone instead of crashing."""

from __future__ import annotations

import re

import pytest

from storage.database import Database
from tests.harness import ConsoleBot, heads

SETUP = """
:admin anna
@anna: /gruenden Klima-Allianz Kreis Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Kalkar
"""


async def test_a_weekday_that_contradicts_the_date_is_asked_with_both_days(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    [question] = await bot.say("@anna: /termin Dienstag, 14.03., 9:30 Rathaus Goch")
    assert question.startswith(
        "[main] bot: Ich bin nicht sicher: Sie schrieben Dienstag, aber der Tag ist Sonntag, "
        "14. März 2027. Meinten Sie So., 14.03.2027, 09:30?\n"
        "  Oder Di., 16.03.2027, 09:30? Dann schreiben Sie /ja "
    )
    assert "Noch ist kein Treffen geplant" in (await bot.say("@anna: /naechstes"))[0]
    token = re.search(r"Dann schreiben Sie /ja (\w+)\.", question)
    assert token is not None
    out = await bot.say(f"@anna: /ja {token[1]}")
    assert heads(out) == [
        "[main] bot: Neues Treffen: Di., 16.03.2027, 09:30 im Rathaus Goch (eingetragen von anna)."
    ]


async def test_one_yes_takes_the_best_reading_and_points_out_a_sunday(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    await bot.say("@anna: /termin Dienstag, 14.03., 9:30 Rathaus Goch")
    assert heads(await bot.say("@anna: /ja")) == [
        "[main] bot: Hinweis zum Termin So., 14.03.2027, 09:30: Das ist ein Sonntag.",
        "[main] bot: Neues Treffen: So., 14.03.2027, 09:30 im Rathaus Goch (eingetragen von anna).",
    ]


async def test_an_hour_that_could_be_morning_or_afternoon_is_asked(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    assert await bot.say("@anna: /termin 12.3. um 3") == [
        "[main] bot: Ich bin nicht sicher: Die Uhrzeit kann morgens oder nachmittags gemeint "
        "sein. Meinten Sie Fr., 12.03.2027, 15:00?\n"
        "  Tippen Sie auf die passende Antwort (oder schreiben Sie /ja), oder schreiben Sie den "
        "Termin neu, genauer."
    ]
    assert heads(await bot.say("@anna: /ja")) == [
        "[main] bot: Neues Treffen: Fr., 12.03.2027, 15:00 in Goch (eingetragen von anna)."
    ]


async def test_a_time_alone_is_asked_and_no_drops_it(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    [question] = await bot.say("@anna: /termin 14 Uhr 30")
    assert "Sie haben eine Uhrzeit genannt, aber keinen Tag. Meinten Sie Mo., 23.11.2026" in (
        question
    )
    assert await bot.say("@anna: /nein") == [
        "[main] bot: Abgebrochen: /termin 23.11.2026 14:30 wird nicht ausgeführt."
    ]
    assert "Noch ist kein Treffen geplant" in (await bot.say("@anna: /naechstes"))[0]


async def test_misleading_refusals_of_main_now_read_or_name_what_was_understood(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    assert heads(await bot.say("@anna: /termin 12.03. 10-12 Uhr Rathaus Goch")) == [
        "[main] bot: Neues Treffen: Fr., 12.03.2027, 10:00 bis 12:00 im Rathaus Goch (eingetragen von anna)."
    ]
    [asked] = await bot.say("@anna: /verschieben 12.3. 1030")
    assert (
        "Die vierstellige Zahl lese ich als Uhrzeit. Meinten Sie Fr., 12.03.2027, 10:30?" in asked
    )
    assert await bot.say("@anna: /verschieben nächsten Monat 10 Uhr") == [
        "[main] bot: Ich habe Dezember 2026, 10:00 verstanden, aber keinen Tag. An welchem Tag "
        "genau? Beispiel: /verschieben 15.3. 10:00"
    ]


async def test_the_holidays_of_the_partnerships_bundesland_are_pointed_out(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    # All Saints' Day is a holiday in North Rhine-Westphalia, not everywhere
    out = await bot.say("@anna: /termin 1.11.2027 10 Uhr")
    assert not any("Feiertag" in line for line in out)
    assert heads(await bot.say("@anna: /einstellungen bundesland Nordrhein-Westfalen")) == [
        "[main] bot: anna hat die Einstellung „Bundesland (für Feiertage)“ auf NW gesetzt."
    ]
    assert heads(await bot.say("@anna: /verschieben 1.11.2027 11 Uhr")) == [
        "[main] bot: Hinweis zum Termin Mo., 01.11.2027, 11:00: Das ist ein Feiertag (Allerheiligen).",
        "[main] bot: Treffen verschoben: von Mo., 01.11.2027, 10:00 auf Mo., 01.11.2027, 11:00 "
        "in Goch (geändert von anna).",
    ]
    assert heads(await bot.say("@anna: /verschieben 24.12. 03:00")) == [
        "[main] bot: Hinweis zum Termin Do., 24.12.2026, 03:00: An diesem Tag haben viele frei. "
        "03:00 Uhr ist mitten in der Nacht.",
        "[main] bot: Treffen verschoben: von Mo., 01.11.2027, 11:00 auf Do., 24.12.2026, 03:00 "
        "in Goch (geändert von anna).",
    ]
    assert "Bundesland (für Feiertage): NW" in (await bot.say("@anna: /einstellungen"))[0]
    assert (
        "„Mars“ kenne ich nicht als Bundesland"
        in (await bot.say("@anna: /einstellungen bundesland Mars"))[0]
    )


@pytest.mark.parametrize(
    ("zone", "typed", "reply"),
    [
        (
            "America/St_Johns",
            "31.12.9999 23:59",
            "Ich habe Fr., 31.12.9999, 23:59 verstanden – so weit im Voraus (mehr als drei "
            "Jahre) plane ich nichts.",
        ),
        (
            "Europe/Berlin",
            "1.1.0001 00:30",
            "Ich habe Mo., 01.01.0001, 00:30 verstanden – das liegt in der Vergangenheit.",
        ),
    ],
)
async def test_the_ends_of_the_calendar_are_refused_not_a_crash(
    database: Database, zone: str, typed: str, reply: str
) -> None:
    """Both crashed the console on main: OverflowError in the zone arithmetic (issue #16)."""
    bot = await ConsoleBot.start(database, tz=zone)
    await bot.say(SETUP)
    assert await bot.say(f"@anna: /termin {typed}") == [
        f"[main] bot: {reply} Beispiel: /termin Donnerstag 14 Uhr im Rathaus Kleve"
    ]
    assert bot.warnings == []


async def test_a_reminder_at_the_end_of_the_calendar_is_refused_and_the_list_still_works(
    database: Database,
) -> None:
    """On main `/erinnern 31.12.9999 Test` was kept and broke `/erinnerungen` (issue #16)."""
    bot = await ConsoleBot.start(database, tz="America/St_Johns")
    await bot.say(SETUP)
    [refused] = await bot.say("@anna: /erinnern 31.12.9999 Test")
    listed = await bot.say("@anna: /erinnerungen")
    assert refused.startswith(
        "[main] bot: Ich habe Fr., 31.12.9999, 09:00 verstanden – so weit im Voraus"
    )
    assert heads(listed) == [
        "[main] bot: Es sind keine Erinnerungen gesetzt. Eine setzen: "
        "/erinnern 15.3. 10:00 Förderantrag Klimaschutzmanagement einreichen"
    ]


async def test_a_reminder_at_an_unsure_hour_is_asked_not_shortened(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    [asked] = await bot.say("@anna: /erinnern morgen um 3 Bericht schicken")
    assert "Meinten Sie Di., 24.11.2026, 15:00?" in asked
    assert await bot.say("@anna: /ja") == [
        "[main] bot: Erinnerung #1 gesetzt für Di., 24.11.2026, 15:00: Bericht schicken"
    ]


@pytest.mark.parametrize(
    "typed", ["/termin 12.3. um 3", "/verschieben 1 auf 12.3. um 3", "/termin Di, 14.03. 9:30"]
)
async def test_who_may_not_plan_is_refused_before_any_date_question(
    database: Database, typed: str
) -> None:
    """dora speaks for no member: no question whose answer would only be refused."""
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /termin 4.3.2027 10:00")
    assert await bot.say(f"@dora: {typed}") == [
        "[main] bot: Das dürfen nur die Koordination und die Ansprechpartner*innen des "
        "gastgebenden Mitglieds."
    ]
    assert await bot.say("@dora: /ja") == [
        "[main] bot: Es gibt hier nichts, was Sie bestätigen könnten."
    ]
    assert "04.03.2027" in (await bot.say("@anna: /naechstes"))[0]


@pytest.mark.parametrize("day", ["31.12.9999", "1.1.0001"])
async def test_the_minutes_of_a_day_at_the_end_of_the_calendar_are_none_not_a_crash(
    sqlite_database: Database, day: str
) -> None:
    """The fuzzer's find: /protokoll 31.12.9999 counted to the next day, past the calendar."""
    bot = await ConsoleBot.start(sqlite_database, tz="America/St_Johns")
    await bot.say(SETUP)
    [answer] = await bot.say(f"@anna: /protokoll {day}")
    assert answer.startswith("[main] bot: ") and "Protokoll" in answer, answer
