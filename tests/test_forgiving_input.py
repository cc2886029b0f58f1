"""Input as people type it: several members in one message, names that are nearly a
member's asked about first, multi-word member names, "did you mean" for typos, and vague
due days read or asked back, never dropped."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.due import read_vague_due, vague
from storage.database import Database
from tests.harness import ConsoleBot, heads

SETUP = """
:admin anna
@anna: /gruenden Klima-Allianz Kreis Kleve
"""


async def member_names(database: Database) -> list[str]:
    async with database.uow() as uow:
        return sorted(m.name for m in await uow.members.of_partnership(1) if m.active)


@pytest.mark.parametrize(
    "typed",
    [
        "/mitglied neu Goch, Kalkar, Emmerich am Rhein",
        "/mitglied neu Goch, Kalkar und Emmerich am Rhein",
        "/mitglied neu Goch; Kalkar; Emmerich am Rhein",
        "/mitglied neu Goch\n  Kalkar\n  Emmerich am Rhein",
    ],
)
async def test_several_members_in_one_message(database: Database, typed: str) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    out = await bot.say(f"@anna: {typed}")
    assert [h for h in heads(out) if "ist jetzt Mitglied" in h] == [
        "[main] bot: Goch ist jetzt Mitglied der Partnerschaft (aufgenommen von anna).",
        "[main] bot: Kalkar ist jetzt Mitglied der Partnerschaft (aufgenommen von anna).",
        "[main] bot: Emmerich am Rhein ist jetzt Mitglied der Partnerschaft (aufgenommen von "
        "anna).",
    ]
    assert await member_names(database) == ["Emmerich am Rhein", "Goch", "Kalkar"]


async def test_a_name_with_und_alone_is_one_member(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /mitglied neu Bündnis für Umwelt und Klima")
    assert await member_names(database) == ["Bündnis für Umwelt und Klima"]


async def test_a_list_is_stored_whole_or_not_at_all(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /mitglied neu Goch")
    out = await bot.text("@anna: /mitglied neu Kleve, Rees, Goch")
    assert out == "[main] bot: Goch ist schon Mitglied; Namen müssen eindeutig sein."
    twice = await bot.text("@anna: /mitglied neu Kleve; Rees; kleve")
    assert twice == (
        "[main] bot: „kleve“ steht zweimal in der Liste; bitte jeden Namen nur einmal nennen."
    )
    assert await member_names(database) == ["Goch"]


async def test_a_near_duplicate_is_asked_about_first(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /mitglied neu Kalkar")
    asked = await bot.text("@anna: /mitglied neu Stadt Kalkar")
    assert asked.split("\n")[0].startswith(
        "[main] bot: „Stadt Kalkar“ klingt wie Kalkar. Ist „Stadt Kalkar“ wirklich ein "
        "weiteres, eigenes Mitglied? Zwei Namen für dieselbe Kommune würden ihre "
        "Gastgeber-Runden teilen."
    )
    assert await member_names(database) == ["Kalkar"]
    await bot.say("@anna: /nein")
    assert await member_names(database) == ["Kalkar"]
    await bot.say("@anna: /mitglied neu Kalkarr")
    assert "ist jetzt Mitglied" in await bot.text("@anna: /ja")
    assert await member_names(database) == ["Kalkar", "Kalkarr"]


async def test_a_contact_for_a_member_of_several_words(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /mitglied neu Emmerich am Rhein\n@clara: /hilfe")
    out = await bot.text("@anna: /kontakt neu Emmerich am Rhein clara")
    assert "clara" in out and "Emmerich am Rhein" in out and "kenne ich" not in out
    # an unknown person is named as typed, not with part of the member's name
    unknown = await bot.text("@anna: /kontakt neu Emmerich am Rhein dora")
    assert "„dora“" in unknown and "am Rhein dora" not in unknown


async def test_typos_get_a_did_you_mean(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(
        SETUP + "@anna: /mitglied neu Emmerich am Rhein\n@anna: /ichbin Emmerich am Rhein"
    )
    assert await bot.text("@anna: /termn 12.3. 10 Uhr") == (
        "[main] bot: Den Befehl /termn kenne ich nicht. Meinten Sie /termin? "
        "Eine Übersicht zeigt /hilfe."
    )
    assert "Meinten Sie" not in await bot.text("@anna: /xyzzy")
    assert await bot.text("@anna: /kontakt neu Emerich anna") == (
        "[main] bot: Ein Mitglied „Emerich“ finde ich nicht. Meinten Sie Emmerich am Rhein?"
    )
    assert "Meinten Sie Emmerich am Rhein?" in await bot.text("@anna: /gastgeber setzen Emerch")


async def test_did_you_mean_in_english(database: Database) -> None:
    bot = await ConsoleBot.start(database, lang="en")
    await bot.say(":admin anna\n@anna: /setup Climate Alliance")
    assert await bot.text("@anna: /shedule tomorrow 10am") == (
        "[main] bot: I don't know the command /shedule. Did you mean /schedule? "
        "/help shows all commands."
    )


MEETING = """
@anna: /mitglied neu Goch, Kalkar
@bea: /ichbin Goch
@bea: /termin 16.2.2027 10 Uhr
:time 2027-02-16 10:05
@bea: /sitzungsbeginn
"""


async def test_vague_due_days_are_read_or_asked_never_dropped(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    await bot.say(SETUP + MEETING)
    assert await bot.text("@bea: /aufgabe Kalkar Bericht schicken bis Ende März") == (
        "[main] bot: Aufgabe für Kalkar notiert: Bericht schicken (bis 31.03.2027)"
    )
    asked = await bot.text("@bea: /aufgabe Kalkar Radweg prüfen bis Anfang Mai")
    assert asked.startswith(
        "[main] bot: „Anfang Mai“ nennt keinen Tag, an dem ich erinnern kann. Bitte einen Tag "
        "angeben, z. B. bis 15.5. oder bis Ende Mai."
    )
    text = await bot.text("@bea: /aufgabe Kalkar Zählung von Januar bis März auswerten")
    assert text == ("[main] bot: Aufgabe für Kalkar notiert: Zählung von Januar bis März auswerten")
    out = await bot.say("@bea: /sitzungsende\n@bea: /aufgaben")
    listing = out[-1]
    assert "Bericht schicken" in listing and "Radweg" not in listing


@pytest.mark.parametrize(
    ("phrase", "day"),
    [
        ("Ende März", date(2027, 3, 31)),
        ("ende maerz 2028", date(2028, 3, 31)),
        ("Mitte April", date(2027, 4, 15)),
        ("Ende Februar", date(2027, 2, 28)),
        ("Ende Januar", date(2027, 1, 31)),
        ("Ende Dezember 2026", date(2026, 12, 31)),
        ("Ende des Monats", date(2027, 1, 31)),
        ("Monatsende", date(2027, 1, 31)),
        ("Ende des Jahres", date(2027, 12, 31)),
        ("Ende der Woche", date(2027, 1, 15)),
        ("Ende nächster Woche", date(2027, 1, 22)),
        ("KW 12", date(2027, 3, 26)),
        ("KW 1", date(2028, 1, 7)),
        ("kw 53", None),
        ("Ende Q2", date(2027, 6, 30)),
        ("Q1", date(2027, 3, 31)),
        ("Ende des 3. Quartals", date(2027, 9, 30)),
        ("end of March", date(2027, 3, 31)),
        ("mid-April", date(2027, 4, 15)),
        ("end of next week", date(2027, 1, 22)),
        ("week 30", date(2027, 7, 30)),
        ("Ende März 1999", None),
        ("Anfang Mai", None),
        ("Freitag", None),
    ],
)
def test_vague_due_phrases(phrase: str, day: date | None) -> None:
    assert read_vague_due(phrase, date(2027, 1, 11)) == day


@pytest.mark.parametrize(
    ("phrase", "is_vague"),
    [
        ("Anfang Mai", True),
        ("nächste Woche", True),
        ("März", True),
        ("März 2027", True),
        ("Sommer", True),
        ("bald", True),
        ("März auswerten", False),
        ("B", False),
        ("Freitag", False),
        ("15. März", False),
    ],
)
def test_vague_phrases(phrase: str, is_vague: bool) -> None:
    assert vague(phrase) is is_vague


async def test_a_swap_without_the_bar_and_what_it_means(database: Database) -> None:
    """`/gastgeber tauschen Goch Alpen`: two full names need no "|"; the announcement says
    when each of the two hosts now, also when one of them already hosted this round."""
    bot = await ConsoleBot.start(database)
    await bot.say(
        SETUP
        + "@anna: /mitglied neu Alpen, Bedburg-Hau, Emmerich am Rhein, Goch\n"
        + "@anna: /termin 3.12.2026 10:00 im Rathaus\n:time 2026-12-03 12:00"
    )
    out = await bot.text("@anna: /gastgeber tauschen Goch Alpen wegen Umbau")
    assert "Goch und Alpen tauschen" in out, out
    assert "Grund: wegen Umbau" in out, out
    assert "Damit lädt Alpen im 3. Quartal 2027 ein und Goch im 4. Quartal 2027." in out, out
    out = await bot.text("@anna: /gastgeber tauschen Emmerich am Rhein Bedburg-Hau")
    assert "Emmerich am Rhein und Bedburg-Hau tauschen" in out, out
    refused = await bot.text("@anna: /gastgeber tauschen Goch Alpn")
    assert refused.startswith("[main] bot: Darin erkenne ich nicht zwei Mitglieder."), refused
    assert "/gastgeber tauschen Goch | Kleve" in refused
