"""Destructive commands ask first; only the asker can confirm; nothing is kept before."""

from __future__ import annotations

import re

from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.snapshot import snapshot

SETUP = """
:admin anna
:admin bernd
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /member add Goch
"""

QUESTION = (
    "[main] bot: Bitte bestätigen: Goch wirklich aus der Partnerschaft entfernen? Die "
    "Ansprechpartner*innen sprechen dann nicht mehr für Goch; die Geschichte bleibt erhalten. "
    "Antworten Sie mit /ja oder /nein (innerhalb von 10 Minuten)."
)


async def test_remove_asks_and_keeps_nothing_until_confirmed(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    before = await snapshot(sqlite_database, skip=("presence", "adapter_state"))
    assert await bot.say("@anna: /member remove Goch") == [QUESTION]
    assert await snapshot(sqlite_database, skip=("presence", "adapter_state")) == before
    # Someone else's yes does nothing.
    assert await bot.say("@bernd: /ja") == [
        "[main] bot: Es gibt hier nichts, was Sie bestätigen könnten."
    ]
    assert heads(await bot.say("@anna: /ja")) == [
        "[main] bot: Goch ist aus der Partnerschaft ausgetreten (eingetragen von anna)."
    ]
    # Used up: a second yes has nothing to confirm.
    assert await bot.say("@anna: /ja") == [
        "[main] bot: Es gibt hier nichts, was Sie bestätigen könnten."
    ]


async def test_no_cancels(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    before = await snapshot(sqlite_database, skip=("presence", "adapter_state"))
    await bot.say("@anna: /member remove Goch")
    assert await bot.say("@anna: /nein") == [
        "[main] bot: Abgebrochen: /member remove Goch wird nicht ausgeführt."
    ]
    assert await bot.say("@anna: /ja") == [
        "[main] bot: Es gibt hier nichts, was Sie bestätigen könnten."
    ]
    assert await snapshot(sqlite_database, skip=("presence", "adapter_state")) == before


async def test_errors_come_at_once_without_a_question(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    assert await bot.say("@anna: /member remove Xanten") == [
        "[main] bot: Ein Mitglied „Xanten“ finde ich nicht. /mitglieder zeigt alle."
    ]


async def test_questions_expire(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    await bot.say("@anna: /member remove Goch\n:time 2026-11-23 10:11")
    assert await bot.say("@anna: /ja") == [
        "[main] bot: Die Frage ist abgelaufen; bitte geben Sie den Befehl noch einmal ein."
    ]


async def test_button_token_names_the_question_and_only_the_asker_may_press(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    room = RoomRef("console", "main")
    reply = await bot.app.handle(
        MessageEvent(room, Sender(Identity("console", "anna"), "anna", True), "/member remove Goch")
    )
    assert reply is not None and [b.label for b in reply.buttons] == ["Ja, ausführen", "Nein"]
    yes = reply.buttons[0].command
    assert re.fullmatch(r"/ja [0-9a-f]{8}", yes)
    # The refusal changes nothing but what goes out (its own answer, maybe through the outbox).
    untouched = ("presence", "adapter_state", "outbox", "handled_event")
    before = await snapshot(sqlite_database, skip=untouched)
    refused = await bot.app.handle(
        MessageEvent(room, Sender(Identity("console", "bernd"), "bernd", True), yes)
    )
    assert refused is not None
    assert await snapshot(sqlite_database, skip=untouched) == before
    from bot.core.render import render_plain

    assert render_plain(refused) == "Das kann nur anna bestätigen, der die Frage gestellt wurde."
    done = await bot.app.handle(
        MessageEvent(room, Sender(Identity("console", "anna"), "anna", True), yes)
    )
    assert done is None  # the announcement in every room is the answer
    await bot.delivery.deliver_due()
    assert (
        heads(bot.output)[-1]
        == "[main] bot: Goch ist aus der Partnerschaft ausgetreten (eingetragen von anna)."
    )


async def test_english_question(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(":admin anna\n@anna: /setup Alliance\n@anna: /member add Kleve")
    assert await bot.say("@anna: /member remove Kleve") == [
        "[main] bot: Please confirm: Really remove Kleve from the partnership? Its contact "
        "persons stop speaking for it; its history is kept. Answer /yes or /no (within 10 minutes)."
    ]
    assert heads(await bot.say("@anna: /yes")) == [
        "[main] bot: Kleve has left the partnership (recorded by anna)."
    ]
