"""Structured logs: one line per event with partnership and room; no user text, no secrets."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.console.adapter import PLATFORM, ConsoleMessenger
from bot.bootstrap import bootstrap
from bot.config import load
from bot.core.clock import ManualClock
from bot.core.events import Identity, JoinEvent, MessageEvent, RoomRef, Sender
from bot.ops.instrument import Instruments, configure_logging, secrets_of

TOKEN = "7123456789:AAHsecretTelegramTokenValue"
PASSWORD = "matrix-pass-Wort-42"
DB_PASSWORD = "db-geheim-99"
SECRET_TEXT = "hunter2-Kennwort-sehr-geheim"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def event(text: str, user: str = "anna") -> MessageEvent:
    sender = Sender(Identity(PLATFORM, user), user, is_room_admin=True)
    return MessageEvent(RoomRef(PLATFORM, "main"), sender, text)


async def run_and_log(tmp_path: Path, style: str) -> str:
    config = load(
        None,
        {
            "PARTNERBOT_TELEGRAM_TOKEN": TOKEN,
            "PARTNERBOT_MATRIX_PASSWORD": PASSWORD,
            "PARTNERBOT_LOG_FORMAT": style,
        },
    )
    database_url = f"postgresql://bot:{DB_PASSWORD}@127.0.0.1:5432/partnerbot"
    assert set(secrets_of(config, database_url)) == {TOKEN, PASSWORD, DB_PASSWORD}
    configure_logging(config, database_url)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)

    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    instruments = Instruments(clock, [])
    runtime = await bootstrap(
        f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        clock,
        {PLATFORM: ConsoleMessenger(lambda _: None)},
        observers=instruments.observers,
    )
    try:
        await instruments.listen(runtime, config)
        app = runtime.app
        await app.handle(event("/setup Klima-Allianz Niederrhein"))
        await app.handle(event(f"/regeln setzen Das Passwort ist {SECRET_TEXT}"))
        await app.handle(event(f"/{SECRET_TEXT} {TOKEN}"))
        await app.handle(event(f"Kein Befehl, nur {SECRET_TEXT}"))
        await app.handle(
            JoinEvent(RoomRef(PLATFORM, "main"), Sender(Identity(PLATFORM, "bernd"), "bernd"))
        )
        logging.getLogger("httpx").info("POST https://api.telegram.org/bot%s/getMe", TOKEN)
        logging.getLogger("bot.adapters.telegram").warning(
            "request to https://api.telegram.org/bot%s/sendMessage failed", TOKEN
        )
        logging.getLogger("bot.adapters.matrix").debug("login with %s", PASSWORD)
    finally:
        await runtime.close()
    return stream.getvalue()


async def test_keyvalue_lines_carry_ids_and_never_texts_or_secrets(
    tmp_path: Path, restore_logging: None
) -> None:
    output = await run_and_log(tmp_path, "keyvalue")
    for secret in (TOKEN, PASSWORD, DB_PASSWORD, SECRET_TEXT, "Passwort", "Kein Befehl"):
        assert secret not in output
    lines = output.splitlines()
    events = [line for line in lines if "logger=partnerbot.events" in line]
    assert len(events) == 4, "three commands and a join; plain chat is not an event"
    assert "event=message platform=console room=main command=setup" in events[0]
    assert "command=setup outcome=ok" in events[0]
    assert "partnership=1" in events[1] and "command=regeln outcome=ok" in events[1]
    assert "command=unknown outcome=refused" in events[2]
    assert "event=join platform=console room=main partnership=1" in events[3]
    assert all(line.startswith("ts=") and " level=" in line for line in lines)
    warning = next(line for line in lines if "level=warning" in line)
    assert "bot***/sendMessage" in warning
    assert "httpx" not in output, "client libraries log URLs only at WARNING and above"


async def test_json_lines(tmp_path: Path, restore_logging: None) -> None:
    output = await run_and_log(tmp_path, "json")
    records = [json.loads(line) for line in output.splitlines()]
    events = [r for r in records if r["logger"] == "partnerbot.events"]
    assert [e["command"] for e in events[:3]] == ["setup", "regeln", "unknown"]
    assert events[1]["partnership"] == 1 and events[1]["room"] == "main"
    assert isinstance(events[1]["ms"], float)
    assert TOKEN not in output and SECRET_TEXT not in output
