"""What `partnerbot run` adds for operators: line-per-event logs, metrics, the health listener."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import unquote

from bot.config import Config, Secret
from bot.core.clock import Clock
from bot.core.router import Router
from bot.core.secrets import url_password
from bot.observers import EventObserver
from bot.ops import logging as oplog
from bot.ops.health import Health, Listener
from bot.ops.metrics import Metrics
from bot.platform import Connection

if TYPE_CHECKING:
    from bot.bootstrap import Runtime
    from storage.database import Database


def secrets_of(config: Config, database_url: str | None = None) -> list[str]:
    """Every secret value the config holds, and the database password, to mask in logs."""
    found: list[str] = []
    for section in (config.matrix, config.telegram, config.email):
        if section is None:
            continue
        for value in vars(section).values():
            if isinstance(value, Secret) and value:
                found.append(value.reveal())
    for url in (database_url or "", config.bot.database):
        password = url_password(url)
        if password:
            found.extend({password, unquote(password)})
    return found


def configure_logging(config: Config, database_url: str | None = None) -> None:
    oplog.configure(config.log.level, config.log.format, secrets_of(config, database_url))


class Instruments:
    """Logs, metrics and the health listener of `partnerbot run`: `observers` is handed to
    `bootstrap`, `listen` starts the listener once the platforms exist."""

    def __init__(self, clock: Clock, services: Sequence[Connection]) -> None:
        self.clock = clock
        self.services = services
        self.metrics: Metrics | None = None

    def platforms(self) -> dict[str, bool]:
        return {s.platform: s.connected() for s in self.services}

    def observers(self, database: Database, router: Router) -> list[EventObserver]:
        self.metrics = Metrics(router, database.uow, self.clock, self.platforms)
        return [oplog.EventLog(router), self.metrics]

    async def listen(self, runtime: Runtime, config: Config) -> Listener | None:
        """Start the listener if `[health] listen` is set."""
        if not config.health.listen or self.metrics is None:
            return None
        health = Health(runtime.app.uow_factory, self.platforms, self.metrics)
        listener = Listener(health, config.health.listen)
        await listener.start()
        return listener
