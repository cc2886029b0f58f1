"""Input that crashed the bot (issue 16): digits that are not ASCII, numbers too long to
read, control characters that PostgreSQL refuses. Each is answered; nothing is lost."""

from __future__ import annotations

import pytest

from bot.core.events import Identity, JoinEvent, MessageEvent, RoomRef, Sender
from bot.core.render import render_plain
from bot.core.text import MAX_DIGITS, ascii_number, drop_controls, foreign_digits
from storage.database import Database
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

MEETING = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /iam Kleve
@anna: /termin 20.1.2027 10:00
@anna: /tagesordnung neu Radwege
:time 2027-01-20 10:05
@anna: /sitzungsbeginn
"""

SUPERSCRIPT = [
    ("/protokoll ²", "„²“ ist weder eine Nummer noch ein Datum wie 02.03.2027."),
    ("/erledigt ²", "„²“ ist keine Nummer einer Aufgabe."),
    ("/einstellungen agenda-frist ²", "„²“ ist keine Anzahl Tage zwischen 0 und 60."),
    ("/einstellungen max-kontakte ²", "„²“ geht nicht: bitte eine Zahl von 1 bis 5."),
    ("/erinnerungen loeschen ²", "Bitte die Nummer der Erinnerung angeben (siehe /erinnerungen)."),
    ("/tagesordnung entfernen ²", "„²“ ist keine Nummer eines Tagesordnungspunktes."),
    ("/tagesordnung verschieben ² 1", "„²“ ist keine Nummer eines Tagesordnungspunktes."),
    ("/tagesordnung verschieben 1 ²", "„²“ ist keine Position zwischen 1 und 1."),
    ("/protokoll ٣", "„٣“ ist weder eine Nummer noch ein Datum wie 02.03.2027."),
    ("/erledigt " + "1" * 5000, "„11111111111111111111“ ist keine Nummer einer Aufgabe."),
    ("/protokoll " + "9" * 5000, "„" + "9" * 30 + "“ ist weder eine Nummer noch ein Datum"),
    ("/aufgabe Kleve Angebote bis ٣.٣.", "„٣.٣.“ ist kein gültiges Datum."),
]


@pytest.mark.parametrize(("line", "answer"), SUPERSCRIPT, ids=[c[0][:32] for c in SUPERSCRIPT])
async def test_digits_other_than_ascii_are_refused_with_a_reason(
    sqlite_database: Database, line: str, answer: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    await bot.say(MEETING)
    before = await snapshot(sqlite_database, skip=("presence",))
    out = await bot.say(f"@anna: {line}")
    assert len(out) == 1 and out[0].startswith(f"[main] bot: {answer}"), out
    assert await snapshot(sqlite_database, skip=("presence",)) == before


async def test_a_superscript_topic_is_free_text_not_an_agenda_number(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    await bot.say(MEETING)
    assert await bot.say("@anna: /thema ²") == ["[main] bot: Thema: ²"]
    assert await bot.say("@anna: /thema 1") == ["[main] bot: Thema: TOP 1 – Radwege"]


def test_numbers_are_read_from_ascii_digits_only() -> None:
    assert ascii_number("042") == 42
    assert ascii_number("9" * MAX_DIGITS) == int("9" * MAX_DIGITS)
    for bad in ("", "²", "٣", "1²", "-1", "+1", " 1", "1.0", "9" * (MAX_DIGITS + 1), "1" * 5000):
        assert ascii_number(bad) is None, bad
    assert foreign_digits("3.٣.") and foreign_digits("x²") and not foreign_digits("3.3. Köln")


def test_events_drop_control_characters_and_keep_lines() -> None:
    assert drop_controls("a\x00b\x07c\ud800d") == "abcd"
    assert drop_controls("eins\r\nzwei\rdrei\tvier\u200b") == "eins\nzwei\ndrei\tvier\u200b"
    sender = Sender(Identity("matrix", "@a:x"), "An\x00na\x1b")
    event = MessageEvent(RoomRef("matrix", "!r:x"), sender, "/ja \x00", "Ra\x00um")
    assert (event.text, event.room_name, event.sender.display_name) == ("/ja ", "Raum", "Anna")


def _event(text: str, user: str = "anna", name: str = "anna", room_name: str = "") -> MessageEvent:
    sender = Sender(Identity("console", user), name, is_room_admin=True)
    return MessageEvent(RoomRef("console", "main"), sender, text, room_name)


async def test_nul_bytes_never_reach_the_database(database: Database) -> None:
    """PostgreSQL refused NUL in text: `/ja \\x00` (reachable from Matrix) crashed the bot."""
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    handle = bot.app.handle
    assert await handle(_event("/ja \x00")) is not None
    founded = await handle(_event("/setup Klima\x00-Allianz", name="An\x00na", room_name="R\x00"))
    assert founded is not None and "Klima-Allianz" in render_plain(founded)
    await handle(_event("/member add Kle\x00ve"))
    asked = await handle(_event("/member remove Kleve"))
    assert asked is not None and "/ja" in render_plain(asked)
    assert await handle(_event("/nein \x00\x00")) is not None
    await handle(JoinEvent(RoomRef("console", "main"), Sender(Identity("console", "b"), "B\x00b")))
    members = await handle(_event("/mitglieder"))
    assert members is not None and "Kleve" in render_plain(members)
    stored = [v for rows in (await snapshot(database)).values() for r in rows for v in r]
    assert not [v for v in stored if isinstance(v, str) and "\x00" in v]
    assert {"Bb", "Klima-Allianz", "Kleve", "R"} <= set(stored)


async def test_a_time_zone_that_is_a_directory_is_refused(sqlite_database: Database) -> None:
    """`ZoneInfo("Europe")` opens a directory of the zone database and raised
    IsADirectoryError, which the handler did not expect (found by the fuzzer)."""
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    await bot.say(MEETING)
    for value in ("Europe", "America/Argentina", "zoneinfo"):
        out = await bot.say(f"@anna: /einstellungen zeitzone {value}")
        assert out == [
            f"[main] bot: „{value}“ ist keine Zeitzone, die ich kenne. Gemeint ist ein IANA-Name"
            " wie Europe/Berlin. Beispiel: /einstellungen zeitzone Europe/Berlin"
        ]
    assert "Asia/Kathmandu" in (await bot.text("@anna: /einstellungen zeitzone Asia/Kathmandu"))


async def test_line_breaks_in_a_name_are_spaces(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    await bot.say(MEETING)
    # (in /mitglied neu, lines separate several members; a rename takes one name)
    await bot.app.handle(_event("/mitglied umbenennen Kleve | Kreis\nKleve\tWest\r\nNord"))
    members = await bot.app.handle(_event("/mitglieder"))
    assert members is not None and "Kreis Kleve West Nord" in render_plain(members)


async def test_help_for_a_bare_slash_is_the_overview(sqlite_database: Database) -> None:
    """`/hilfe /` raised IndexError (found by the fuzzer)."""
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    overview = await bot.text("@anna: /hilfe")
    for line in ("/hilfe /", "!hilfe !!", "/hilfe / "):
        assert await bot.text(f"@anna: {line}") == overview
