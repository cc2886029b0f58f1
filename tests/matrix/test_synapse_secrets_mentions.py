"""On a real Synapse: a DEBUG-level log holds no key material of the bot's Olm account or
Megolm sessions, and a message that mentions someone notifies them (m.text with m.mentions;
an m.notice would be silenced by `.m.rule.suppress_notices`); the texts suggest `!` commands."""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import load
from bot.core.clock import ManualClock
from bot.ops.instrument import configure_logging
from bot.ops.logging import KEY_MATERIAL
from tests.matrix.helpers import BotUnderTest, Person
from tests.matrix.synapse import Synapse

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    """partnerbot's own logging at DEBUG, as `[log] level = "DEBUG"` sets it up."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in KEY_MATERIAL}
    configure_logging(load(None, {"PARTNERBOT_LOG_LEVEL": "DEBUG"}))
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def _key_material(store: Path) -> list[str]:
    """Every pickle in nio's store: the Olm account, Olm and Megolm sessions."""
    found: list[str] = []
    for path in store.glob("*.db"):
        with sqlite3.connect(path) as conn:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master")]
            for table in tables:
                columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
                for column in {"pickle", "session"} & set(columns):
                    for (value,) in conn.execute(f'SELECT "{column}" FROM "{table}"'):
                        if isinstance(value, (str, bytes)) and len(value) > 40:
                            found.append(value.decode() if isinstance(value, bytes) else value)
    return found


async def test_a_debug_log_holds_no_olm_account_or_session_keys(
    debug_log: io.StringIO, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    await bot.start()
    room_id = await anna.create_room("Geheimbund", encrypted=True, invite=(bot.user_id,))
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    answer = await anna.ask(room_id, bot.user_id, "!setup Geheimbund")
    assert "gegründet" in answer.body
    await bot.stop()
    log = debug_log.getvalue()
    assert "level=debug" in log, "the log really ran at DEBUG"
    secrets = _key_material(bot.directory / "store")
    assert secrets, "nio stored an account and sessions"
    for secret in secrets:
        assert secret[:40] not in log
    assert "pickle" not in log.lower()


def _notified(synapse: Synapse, person: Person) -> list[dict[str, Any]]:
    answer = synapse.client_api("GET", "/notifications", person.account.access_token)
    return list(answer["notifications"])


async def test_a_reminder_that_mentions_someone_notifies_them(
    synapse: Synapse, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    start = datetime.now(UTC)
    clock = bot.clock = ManualClock(start)
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    assert bot.runtime is not None
    room_id = await anna.create_room("Klima-Allianz", invite=(bot.user_id,))
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    await anna.bring_in(room_id, bernd)
    founded = await anna.ask(room_id, bot.user_id, "!setup Klima-Allianz Rhein")
    assert "!mitglied neu <Name>" in founded.body, "Matrix texts suggest ! (Element eats /)"
    assert "/mitglied" not in founded.body and "!verbinden" in founded.content["formatted_body"]
    await anna.say(room_id, "!mitglied neu Goch")
    await anna.wait_for(room_id, bot.user_id, "Goch ist jetzt Mitglied")
    await bernd.say(room_id, "!ichbin Goch")
    await anna.wait_for(room_id, bot.user_id, "Ansprechperson für Goch")
    day = (start.astimezone(BERLIN) + timedelta(days=1)).date()
    await anna.say(room_id, f"!termin {day:%d.%m.%Y} 10:00 im Rathaus Goch")
    await anna.wait_for(room_id, bot.user_id, "Neues Treffen")
    plain = await anna.ask(room_id, bot.user_id, "!mitglieder")
    assert plain.content["msgtype"] == "m.notice", "a plain answer notifies nobody"

    # Three days after the meeting without minutes: the host's contact person is reminded.
    meeting = datetime.combine(day, datetime.min.time(), BERLIN) + timedelta(hours=10)
    for later in (timedelta(minutes=1), timedelta(days=3, minutes=1)):
        clock.set(meeting + later)
        await bot.runtime.app.fire_timers()
    reminder = await bernd.wait_for(room_id, bot.user_id, "fehlt noch")
    assert reminder.content["msgtype"] == "m.text"
    assert reminder.content["m.mentions"] == {"user_ids": [bernd.user_id]}
    assert "!protokoll neu" in reminder.body

    def reminded() -> list[dict[str, Any]]:
        return [n for n in _notified(synapse, bernd) if n["event"]["event_id"] == reminder.event_id]

    found = await bernd.wait_until(reminded, poll=0.5)
    assert found[0]["room_id"] == room_id
    assert not [n for n in _notified(synapse, bernd) if n["event"]["event_id"] == plain.event_id], (
        "the plain answer did not notify"
    )
