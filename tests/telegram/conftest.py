"""A whole bot (app, outbox delivery, Telegram adapter) against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import TelegramService
from bot.app import App, AppConfig
from bot.bootstrap import bootstrap
from bot.config import Secret, TelegramSection
from bot.core.clock import ManualClock
from bot.delivery import Delivery
from storage.database import Database
from tests.telegram.fake_api import FakeBotAPI


@dataclass
class World:
    fake: FakeBotAPI
    service: TelegramService
    app: App
    delivery: Delivery
    database: Database
    clock: ManualClock
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    async def settle(self, update_id: int | None = None) -> None:
        """Wait until the bot handled every update so far and delivered all that is due."""
        target = update_id if update_id is not None else self.fake.next_update_id - 1
        async with asyncio.timeout(10):
            while self.service.last_update_id < target:
                self.service.update_handled.clear()
                if self.service.last_update_id >= target:
                    break
                await self.service.update_handled.wait()
            while True:
                async with self.database.uow() as uow:
                    due = await uow.outbox.due(self.clock.now())
                if not due:
                    break
                self.app.outbox_changed.set()
                await asyncio.sleep(0.01)
            await asyncio.sleep(0)

    async def say(self, chat_id: int, person: dict[str, Any], text: str) -> list[str]:
        """A person writes; returns every message the bot sent meanwhile, anywhere."""
        mark = len(self.fake.calls)
        await self.settle(await self.fake.say(chat_id, person, text))
        return self.fake.sent(since=mark)

    async def act(self, action: Any) -> list[str]:
        mark = len(self.fake.calls)
        await action
        await self.settle()
        return self.fake.sent(since=mark)

    def advance(self, **delta: float) -> None:
        self.clock.set(self.clock.now() + timedelta(**delta))


@pytest.fixture
async def world(sqlite_database: Database, tmp_path: Path) -> AsyncIterator[World]:
    fake = FakeBotAPI()
    await fake.start()
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    section = TelegramSection(token=Secret(fake.token), base_url=fake.url)
    service = TelegramService(
        section,
        tmp_path,
        pacer=Pacer(per_chat_interval=0.0, per_second=10_000, per_group_minute=0),
        poll_timeout=2,
    )
    runtime = await bootstrap(sqlite_database, clock, {"telegram": service.messenger}, AppConfig())
    app, delivery = runtime.app, runtime.delivery
    await service.start(app)
    w = World(fake, service, app, delivery, sqlite_database, clock)
    w.tasks.append(asyncio.create_task(delivery.run(app.outbox_changed)))
    try:
        yield w
    finally:
        # bounded, so a hang shows as an error instead of stalling the suite
        async with asyncio.timeout(20):
            await fake.release_pollers()
            await w.service.stop()  # a test may have restarted it
            with contextlib.suppress(Exception):
                await w.settle()
            for task in w.tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await fake.close()
        assert fake.unknown_calls() == [], "the bot called methods the fake does not know"
