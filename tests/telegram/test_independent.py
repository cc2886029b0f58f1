"""`partnerbot run` with Matrix and Telegram: a homeserver that is away (refusing, or silent)
does not delay Telegram, and SIGTERM ends the process within 10 s in every state: while a
login is retried or hangs, and while a second process waits as a standby."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.adapters.telegram.service import TelegramService, TelegramUnusable
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.config import Secret, TelegramSection
from bot.core.clock import SystemClock
from storage.database import Database
from tests.matrix.synapse import free_port
from tests.processes import Run, operator_env
from tests.telegram.fake_api import FakeBotAPI, user

GROUP = -1001000000021
ANNA = user(1001, "Anna", "Albers")
STOP_BOUND = 10.0
"""What the operator is promised (issue 15): SIGTERM ends the process within 10 s."""


@asynccontextmanager
async def homeserver_away(kind: str) -> AsyncIterator[str]:
    """`refusing`: nothing listens; `silent`: connections are taken and never answered."""
    if kind == "refusing":
        yield f"http://127.0.0.1:{free_port()}"
        return
    held: list[asyncio.StreamWriter] = []

    async def take(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(take, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        for writer in held:
            writer.close()
        server.close()


def config_for(tmp_path: Path, fake: FakeBotAPI, homeserver: str) -> Path:
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n'
        f'[matrix]\nhomeserver = "{homeserver}"\nuser_id = "@partnerbot:test.local"\n\n'
        f'[telegram]\nbase_url = "{fake.url}"\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.parametrize("kind", ["refusing", "silent"])
async def test_telegram_serves_while_the_homeserver_is_away(kind: str, tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    runs: list[Run] = []
    try:
        async with homeserver_away(kind) as homeserver:
            config = config_for(tmp_path, fake, homeserver)
            env = operator_env(
                tmp_path / "home",
                PARTNERBOT_TELEGRAM_TOKEN=fake.token,
                PARTNERBOT_MATRIX_PASSWORD="secret-password",
            )
            bot = await Run(config, tmp_path / "bot.log", env).start()
            runs.append(bot)
            await bot.says("Telegram: connected")
            await fake.say(GROUP, ANNA, "/gruenden Klima-Allianz")
            async with fake.changed:
                await fake.changed.wait_for(lambda: bool(fake.sent(GROUP)))
            assert "ist gegründet" in fake.sent(GROUP)[0]
            if kind == "refusing":
                await bot.says("Matrix login: homeserver unreachable")
            assert "Matrix: @partnerbot" not in bot.output()  # never connected

            standby = await Run(config, tmp_path / "standby.log", env).start()
            runs.append(standby)
            await standby.says("standby: another partnerbot is active")
            results = await asyncio.gather(bot.terminate(), standby.terminate())
    finally:
        await fake.release_pollers()
        for run in runs:
            await run.close()
        await fake.close()
    for (code, seconds), run in zip(results, runs, strict=True):
        print(f"{run.log.name}: ended {seconds:.2f} s after SIGTERM")  # what -s shows
        assert code == 0, run.output()
        assert seconds < STOP_BOUND, run.output()
    assert "secret-password" not in bot.output()


async def test_the_start_is_retried_until_the_bot_api_answers(
    sqlite_database: Database, tmp_path: Path
) -> None:
    fake = FakeBotAPI()
    await fake.start()
    for _ in range(3):
        fake.fail_next("getMe", 502, "Bad Gateway")
    fake.fail_next("deleteWebhook", 500, "Internal Server Error")
    section = TelegramSection(token=Secret(fake.token), base_url=fake.url)
    service = TelegramService(section, tmp_path, max_backoff=0.1, poll_timeout=1)
    app = (await bootstrap(sqlite_database, SystemClock(), {}, AppConfig())).app
    try:
        async with asyncio.timeout(20):
            await service.start(app)
        assert service.connected()
        assert [c.ok for c in fake.calls if c.method == "getMe"] == [False] * 3 + [True]
    finally:
        await fake.release_pollers()
        await service.stop()
        await fake.close()


async def test_a_refused_token_ends_the_attempts_without_showing_it(
    sqlite_database: Database, tmp_path: Path
) -> None:
    fake = FakeBotAPI()
    await fake.start()
    section = TelegramSection(token=Secret("999:not-the-token"), base_url=fake.url)
    service = TelegramService(section, tmp_path, max_backoff=0.1)
    app = (await bootstrap(sqlite_database, SystemClock(), {}, AppConfig())).app
    try:
        with pytest.raises(TelegramUnusable) as refused:
            await service.start(app)
        assert "not-the-token" not in str(refused.value)
    finally:
        await service.stop()
        await fake.close()


async def test_the_process_ends_when_no_platform_can_start(tmp_path: Path) -> None:
    """A token the Bot API refuses will not get better by retrying: with no other platform
    left, `partnerbot run` ends with 1 (systemd shows the failure), without the token."""
    fake = FakeBotAPI()
    await fake.start()
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n[telegram]\nbase_url = "{fake.url}"\n',
        encoding="utf-8",
    )
    env = operator_env(tmp_path / "home", PARTNERBOT_TELEGRAM_TOKEN="999:not-the-token")
    bot = await Run(config, tmp_path / "bot.log", env).start()
    try:
        assert bot.process is not None
        async with asyncio.timeout(60):
            code = await bot.process.wait()
    finally:
        await bot.close()
        await fake.close()
    assert code == 1, bot.output()
    assert "telegram cannot start and stays off: the Bot API refused the token" in bot.output()
    assert "no platform could start" in bot.output()
    assert "not-the-token" not in bot.output()
