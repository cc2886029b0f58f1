"""What `partnerbot run` adds for operators: line-per-event logs, metrics, the health listener."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.config import Config, Secret
from bot.ops import logging as oplog
from bot.ops.health import Health, Listener
from bot.ops.metrics import Metrics
from bot.platform import PlatformService

if TYPE_CHECKING:
    from bot.runtime import Runtime


def secrets_of(config: Config, database_url: str | None = None) -> list[str]:
    """Every secret value the config holds, and the database password, to mask in logs."""
    found: list[str] = []
    for section in (config.matrix, config.telegram):
        if section is None:
            continue
        for value in vars(section).values():
            if isinstance(value, Secret) and value:
                found.append(value.reveal())
    url = database_url or config.bot.database
    if "://" in url and "@" in url:
        credentials = url.split("://", 1)[1].rsplit("@", 1)[0]
        if ":" in credentials:
            found.append(credentials.split(":", 1)[1])
    return found


def configure_logging(config: Config, database_url: str | None = None) -> None:
    oplog.configure(config.log.level, config.log.format, secrets_of(config, database_url))


async def instrument(
    runtime: Runtime, config: Config, services: Sequence[PlatformService]
) -> Listener | None:
    """Wire logs and metrics into the app; start the listener if `[health] listen` is set."""

    def platforms() -> dict[str, bool]:
        return {s.platform: s.connected() for s in services}

    app = runtime.app
    oplog.install(app, oplog.EventLog(app.router))
    metrics = Metrics(app.router, app.uow_factory, app.clock, platforms)
    app.observers.append(metrics)
    if not config.health.listen:
        return None
    listener = Listener(Health(app.uow_factory, platforms, metrics), config.health.listen)
    await listener.start()
    return listener
