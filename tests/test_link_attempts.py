"""Link codes cannot be guessed: failed `/link <code>` attempts are counted per room and per
account, stored, audited where the code was a real one, and after 5 in an hour the bot takes
no code at all until the oldest of them is an hour old."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from storage.database import Database
from storage.models import AuditRow, LinkAttemptRow
from tests.harness import ConsoleBot

FOUND = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /link
"""


async def _code(bot: ConsoleBot) -> str:
    found = re.search(r"Ihr Code: (\w+)", await bot.text(FOUND))
    assert found
    return found[1]


async def test_five_wrong_codes_an_hour_then_no_code_is_taken(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    code = await _code(bot)
    await bot.say(":room fremd\n:admin mallory")
    for guess in ("AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD", "EEEEEEEE"):
        wrong = await bot.text(f"@mallory: /link {guess}")
        assert "Diesen Code kenne ich nicht" in wrong
    refused = await bot.text(f"@mallory: /link {code}")
    assert "Zu viele falsche Codes" in refused
    assert "ab So., 10.01.2027, 10:00 wieder" in refused
    assert "verbunden" not in refused

    # The count is per account as well: another room of mallory's is throttled too.
    await bot.say(":room zweite\n:admin mallory")
    assert "Zu viele falsche Codes" in await bot.text(f"@mallory: /link {code}")
    # ... and per room: someone else in the guessed-at room is too.
    await bot.say(":room fremd\n:admin trudy")
    assert "Zu viele falsche Codes" in await bot.text(f"@trudy: /link {code}")

    async with database.engine.connect() as conn:
        stored = (await conn.execute(select(LinkAttemptRow))).all()
    assert len(stored) == 5
    assert {(r.platform, r.room_id, r.user_id) for r in stored} == {("console", "fremd", "mallory")}

    await bot.say(":time 2027-01-10 10:01")
    linked = await bot.text(f"@mallory: /link {code}")
    assert "Klima-Allianz Niederrhein" in linked and "Zu viele" not in linked


async def test_a_used_code_is_audited_in_its_partnership(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
    code = await _code(bot)
    await bot.say(f":room zweite\n:admin dora\n@dora: /link {code}")
    again = await bot.text(f":room dritte\n:admin dora\n@dora: /link {code}")
    assert "Diesen Code kenne ich nicht" in again
    async with database.engine.connect() as conn:
        audit = (
            await conn.execute(select(AuditRow).where(AuditRow.action == "room.link_refused"))
        ).all()
    assert len(audit) == 1
    assert json.loads(audit[0].detail) == {
        "reason": "used",
        "platform": "console",
        "room": "dritte",
    }
