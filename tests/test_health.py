"""The operators' HTTP listener, asked over real HTTP on a free loopback port."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from bot.adapters.console.adapter import PLATFORM, ConsoleMessenger
from bot.bootstrap import Runtime, bootstrap
from bot.config import Config, HealthSection, load
from bot.core.clock import ManualClock
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.reply import Reply
from bot.ops.health import Health, ListenAddressError, Listener, parse_listen
from bot.ops.instrument import Instruments
from bot.ops.metrics import Metrics
from storage.database import Database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Platform:
    """Stands for a platform connection whose state the test sets."""

    platform: str
    up: bool = True

    def connected(self) -> bool:
        return self.up


@dataclass
class Instrumented:
    """A bot built with the instruments of `partnerbot run`, on a console and a Matrix."""

    runtime: Runtime
    instruments: Instruments
    matrix: Platform


@pytest.fixture
async def instrumented(tmp_path: Path) -> AsyncIterator[Instrumented]:
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    matrix = Platform("matrix", up=True)
    instruments = Instruments(clock, [Platform("console"), matrix])
    built = await bootstrap(
        f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        clock,
        {PLATFORM: ConsoleMessenger(lambda _: None)},
        observers=instruments.observers,
    )
    try:
        yield Instrumented(built, instruments, matrix)
    finally:
        await built.close()


@pytest.fixture
async def runtime(instrumented: Instrumented) -> Runtime:
    return instrumented.runtime


def message(text: str, user: str = "anna") -> MessageEvent:
    sender = Sender(Identity(PLATFORM, user), user, is_room_admin=user == "anna")
    return MessageEvent(RoomRef(PLATFORM, "main"), sender, text)


async def get(port: int, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_off_unless_an_address_is_configured(instrumented: Instrumented) -> None:
    assert await instrumented.instruments.listen(instrumented.runtime, Config()) is None
    assert load(None, {}).health.listen == ""


async def test_healthz_and_metrics_over_http(instrumented: Instrumented) -> None:
    runtime, matrix = instrumented.runtime, instrumented.matrix
    port = free_port()
    config = Config(health=HealthSection(listen=f"127.0.0.1:{port}"))
    listener = await instrumented.instruments.listen(runtime, config)
    assert listener is not None
    try:
        for line in (
            "/setup Klima-Allianz Niederrhein",
            "/mitglied neu Kleve",
            "/mitglieder",
            "/members",
            "/gibtsnicht geheim",
            "hello, not a command",
        ):
            await runtime.app.handle(message(line))
        await runtime.app.handle(message("/mitglied neu Goch", user="bernd"))
        await runtime.delivery.deliver_due()
        async with runtime.database.uow() as uow:
            await uow.outbox.add(
                None, RoomRef("matrix", "!offline:example.org"), Reply.of(), runtime.app.clock.now()
            )
            await uow.commit()

        status, kind, body = await get(port, "/healthz")
        assert status == 200 and kind.startswith("application/json")
        assert '"database": {"reachable": true}' in body
        assert '"matrix": {"connected": true}' in body
        assert '"outbox": {"pending": 1, "failed": 0}' in body

        status, kind, text = await get(port, "/metrics")
        assert status == 200 and kind.startswith("text/plain")
        assert (
            'partnerbot_commands_total{command="setup",outcome="ok",platform="console"} 1.0' in text
        )
        assert (
            'partnerbot_commands_total{command="mitglieder",outcome="ok",platform="console"} 1.0'
            in text
        )
        assert (
            'partnerbot_commands_total{command="members",outcome="ok",platform="console"} 1.0'
            in text
        )
        assert (
            'partnerbot_commands_total{command="mitglied",outcome="refused",platform="console"} 1.0'
            in text
        )
        assert (
            'partnerbot_commands_total{command="unknown",outcome="refused",platform="console"} 1.0'
            in text
        )
        assert "gibtsnicht" not in text, "typed words never become labels"
        assert 'partnerbot_reply_seconds_count{command="mitglied",platform="console"} 2.0' in text
        assert 'partnerbot_outbox_messages{platform="matrix",status="pending"} 1.0' in text
        assert 'partnerbot_outbox_messages{platform="console",status="failed"} 0.0' in text
        assert 'partnerbot_platform_connected{platform="matrix"} 1.0' in text
        assert "partnerbot_database_up 1.0" in text
        assert "partnerbot_reminders_due" in text

        matrix.up = False
        status, _, body = await get(port, "/healthz")
        assert status == 503
        assert '"status": "unhealthy"' in body and '"matrix": {"connected": false}' in body
        _, _, text = await get(port, "/metrics")
        assert 'partnerbot_platform_connected{platform="matrix"} 0.0' in text
    finally:
        await listener.stop()


async def test_unreachable_database_is_unhealthy(runtime: Runtime) -> None:
    unreachable = Database(f"postgresql://nobody@127.0.0.1:{free_port()}/none")
    port = free_port()
    metrics = Metrics(runtime.app.router, unreachable.uow, runtime.app.clock)
    listener = Listener(Health(unreachable.uow, lambda: {}, metrics), f"127.0.0.1:{port}")
    await listener.start()
    try:
        status, _, body = await get(port, "/healthz")
        assert status == 503
        assert '"reachable": false' in body and '"outbox": null' in body
        status, _, text = await get(port, "/metrics")
        assert status == 200 and "partnerbot_database_up 0.0" in text
    finally:
        await listener.stop()
        await unreachable.close()


def test_listen_addresses() -> None:
    assert parse_listen("127.0.0.1:9108") == ("127.0.0.1", 9108)
    assert parse_listen("[::1]:9108") == ("::1", 9108)
    assert parse_listen(":9108") == ("0.0.0.0", 9108)
    for bad in ("9108", "localhost", "host:99999", "host:port"):
        with pytest.raises(ListenAddressError):
            parse_listen(bad)
    config = load(None, {"PARTNERBOT_HEALTH_LISTEN": "localhost", "PARTNERBOT_LOG_FORMAT": "xml"})
    assert "[health] listen must be host:port, e.g. 127.0.0.1:9108" in config.problems
    assert "[log] format must be one of keyvalue, json" in config.problems
