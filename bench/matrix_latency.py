"""Round trip of a command through Matrix: partnerbot answering /next vs. a bare nio echo bot.

Run by hand (not by the tests):  .venv/bin/python -m bench.matrix_latency [--count 200]

One local Synapse (started from this venv in a temp dir, rate limits raised) serves both bots
in the same run. A plain nio client sends commands into two rooms, one with each bot:
- sequential: `count` commands one after another to each bot, taking turns (echo, partnerbot,
  echo, ...); round trip = send until the answer is seen in the sender's own sync; p50, p95;
- burst: `count` commands sent concurrently; rate = answers per second until the last one;
  `--rounds` bursts per bot, taking turns, and the median rate is reported.
Taking turns matters on a shared machine: a load that comes and goes then slows both bots
alike instead of whichever was measured at the time.
Printed are the numbers and the ratios partnerbot/echo (target: p50 <= 1.15x, burst >= 0.9x),
and the CPU time each burst cost per command, in this process (the asker and the bot under
test) and in Synapse: where a difference between the bots comes from.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    MatrixRoom,
    MessageDirection,
    RoomCreateResponse,
    RoomMessageNotice,
    RoomMessagesResponse,
    RoomMessageText,
    SyncResponse,
)

from bot.adapters.matrix.service import MatrixService
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.config import MatrixSection, Secret
from bot.core.clock import SystemClock
from tests.matrix.synapse import Account, Synapse

FILTER: dict[str, Any] = {"room": {"timeline": {"limit": 100}}}
"""A timeline filter, as any bot needs (nio's default limit of 10 loses bursts)."""


def _plain_client(synapse: Synapse, account: Account) -> AsyncClient:
    client = AsyncClient(
        synapse.url, account.user_id, config=AsyncClientConfig(encryption_enabled=False)
    )
    client.restore_login(account.user_id, account.device_id, account.access_token)
    return client


class _Syncing:
    """A plain nio client that syncs in the background until stopped.

    Like partnerbot, it back-fills a limited timeline: Synapse returns at most 100 events
    per room and sync, and on a busy machine a burst of 200 commands and 200 answers can
    outgrow that between two syncs. Without it the echo bot would miss commands, or the
    asker answers, and the burst would never end."""

    def __init__(self, synapse: Synapse, account: Account) -> None:
        self.client = _plain_client(synapse, account)
        self._sync: asyncio.Task[Any] | None = None

    async def start(self) -> None:
        await self.client.sync(timeout=0, full_state=True)
        self._sync = asyncio.create_task(self._sync_forever())

    async def stop(self) -> None:
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sync
        await self.client.close()

    def on_event(self, room: MatrixRoom, event: Event) -> None:
        """One timeline event, in order; subclasses react to the ones they care about."""

    async def _sync_forever(self) -> None:
        while True:
            since = self.client.next_batch
            answer = await self.client.sync(timeout=30_000, sync_filter=FILTER, since=since)
            if not isinstance(answer, SyncResponse):
                await asyncio.sleep(0.1)
                continue
            for room_id, info in answer.rooms.join.items():
                events = list(info.timeline.events)
                if info.timeline.limited and info.timeline.prev_batch and since:
                    events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
                room = self.client.rooms[room_id]
                for event in events:
                    self.on_event(room, event)

    async def _backfill(self, room_id: str, prev_batch: str, since: str) -> list[Event]:
        newest_first: list[Event] = []
        token = prev_batch
        while True:
            page = await self.client.room_messages(
                room_id, start=token, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(page, RoomMessagesResponse) or not page.chunk:
                return newest_first[::-1]
            newest_first.extend(page.chunk)
            if not page.end or page.end == token:
                return newest_first[::-1]
            token = page.end


class EchoBot(_Syncing):
    """The baseline: answers every text with a notice, sent from a task (not the sync loop)."""

    def __init__(self, synapse: Synapse, account: Account) -> None:
        super().__init__(synapse, account)
        self._tasks: set[asyncio.Task[Any]] = set()

    def on_event(self, room: MatrixRoom, event: Event) -> None:
        if not isinstance(event, RoomMessageText) or event.sender == self.client.user_id:
            return
        task = asyncio.create_task(
            self.client.room_send(
                room.room_id, "m.room.message", {"msgtype": "m.notice", "body": event.body}
            )
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class Asker(_Syncing):
    """Sends commands and notes when the answers arrive through its own sync."""

    def __init__(self, synapse: Synapse, account: Account) -> None:
        super().__init__(synapse, account)
        self.answers: dict[str, asyncio.Queue[float]] = {}

    def on_event(self, room: MatrixRoom, event: Event) -> None:
        if isinstance(event, RoomMessageNotice):
            self.answers.setdefault(room.room_id, asyncio.Queue()).put_nowait(time.perf_counter())

    async def room_with(self, bot_user: str) -> str:
        answer = await self.client.room_create(name="bench", invite=[bot_user])
        assert isinstance(answer, RoomCreateResponse), answer
        room_id = str(answer.room_id)
        while not (room_id in self.client.rooms and bot_user in self.client.rooms[room_id].users):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        self.answers.setdefault(room_id, asyncio.Queue())
        return room_id

    async def send(self, room_id: str, text: str) -> None:
        await self.client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})

    async def drain(self, room_id: str, settle: float = 0.5) -> None:
        queue = self.answers[room_id]
        while True:
            try:
                await asyncio.wait_for(queue.get(), settle)
            except TimeoutError:
                return

    async def round_trip(self, room_id: str, text: str) -> float:
        start = time.perf_counter()
        await self.send(room_id, text)
        arrived = await asyncio.wait_for(self.answers[room_id].get(), 30)
        return (arrived - start) * 1000

    async def sequential(
        self, rooms: dict[str, str], text: str, count: int
    ) -> dict[str, list[float]]:
        """`count` round trips per room, the rooms taking turns."""
        times: dict[str, list[float]] = {name: [] for name in rooms}
        for _ in range(count):
            for name, room_id in rooms.items():
                times[name].append(await self.round_trip(room_id, text))
        return times

    async def burst(self, room_id: str, text: str, count: int) -> float:
        queue = self.answers[room_id]
        start = time.perf_counter()
        await asyncio.gather(*(self.send(room_id, text) for _ in range(count)))
        last = start
        for received in range(count):
            try:
                last = await asyncio.wait_for(queue.get(), 120)
            except TimeoutError:
                raise RuntimeError(f"{received} of {count} answers arrived in {room_id}") from None
        return count / (last - start)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main(count: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        synapse = Synapse(directory / "synapse")
        synapse.start()
        try:
            await _run(synapse, directory, count, rounds)
        finally:
            synapse.stop()


async def _run(synapse: Synapse, directory: Path, count: int, rounds: int) -> None:
    asker = Asker(synapse, synapse.register("asker"))
    echo = EchoBot(synapse, synapse.register("echo"))
    account = synapse.register("partnerbot")
    section = MatrixSection(
        homeserver=synapse.url,
        user_id=account.user_id,
        password=Secret(account.password),
        store_path=str(directory / "store"),
        allow_invites_from=["test.local"],
    )
    service = MatrixService(section, directory)
    runtime = await bootstrap(
        f"sqlite:///{directory / 'bot.sqlite3'}",
        SystemClock(),
        {service.platform: service.messenger},
        AppConfig(default_language="de"),
    )
    delivery = asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed))
    await service.start(runtime.app)
    await asker.start()
    await echo.start()
    try:
        echo_room = await asker.room_with(echo.client.user_id)
        await asker.client.join(echo_room)
        while echo_room not in echo.client.rooms:
            await echo.client.join(echo_room)
            await asyncio.sleep(0.1)
        bot_room = await asker.room_with(account.user_id)
        await asker.send(bot_room, "!setup Benchmark-Bund")
        await asker.drain(bot_room)
        await asker.send(bot_room, "/next")
        await asker.drain(bot_room)
        rooms = {"echo": echo_room, "partnerbot": bot_room}
        await asker.sequential(rooms, "/next", 10)  # warm-up
        rtts = await asker.sequential(rooms, "/next", count)
        rates: dict[str, list[float]] = {name: [] for name in rooms}
        cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in rooms}
        assert synapse.process is not None
        for _ in range(rounds):
            for name, room_id in rooms.items():
                await asker.drain(room_id)
                own, server = time.process_time(), _cpu_seconds(synapse.process.pid)
                rates[name].append(await asker.burst(room_id, "/next", count))
                cpu[name].append(
                    (time.process_time() - own, _cpu_seconds(synapse.process.pid) - server)
                )
        results = {
            name: {
                "p50": statistics.median(rtts[name]),
                "p95": _p(rtts[name], 0.95),
                "burst": statistics.median(rates[name]),
                "cpu here": statistics.median(c[0] for c in cpu[name]) / count * 1000,
                "cpu synapse": statistics.median(c[1] for c in cpu[name]) / count * 1000,
            }
            for name in rooms
        }
        e, p = results["echo"], results["partnerbot"]
        print(
            f"commands: {count} sequential per bot (taking turns), {rounds} bursts of {count} "
            "per bot; partnerbot answers /next"
        )
        print(
            f"{'':12}{'p50 ms':>10}{'p95 ms':>10}{'burst /s':>10}"
            f"{'CPU ms per burst command: here':>33}{'synapse':>9}"
        )
        for name, r in results.items():
            print(
                f"{name:12}{r['p50']:10.1f}{r['p95']:10.1f}{r['burst']:10.1f}"
                f"{r['cpu here']:33.2f}{r['cpu synapse']:9.2f}"
            )
        print(
            f"{'ratio':12}{p['p50'] / e['p50']:10.2f}{p['p95'] / e['p95']:10.2f}"
            f"{p['burst'] / e['burst']:10.2f}   (partnerbot / echo; targets p50 <= 1.15, "
            "burst >= 0.9)"
        )
    finally:
        await asker.stop()
        await echo.stop()
        await service.stop()
        delivery.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await delivery
        await runtime.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(main(arguments.count, arguments.rounds))
