"""Coordinator commands refuse everyone else, say who may, and change nothing."""

from __future__ import annotations

import pytest

from bot.core.permissions import Who
from handlers import build_router
from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.snapshot import snapshot

COORDINATOR_COMMANDS = [
    c for c in build_router().commands if c.permission.allowed == (Who.COORDINATOR,)
]

# Plausible arguments, so a refusal cannot be mistaken for an argument error.
ARGUMENTS = {
    "cmd.member.add": "Xanten",
    "cmd.member.remove": "Kleve",
    "cmd.member.rename": "Kleve | Stadt Kleve",
    "cmd.contact.add": "Kleve carla",
    "cmd.contact.remove": "Kleve anna",
    "cmd.coordinator.add": "carla",
    "cmd.coordinator.remove": "anna",
    "cmd.rules.set": "Neue Regeln",
    "cmd.settings.language": "en",
    "cmd.settings.timezone": "Europe/Paris",
    "cmd.settings.max-contacts": "3",
}

SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /iam Kleve
@carla: /iam
"""


def test_there_are_coordinator_commands_to_check() -> None:
    assert len(COORDINATOR_COMMANDS) >= 10


@pytest.mark.parametrize("command", COORDINATOR_COMMANDS, ids=lambda c: c.key)
async def test_coordinator_command_refused_for_others(sqlite_database: Database, command) -> None:  # type: ignore[no-untyped-def]
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    before = await snapshot(sqlite_database, skip=("presence",))
    args = ARGUMENTS.get(command.key, "x")
    line = f"/{command.name} {command.sub or ''} {args}".replace("  ", " ")
    out = await bot.say(f"@carla: {line}")
    assert out == [
        "[main] bot: Das darf nur die Koordination: anna (und die Administrator*innen der Räume)."
    ]
    assert await snapshot(sqlite_database, skip=("presence",)) == before
    # The same line from the coordinator does go through (so the refusal was about the role).
    out = await bot.say(f"@anna: {line}")
    assert not any("darf nur" in message for message in out)


async def test_room_admins_coordinate_without_a_grant(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    out = heads(await bot.say(":admin dora\n@dora: /member add Xanten"))
    assert out == [
        "[main] bot: Xanten ist jetzt Mitglied der Partnerschaft (aufgenommen von dora)."
    ]


async def test_setup_needs_a_room_administrator(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    before = await snapshot(sqlite_database)
    out = await bot.say("@bernd: /setup Klima-Allianz")
    assert out == ["[main] bot: Das dürfen nur Administrator*innen dieses Raums."]
    assert await snapshot(sqlite_database) == before


async def test_only_coordinators_make_link_codes(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    out = await bot.say("@carla: /link")
    assert out == ["[main] bot: Einen Verbindungs-Code kann nur die Koordination erzeugen."]


async def test_refusal_in_english(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(":admin anna\n@anna: /setup Climate Alliance\n@bernd: /iam")
    out = await bot.say("@bernd: /member add Kleve")
    assert out == [
        "[main] bot: Only the coordinators may do that: anna (and the administrators of the rooms)."
    ]
