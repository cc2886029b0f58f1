"""Missing, malformed, overlong and hostile arguments: a one-line reason, nothing stored."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.render import render_html, render_plain
from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.snapshot import snapshot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /iam Kleve
"""

LONG = "x" * 101

CASES = [
    ("/member add", "Bitte geben Sie einen Namen an. Beispiel: /mitglied neu Stadt Kleve"),
    (
        f"/member add {LONG}",
        "Der Name ist 101 Zeichen lang; erlaubt sind höchstens 100. "
        "Beispiel: /mitglied neu Stadt Kleve",
    ),
    ("/member add Kleve", "Kleve ist schon Mitglied; Namen müssen eindeutig sein."),
    (
        "/member remove Nirgendwo",
        "Ein Mitglied „Nirgendwo“ finde ich nicht. /mitglieder zeigt alle.",
    ),
    (
        "/member rename Kleve Stadt Kleve",
        "Bitte trennen Sie die beiden Namen mit einem senkrechten Strich „|“. "
        "Beispiel: /mitglied umbenennen Kleve | Stadt Kleve",
    ),
    (
        "/member rename Kleve |",
        "Bitte geben Sie einen Namen an. Beispiel: /mitglied umbenennen Kleve | Stadt Kleve",
    ),
    ("/iam Nirgendwo", "Ein Mitglied „Nirgendwo“ finde ich nicht. /mitglieder zeigt alle."),
    ("/iam Kleve", "anna ist schon Ansprechperson für Kleve."),
    (
        "/contact add Kleve",
        "Bitte nennen Sie Mitglied und Person. Beispiel: /kontakt neu Stadt Kleve @anna:example.org",
    ),
    (
        "/contact add Kleve niemand",
        "Eine Person „niemand“ kenne ich in dieser Partnerschaft nicht. Sie muss erst in einem "
        "ihrer Räume etwas schreiben, z. B. /ichbin.",
    ),
    (
        "/coordinator add",
        "Bitte geben Sie einen Namen an. Beispiel: /koordinator neu @bernd:example.org",
    ),
    (
        "/rules set",
        "Bitte geben Sie einen Text an. Beispiel: /regeln setzen Wir treffen uns vierteljährlich; der Gastgeber schreibt das Protokoll.",
    ),
    (
        "/rules set " + "y" * 4001,
        "Der Text ist 4001 Zeichen lang; erlaubt sind höchstens 4000. Beispiel: /regeln setzen "
        "Wir treffen uns vierteljährlich; der Gastgeber schreibt das Protokoll.",
    ),
    (
        "/settings language klingonisch",
        "Diese Sprache kenne ich nicht; möglich sind de, en. Beispiel: /einstellungen sprache en",
    ),
    (
        "/settings timezone ../../etc/passwd",
        "„../../etc/passwd“ ist keine Zeitzone, die ich kenne. Gemeint ist ein IANA-Name wie "
        "Europe/Berlin. Beispiel: /einstellungen zeitzone Europe/Berlin",
    ),
    (
        "/settings timezone Mars/Olympus",
        "„Mars/Olympus“ ist keine Zeitzone, die ich kenne. Gemeint ist ein IANA-Name wie "
        "Europe/Berlin. Beispiel: /einstellungen zeitzone Europe/Berlin",
    ),
    (
        "/settings max-contacts 9",
        "„9“ geht nicht: bitte eine Zahl von 1 bis 5. Beispiel: /einstellungen max-kontakte 2",
    ),
    (
        "/settings max-contacts -1",
        "„-1“ geht nicht: bitte eine Zahl von 1 bis 5. Beispiel: /einstellungen max-kontakte 2",
    ),
    (
        "/settings farbe blau",
        "Die Einstellung „farbe“ gibt es nicht. Es gibt: sprache, zeitzone, max-kontakte, rhythmus, bundesland. "
        "Beispiel: /einstellungen",
    ),
    (
        "/link ABC",
        "Dieser Raum gehört schon zu einer Partnerschaft. Trennen Sie ihn dort zuerst mit /trennen.",
    ),
    (
        "/help quatsch",
        "Zu quatsch gibt es keine Hilfe, denn den Befehl gibt es nicht. Alle Befehle zeigt /hilfe.",
    ),
    ("/quatsch", "Den Befehl /quatsch kenne ich nicht. Eine Übersicht zeigt /hilfe."),
]


@pytest.mark.parametrize(("line", "answer"), CASES, ids=[c[0][:30] for c in CASES])
async def test_bad_input_is_answered_in_one_line_and_changes_nothing(
    sqlite_database: Database, line: str, answer: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    before = await snapshot(sqlite_database, skip=("presence",))
    out = await bot.say(f"@anna: {line}")
    assert out == [f"[main] bot: {answer}"]
    assert "\n" not in out[0]
    assert await snapshot(sqlite_database, skip=("presence",)) == before


async def test_bad_input_in_english(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(":admin anna\n@anna: /setup Alliance")
    assert await bot.say("@anna: /member add") == [
        "[main] bot: Please give a name. Example: /member add Town of Kleve"
    ]


async def test_control_characters_are_stripped_and_unicode_survives(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    name = "Stadt\x07 \u200bKl\u00e9ve \U0001f30d \u05e2\u05d1\u05e8\u05d9\u05ea"
    # close to "Kleve" (accents and emoji aside), so asked about first
    out = heads(await bot.say(f"@anna: /member add {name}\n@anna: /ja"))
    assert out[-1:] == [
        "[main] bot: Stadt \u200bKléve 🌍 עברית ist jetzt Mitglied der Partnerschaft "
        "(aufgenommen von anna)."
    ]


async def test_hostile_text_stays_text_on_every_rendering(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    hostile = '<script>alert(1)</script> **fett** @room <a href="x">y</a> &amp;'
    reply = await bot.app.handle(
        MessageEvent(
            RoomRef("console", "main"),
            Sender(Identity("console", "anna"), "anna", True),
            f"/rules set {hostile}",
        )
    )
    assert reply is not None
    shown = await bot.app.handle(
        MessageEvent(
            RoomRef("console", "main"), Sender(Identity("console", "anna"), "anna"), "/rules"
        )
    )
    assert shown is not None
    assert hostile in render_plain(shown)
    html = render_html(shown)
    assert "<script>" not in html and '<a href="x">' not in html
    assert (
        '&lt;script&gt;alert(1)&lt;/script&gt; **fett** @room &lt;a href="x"&gt;y&lt;/a&gt; &amp;amp;'
        in html
    )
    assert shown.mentions == ()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
async def test_any_input_gets_a_reply_or_is_ignored(sqlite_database: Database, text: str) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    for prefix in ("", "/", "!", "/member add ", "/settings ", "/iam "):
        reply = await bot.app.handle(
            MessageEvent(
                RoomRef("console", "fuzz"),
                Sender(Identity("console", "fuzzer"), "fuzzer", True),
                prefix + text,
            )
        )
        if reply is not None:
            assert render_plain(reply).strip()
