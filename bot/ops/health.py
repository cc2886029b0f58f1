"""The optional HTTP listener for operators: `/healthz` for the service manager or the load
balancer, `/metrics` for Prometheus. Off unless `[health] listen` names an address; it binds
to that address only, so keep it on loopback or a private network."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from bot.ops.metrics import CONTENT_TYPE_LATEST, Metrics, outbox_backlog, totals
from bot.usecases.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 5.0


class ListenAddressError(ValueError):
    """`[health] listen` is not `host:port`."""


def parse_listen(value: str) -> tuple[str, int]:
    """`127.0.0.1:9108`, `[::1]:9108` or `:9108` (all addresses)."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ListenAddressError(f"{value!r} is not host:port, e.g. 127.0.0.1:9108")
    return host.strip("[]") or "0.0.0.0", int(port)


@dataclass
class Health:
    """What /healthz reports; healthy when the database answers and every platform is up."""

    uow_factory: UnitOfWorkFactory
    platforms: Callable[[], dict[str, bool]]
    metrics: Metrics | None = None

    async def report(self) -> tuple[bool, dict[str, object]]:
        platforms = self.platforms()
        database: dict[str, object] = {"reachable": True}
        outbox: dict[str, int] | None = None
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), self.uow_factory() as uow:
                outbox = totals(await outbox_backlog(uow))
        except Exception as error:
            database = {"reachable": False, "error": type(error).__name__}
        healthy = bool(database["reachable"]) and all(platforms.values())
        body: dict[str, object] = {
            "status": "ok" if healthy else "unhealthy",
            "database": database,
            "platforms": {name: {"connected": up} for name, up in platforms.items()},
            "outbox": outbox,
        }
        return healthy, body

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, body = await self.report()
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        assert self.metrics is not None
        try:
            await self.metrics.refresh()
        except Exception:
            log.warning("metrics: the database could not be read for this scrape")
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        if self.metrics is not None:
            app.router.add_get("/metrics", self.metrics_page)
        return app


class Listener:
    """The running HTTP server; `stop()` closes it."""

    def __init__(self, health: Health, listen: str) -> None:
        self.health = health
        self.host, self.port = parse_listen(listen)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.health.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        log.info("health listener on %s:%s (/healthz, /metrics)", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
