"""Wiring: one database, one clock, one app, and the adapters that share them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.app import App, AppConfig
from bot.core.clock import Clock
from bot.core.messenger import Messenger
from bot.delivery import Delivery
from bot.scheduler import Scheduler, install
from handlers import build_router
from storage.database import Database


@dataclass
class Runtime:
    database: Database
    app: App
    delivery: Delivery
    scheduler: Scheduler

    async def close(self) -> None:
        await self.database.close()


async def build_runtime(
    database_url: str | None,
    clock: Clock,
    messengers: Mapping[str, Messenger],
    config: AppConfig | None = None,
) -> Runtime:
    """Migrate the database to the newest schema, then build the app on it."""
    database = Database(database_url)
    await database.upgrade()
    app = App(database.uow, clock, build_router(), config=config)
    delivery = Delivery(database.uow, clock, messengers)
    return Runtime(database, app, delivery, install(app))
