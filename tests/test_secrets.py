"""Secrets are never printed: database passwords masked wherever a URL is shown, and the
loggers that carry key material or statement values capped at WARNING whatever the level."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load
from bot.core.secrets import Masker, mask_url, url_password
from bot.ops.instrument import configure_logging, secrets_of
from bot.ops.logging import KEY_MATERIAL

DB_PASSWORD = "db-geheim-99"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in KEY_MATERIAL}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_check_config_masks_the_database_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        "[bot]\n"
        f'database = "postgresql://bot:{DB_PASSWORD}@db.example.org:5432/partnerbot"\n'
        "[telegram]\n"
        'token = "7123456789:AAHsecretTelegramTokenValue"\n',
        encoding="utf-8",
    )
    monkeypatch.delenv("PARTNERBOT_DATABASE_URL", raising=False)
    assert main(["check-config", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert DB_PASSWORD not in out + err
    assert "AAHsecret" not in out + err
    assert "postgresql://bot:***@db.example.org:5432/partnerbot" in out


def test_one_masking_helper_for_urls_and_texts() -> None:
    url = "postgresql+asyncpg://bot:p%40ss:w@rd@db:5432/pb?sslmode=require"
    assert url_password(url) == "p%40ss:w@rd"
    assert mask_url(url) == "postgresql+asyncpg://bot:***@db:5432/pb?sslmode=require"
    assert mask_url("sqlite:////var/lib/partnerbot/partnerbot.sqlite3").endswith(".sqlite3")
    assert mask_url("postgresql://bot@db/pb") == "postgresql://bot@db/pb"
    config = load(None, {"PARTNERBOT_TELEGRAM_TOKEN": "123:tok-en-geheim"})
    found = secrets_of(config, "postgresql://bot:p%40ssw0rd@db/pb")
    assert {"123:tok-en-geheim", "p%40ssw0rd", "p@ssw0rd"} <= set(found)
    assert Masker(found)("failed: p@ssw0rd / 123:tok-en-geheim") == "failed: *** / ***"


def test_loggers_with_key_material_stay_quiet_at_debug(restore_logging: None) -> None:
    config = load(None, {"PARTNERBOT_TELEGRAM_TOKEN": "123:tok", "PARTNERBOT_LOG_LEVEL": "DEBUG"})
    configure_logging(config)
    stream = io.StringIO()
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    logging.getLogger("partnerbot.test").debug("our own debug line")
    logging.getLogger("peewee").debug(
        "('INSERT INTO accounts (pickle) VALUES (?)', ['olm-pickle'])"
    )
    logging.getLogger("nio.crypto.olm").debug("to-device megolm session key-material")
    logging.getLogger("sqlalchemy.engine.Engine").info("[generated] ('geheim-value',)")
    logging.getLogger("asyncpg").debug("statement with values")
    logging.getLogger("peewee").warning("peewee warns")
    output = stream.getvalue()
    assert "our own debug line" in output
    assert "pickle" not in output and "key-material" not in output
    assert "geheim-value" not in output and "statement with values" not in output
    assert "peewee warns" in output


def test_the_outbox_listing_masks_secrets_in_platform_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A platform's error text stored with a message may quote the token it was sent with."""
    import asyncio
    from datetime import UTC, datetime

    from bot.core.events import RoomRef
    from bot.core.reply import Paragraph, Reply, Text
    from storage.database import Database

    token = "7123456789:AAHsecretTelegramTokenValue"
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    config = tmp_path / "partnerbot.toml"
    config.write_text(f'[bot]\ndatabase = "{url}"\n[telegram]\ntoken = "{token}"\n')
    monkeypatch.delenv("PARTNERBOT_DATABASE_URL", raising=False)

    async def a_failed_attempt() -> None:
        database = Database(url)
        await database.upgrade()
        now = datetime(2027, 1, 1, tzinfo=UTC)
        async with database.uow() as uow:
            await uow.outbox.add(
                None, RoomRef("telegram", "-100"), Reply.of(Paragraph((Text("Hallo"),))), now
            )
            message = (await uow.outbox.pending())[0]
            error = f"POST https://api.telegram.org/bot{token}/sendMessage: 502"
            await uow.outbox.mark_retry(message.id, now, error)
            await uow.commit()
        await database.close()

    asyncio.run(a_failed_attempt())
    assert main(["outbox", "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    assert "pending: 1" in out and "sendMessage: 502" in out, out
    assert "AAHsecret" not in out + err
    assert "bot***/sendMessage" in out
