"""One bot process serving a Matrix room (real Synapse) and a Telegram group (fake Bot API).

The Synapse fixtures are the Matrix suite's own, imported so both suites start their
homeserver the same way; the Telegram side is the Telegram suite's fake server.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.matrix.service import MatrixService
from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import TelegramService
from bot.app import App, AppConfig
from bot.bootstrap import Runtime, bootstrap
from bot.config import MatrixSection, Secret, TelegramSection
from bot.core.clock import ManualClock
from tests.matrix.conftest import people, register, synapse
from tests.matrix.synapse import Account, Synapse
from tests.telegram.fake_api import FakeBotAPI

__all__ = ["people", "register", "synapse"]


class BothPlatforms:
    """partnerbot as `partnerbot run` builds it: one runtime, two adapters, one Delivery."""

    def __init__(self, synapse: Synapse, account: Account, directory: Path) -> None:
        self.user_id = account.user_id
        self.directory = directory
        self.fake = FakeBotAPI()
        # starts at the real time (Synapse stamps events with it), moves only when told
        self.clock = ManualClock(datetime.now(UTC))
        self.matrix_section = MatrixSection(
            homeserver=synapse.url,
            user_id=account.user_id,
            password=Secret(account.password),
            store_path=str(directory / "store"),
            allow_invites_from=["test.local"],
        )
        self.matrix: MatrixService | None = None
        self.telegram: TelegramService | None = None
        self.runtime: Runtime | None = None
        self._tasks: list[asyncio.Task[Any]] = []

    async def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        await self.fake.start()
        matrix = MatrixService(self.matrix_section, self.directory, max_backoff=1.0)
        telegram = TelegramService(
            TelegramSection(token=Secret(self.fake.token), base_url=self.fake.url),
            self.directory,
            pacer=Pacer(per_chat_interval=0.0, per_second=10_000, per_group_minute=0),
            poll_timeout=2,
        )
        runtime = await bootstrap(
            f"sqlite:///{self.directory / 'bot.sqlite3'}",
            self.clock,
            {matrix.platform: matrix.messenger, telegram.platform: telegram.messenger},
            AppConfig(default_language="de"),
        )
        self._tasks.append(asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed)))
        await matrix.start(runtime.app)
        await telegram.start(runtime.app)
        self.matrix, self.telegram, self.runtime = matrix, telegram, runtime

    @property
    def app(self) -> App:
        assert self.runtime is not None
        return self.runtime.app

    async def settle(self) -> None:
        """Until Telegram's updates so far are handled and the outbox has nothing due."""
        assert self.telegram is not None and self.runtime is not None
        target = self.fake.next_update_id - 1
        async with asyncio.timeout(30):
            while self.telegram.last_update_id < target:
                self.telegram.update_handled.clear()
                if self.telegram.last_update_id >= target:
                    break
                await self.telegram.update_handled.wait()
            while True:
                async with self.runtime.database.uow() as uow:
                    due = await uow.outbox.due(self.clock.now())
                if not due:
                    return
                self.runtime.app.outbox_changed.set()
                await asyncio.sleep(0.05)

    async def stop(self) -> None:
        async with asyncio.timeout(30):
            await self.fake.release_pollers()
            if self.telegram is not None:
                await self.telegram.stop()
            if self.matrix is not None:
                await self.matrix.stop()
            for task in self._tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self.runtime is not None:
                await self.runtime.close()
            await self.fake.close()


@pytest.fixture
async def both(
    synapse: Synapse, register: Callable[[str], Account], tmp_path: Path
) -> AsyncIterator[BothPlatforms]:
    bot = BothPlatforms(synapse, register("partnerbot"), tmp_path / "bot")
    try:
        await bot.start()
        yield bot
    finally:
        await bot.stop()
    assert bot.fake.unknown_calls() == [], "the bot called methods the fake does not know"
