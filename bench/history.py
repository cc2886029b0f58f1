"""History benchmark: does a command cost more when the partnership has a long history?

One year of a partnership is recorded through the console (see `bench/history_build.py`)
and copied into one database: other partnerships with ten years each until the database
holds at least `--rows` rows, then `--repeat` partnerships with one year and as many with
`--years` years. Every command runs at the same moment (the end of the recorded year, a
meeting planned in two weeks) against a partnership of each size, with the read cache
emptied first (the cost of a command after a change), the two sizes taking turns so that
a warming cache or a busy machine favours neither. Reads repeat on one partnership; each
write runs once on each copy, so every run starts from the same state. Printed per command:
the median time and the number of SQL statements at one year and at `--years` years, and
their ratio (target ≤ 1.2), also as the median of the ratios of runs back to back (the
pairs alternate which size goes first); the same for CPU time; then the query plans of the
slowest statements at `--years`. Nothing is asserted. The copies hold no kept state of the
rotation: the first command on each replays its whole history once (as the first command
after the upgrade that added the state did); it is printed on a row of its own, "1st
command", and the writes after it find the state kept.

    .venv/bin/python -m bench.history [--db postgresql://…] [--years 25] [--rows 400000]
        [--repeat 11]   (default: a fresh SQLite file in a temp dir)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bench.history_build import NOW, Cloner, load_year, record_year
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.reply import Reply
from storage.database import Database

SCHEMA = "bench_history"
READS = ["/naechstes", "/tagesordnung", "/reihenfolge", "/protokoll", "/aufgaben"]
FIRST = "1st command"
"""A copy's first command: it computes and keeps the rotation's state from the whole history."""
MEETING = NOW.replace(year=2026, month=12, day=9)
"""The meeting planned at NOW (the fifth of the recorded year)."""


class Sink:
    platform = "console"

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        return None


@dataclass
class Counter:
    """SQL statements and their time, while on."""

    on: bool = False
    keep: bool = False
    """Whether statements are kept for their plans (those of the long history)."""
    count: int = 0
    slow: list[tuple[float, str, Any]] = field(default_factory=list)
    _started: float = 0.0

    def before(self, *args: Any) -> None:
        self._started = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if self.on:
            self.count += 1
            if self.keep:
                self.slow.append((time.perf_counter() - self._started, statement, parameters))


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    """CPU seconds of this process (all its threads, SQLite's included)."""
    statements: list[int] = field(default_factory=list)


async def _database(url: str | None, folder: str) -> Database:
    if url is None:
        return Database(f"sqlite:///{Path(folder) / 'history.sqlite3'}")
    plain = Database(url)
    async with plain.engine.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        await connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    await plain.close()
    return Database(url, schema=SCHEMA)


class Bench:
    def __init__(self, database: Database, counter: Counter) -> None:
        from bot.bootstrap import bootstrap
        from bot.core.clock import ManualClock

        self.database, self.counter = database, counter
        self.clock = ManualClock(NOW)
        self._bootstrap = bootstrap(database, self.clock, {"console": Sink()})
        self.results: dict[str, dict[str, Sample]] = {}
        self.label = ""
        """Which size is measured now."""
        self.replies: dict[str, str] = {}

    async def start(self) -> None:
        runtime = await self._bootstrap
        self.app, self.delivery, self.scheduler = runtime.app, runtime.delivery, runtime.scheduler

    async def timed(self, name: str, work: Callable[[], Awaitable[Any]]) -> Any:
        if self.database.reads is not None:
            self.database.reads.invalidate()
        self.counter.count = 0
        self.counter.on = True
        self.counter.keep = self.label != "1"
        started, cpu = time.perf_counter(), time.process_time()
        try:
            return await work()
        finally:
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            self.counter.on = False
            sample = self.results.setdefault(self.label, {}).setdefault(name, Sample())
            sample.seconds.append(elapsed)
            sample.cpu.append(cpu)
            sample.statements.append(self.counter.count)
            await self.delivery.deliver_due()

    async def say(self, room: str, user: str, line: str, name: str | None = None) -> str:
        sender = Sender(Identity("console", f"{user}.{room}"), user, is_room_admin=True)
        message = MessageEvent(RoomRef("console", room), sender, line, room)
        reply = await self.timed(
            name or line.split()[0], lambda: self.app.handle(message, deliver=False)
        )
        from bot.core.render import render_plain

        said = render_plain(reply) if reply is not None else ""
        self.replies.setdefault(name or line.split()[0], said.split("\n")[0][:110])
        return said

    async def reads(self, rooms: dict[str, str], repeat: int) -> None:
        for label, room in rooms.items():
            self.label = label
            for line in READS:
                await self.say(room, "anna", line, name="warm-up")
        for n in range(repeat):
            for line in READS:
                # the sizes take turns going first: a pair runs back to back
                for label, room in _turn(list(rooms.items()), n):
                    self.label = label
                    await self.say(room, "anna", line)

    async def writes(self, pairs: list[tuple[str, int, str]], n: int) -> None:
        """The same writes on one copy of each size, command by command, so that the two
        runs of a command follow each other (and the size going first alternates)."""
        pairs = _turn(pairs, n)

        async def step(user: str, line: str, name: str | None = None) -> None:
            for label, _, room in pairs:
                self.label = label
                await self.say(room, user, line, name)

        self.clock.set(NOW)
        # a copy's first command replays its whole history once and keeps the rotation's
        # state (as the first command after the upgrade that added it): on a row of its own
        await step("anna", "/naechstes", FIRST)
        await step("anna", "/verschieben 16.12. 10:00")
        for label, pid, _ in pairs:
            self.label = label
            await self._reminder(pid)
        self.clock.set(MEETING.replace(day=16) - timedelta(minutes=5))
        await step("anna", "/sitzungsbeginn")
        await step("bernd", "/anwesend")
        await step("anna", "/thema 1")
        await step("anna", "/beschluss Wir setzen das gemeinsam um")
        await step("anna", "/sitzungsende")
        self.clock.set(MEETING.replace(day=17))
        await step("anna", "/termin 10.3.2027 10:00 im Rathaus Kleve")

    async def _reminder(self, pid: int) -> None:
        """The partnership's next reminder, fired the way the scheduler fires one."""
        async with self.database.uow() as uow:
            pending = await uow.reminders.of_partnership(pid, ["pending"])
        reminder = min(pending, key=lambda r: r.due_at)
        self.clock.set(reminder.due_at)
        self.replies.setdefault("reminder", reminder.kind)
        await self.timed("reminder", lambda: self.scheduler._fire_alone(reminder, reminder.due_at))


def _turn(items: list[Any], n: int) -> list[Any]:
    return items if n % 2 == 0 else items[::-1]


async def _explain(database: Database, slow: list[tuple[float, str, Any]], top: int) -> None:
    """The plans of the slowest distinct statements."""
    times: dict[str, list[float]] = {}
    example: dict[str, Any] = {}
    for seconds, statement, parameters in slow:
        if statement.lstrip().upper().startswith("SELECT"):
            times.setdefault(statement, []).append(seconds)
            example[statement] = parameters
    median = {s: statistics.median(t) for s, t in times.items()}
    ranked = [(s, (median[s], example[s])) for s in sorted(median, key=lambda s: -median[s])][:top]
    prefix = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN "
    for statement, (seconds, parameters) in ranked:
        print(f"\n-- median {seconds * 1000:.2f} ms: {' '.join(statement.split())[:300]}")
        async with database.engine.connect() as connection:
            result = await connection.exec_driver_sql(prefix + statement, parameters)
            for row in result:
                print("   ", " | ".join(str(v) for v in row))


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        await record_year(str(Path(folder) / "year.sqlite3"))
        year = load_year(str(Path(folder) / "year.sqlite3"))
        recorded = time.perf_counter() - began
        database = await _database(args.db, folder)
        await database.upgrade()
        began = time.perf_counter()
        cloner = Cloner(year)
        small = [cloner.partnership(1) for _ in range(args.repeat)]
        large = [cloner.partnership(args.years) for _ in range(args.repeat)]
        per_large = cloner.count // (2 * args.repeat)
        while cloner.count < args.rows:
            cloner.partnership(10, open_year=False)
        rows = cloner.count
        await cloner.flush(database)
        print(
            f"{'SQLite' if database.is_sqlite else 'PostgreSQL'}: one year recorded through the "
            f"console in {recorded:.1f} s; {rows:,} rows copied in "
            f"{time.perf_counter() - began:.1f} s ({per_large:,} rows per partnership of "
            f"{args.years} years on average)"
        )
        counter = Counter()
        sync = database.engine.sync_engine
        event.listen(sync, "before_cursor_execute", counter.before)
        event.listen(sync, "after_cursor_execute", counter.after)
        bench = Bench(database, counter)
        await bench.start()
        years = str(args.years)
        await bench.reads({"1": small[0][1], years: large[0][1]}, args.repeat)
        for n, ((pid, room), (big, big_room)) in enumerate(zip(small, large, strict=True)):
            await bench.writes([("1", pid, room), (years, big, big_room)], n)
        for name, said in bench.replies.items():
            if name != "warm-up":
                print(f"  {name:>16}: {said}")
        for sample in bench.results.values():
            sample.pop("warm-up", None)
        _print(bench.results, args.years)
        await _explain(database, counter.slow, args.plans)
        if not database.is_sqlite:
            async with database.engine.begin() as connection:
                await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        await database.close()


def _paired(small: list[float], large: list[float]) -> float:
    """The median of the ratios of runs that followed each other: a busy spell of the
    machine slows both runs of a pair, and the median ignores the pairs it split."""
    return statistics.median(b / max(a, 1e-9) for a, b in zip(small, large, strict=True))


def _print(results: dict[str, dict[str, Sample]], years: int) -> None:
    small, large = results["1"], results[str(years)]
    print(
        f"\n{'command':>16} | {'1 year':>9} | {f'{years} years':>9} | ratio | paired | "
        f"CPU 1y | CPU {years}y | paired | SQL 1y | SQL {years}y"
    )
    worst = worst_paired = worst_cpu = 0.0
    for name, sample in small.items():
        other = large[name]
        a, b = statistics.median(sample.seconds), statistics.median(other.seconds)
        ca, cb = statistics.median(sample.cpu), statistics.median(other.cpu)
        qa, qb = statistics.median(sample.statements), statistics.median(other.statements)
        paired = _paired(sample.seconds, other.seconds)
        paired_cpu = _paired(sample.cpu, other.cpu)
        if name != FIRST:  # once per partnership, not the cost of a command
            worst, worst_paired = max(worst, b / a), max(worst_paired, paired)
            worst_cpu = max(worst_cpu, paired_cpu)
        print(
            f"{name:>16} | {a * 1000:6.1f} ms | {b * 1000:6.1f} ms | {b / a:5.2f} | "
            f"{paired:6.2f} | {ca * 1000:6.1f} | {cb * 1000:6.1f} | {paired_cpu:6.2f} | "
            f"{qa:6.0f} | {qb:6.0f}"
        )
    print(
        f"highest ratio (but the 1st command): of the medians {worst:.2f}; paired (median of "
        f"the ratios of runs back to back) time {worst_paired:.2f}, CPU {worst_cpu:.2f}   "
        "(target ≤ 1.2; CPU is this process's, SQLite's thread included, and less moved by a "
        "busy machine)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL (schema bench_history is replaced)")
    parser.add_argument("--years", type=int, default=25)
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--plans", type=int, default=4, help="how many query plans to show")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
