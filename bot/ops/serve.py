"""`partnerbot run`: one active process per database, every platform on its own.

- The instance lock comes first (`storage.lock`): a second process on the same database
  waits as a standby, connects to no platform and sends nothing, and takes over within
  seconds when the active one dies.
- Each platform starts in a task of its own and retries with backoff inside its service
  (`start` returns once it is connected): a Bot API that cannot be reached does not keep
  Matrix from serving, nor a homeserver that is away Telegram. A platform that refuses the
  credentials stays down and is logged; the process ends only when every platform did.
- SIGTERM and SIGINT end the process in every state, a login being retried included,
  within `STOP_WITHIN` seconds: waiting steps are cancelled, and every stop is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.app import AppConfig
from bot.bootstrap import Runtime, bootstrap
from bot.config import Config
from bot.core.clock import SystemClock
from bot.ops.instrument import Instruments
from bot.ops.web import start_web
from bot.platform import PlatformService
from storage.database import Database
from storage.lock import InstanceLock

if TYPE_CHECKING:
    from bot.adapters.web.server import WebServer

log = logging.getLogger("partnerbot")

STOP_WITHIN = 8.0
"""Seconds every platform together gets to stop (systemd's default patience is 90 s, the
operators' is less; a reply cut off here is sent again from the outbox after the start)."""


def services_for(config: Config, data_dir: Path) -> list[PlatformService]:
    data_dir.mkdir(parents=True, exist_ok=True)
    services: list[PlatformService] = []
    if config.matrix is not None:
        from bot.adapters import matrix

        services.append(matrix.create_service(config.matrix, data_dir))
    if config.telegram is not None:
        from bot.adapters import telegram

        services.append(telegram.create_service(config.telegram, data_dir))
    return services


async def serve(config: Config, database_url: str, data_dir: Path) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stopping, stop, signum)
    lock = InstanceLock(database_url)
    try:
        waiting = lock.acquire(
            on_wait="standby: another partnerbot is active on %s; waiting to take over"
        )
        if not await _unless_stopped(waiting, stop):
            return 0
        log.info("active: this process holds the instance lock on %s", lock.where)
        return await _active(config, database_url, data_dir, stop, lock)
    finally:
        await lock.release()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def _stopping(stop: asyncio.Event, signum: int) -> None:
    if not stop.is_set():
        log.info("stopping (%s)", signal.Signals(signum).name)
    stop.set()


async def _active(
    config: Config, database_url: str, data_dir: Path, stop: asyncio.Event, lock: InstanceLock
) -> int:
    services = services_for(config, data_dir)
    clock = SystemClock()
    instruments = Instruments(clock, services)
    database = Database(database_url)
    if not await _unless_stopped(database.upgrade(), stop):
        await database.close()
        return 0
    runtime = await bootstrap(
        database,
        clock,
        {s.platform: s.messenger for s in services},
        AppConfig(
            default_language=config.bot.language,
            default_timezone=config.bot.timezone,
            web_base_url=config.web.base_url,
        ),
        observers=instruments.observers,
        email=config.email,
    )
    listener = await instruments.listen(runtime, config)
    site = await start_web(runtime, config)
    background = [
        asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed), name="delivery"),
        asyncio.create_task(runtime.scheduler.run(), name="reminders"),
    ]
    if runtime.mail_delivery is not None:
        mail = runtime.mail_delivery.run(runtime.app.outbox_changed)
        background.append(asyncio.create_task(mail, name="e-mail delivery"))
    failed: set[str] = set()
    all_failed = asyncio.Event()

    async def start(service: PlatformService) -> None:
        try:
            await service.start(runtime.app)
        except Exception as error:
            log.error("%s cannot start and stays off: %s", service.platform, error)
            failed.add(service.platform)
            if len(failed) == len(services):
                all_failed.set()

    starting = [asyncio.create_task(start(s), name=f"start {s.platform}") for s in services]
    lost = asyncio.create_task(lock.lost(), name="instance lock")
    ended = asyncio.create_task(stop.wait())
    gave_up = asyncio.create_task(all_failed.wait())
    code = 0
    try:
        await asyncio.wait({ended, lost, gave_up}, return_when=asyncio.FIRST_COMPLETED)
        if lost.done():
            log.error("the instance lock is lost: stopping, so that only one process sends")
            code = 1
        elif gave_up.done():
            log.error("no platform could start")
            code = 1
    finally:
        for task in (lost, ended, gave_up):
            task.cancel()
        await _shut_down(runtime, services, starting, background, listener, site)
        log.info("partnerbot stopped")
    return code


async def _shut_down(
    runtime: Runtime,
    services: list[PlatformService],
    starting: list[asyncio.Task[None]],
    background: list[asyncio.Task[None]],
    listener: Any,
    site: WebServer | None = None,
) -> None:
    """Everything stops within STOP_WITHIN seconds, whatever state it is in."""
    for task in [*starting, *background]:
        task.cancel()
    await asyncio.gather(*starting, *background, return_exceptions=True)
    stops = [_bounded(f"stopping {s.platform}", s.stop) for s in services]
    if listener is not None:
        stops.append(_bounded("stopping the health listener", listener.stop))
    if site is not None:
        stops.append(_bounded("stopping the web site", site.stop))
    await asyncio.gather(*stops)
    await _bounded("closing the database", runtime.close, 1.5)


async def _bounded(what: str, step: Callable[[], Awaitable[None]], seconds: float = 0) -> None:
    log.debug("%s", what)
    try:
        async with asyncio.timeout(seconds or STOP_WITHIN - 2):
            await step()
    except TimeoutError:
        log.warning("%s took too long; left behind", what)
    except Exception:
        log.exception("%s failed", what)


async def _unless_stopped(step: Awaitable[None], stop: asyncio.Event) -> bool:
    """Run `step` unless `stop` is set first (then it is cancelled): did it finish?"""
    task = asyncio.ensure_future(step)
    ended = asyncio.create_task(stop.wait())
    await asyncio.wait({task, ended}, return_when=asyncio.FIRST_COMPLETED)
    ended.cancel()
    if task.done():
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
