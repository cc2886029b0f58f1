"""The bot of `test_synapse_crash.py` as a process of its own, so the test can SIGKILL it.

`python -m tests.matrix.crash_driver CONFIG` runs the real runtime and Matrix adapter on a
SQLite file and a nio store in the config's directory, both kept across restarts. Time is a
ManualClock the test moves by writing an ISO time into `clock`: the driver moves its clock
there, firing whatever falls due on the way (as the console's `:time` does), and then writes
the same time into `clock.ack`. A restart starts at the acknowledged time and catches up.
The id of every event the app returns from is appended to `handled.log` (a replay too), so
the test knows when a command was handled; `die-after-next-change` makes the driver kill
itself right after the next committed change.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.adapters.matrix.service import MatrixService
from bot.app import App, AppConfig
from bot.bootstrap import bootstrap
from bot.config import MatrixSection, Secret
from bot.core.clock import ManualClock
from bot.core.events import Event
from bot.core.reply import Reply

POLL = 0.02


def write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def read_time(path: Path) -> datetime:
    return datetime.fromisoformat(path.read_text(encoding="utf-8").strip())


async def advance(app: App, clock: ManualClock, target: datetime) -> None:
    while (due := await app.next_timer_due()) is not None and due <= target:
        clock.set(max(due, clock.now()))
        await app.fire_timers()
    clock.set(max(target, clock.now()))


def log_handled(app: App, log: Path, die: Path) -> None:
    """Append each event id to `log` once the app returned; with the file `die` present,
    SIGKILL this process right after the next change was committed (the narrowest window:
    before the sync position is saved and before the reply is sent from the outbox)."""
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    handle = app.handle

    async def handled(event: Event, **options: Any) -> Reply | None:
        changes = app.changes
        reply = await handle(event, **options)
        os.write(fd, f"{event.event_id}\n".encode())
        if app.changes != changes and die.exists():
            die.unlink()
            os.kill(os.getpid(), signal.SIGKILL)
        return reply

    app.handle = handled  # type: ignore[method-assign]


async def drive(config_path: Path) -> None:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    directory = Path(config["directory"])
    clock_file, ack_file = directory / "clock", directory / "clock.ack"
    clock = ManualClock(read_time(ack_file if ack_file.exists() else clock_file))
    section = MatrixSection(
        homeserver=config["homeserver"],
        user_id=config["user_id"],
        password=Secret(config["password"]),
        store_path=str(directory / "store"),
        allow_invites_from=["test.local"],
    )
    service = MatrixService(section, directory, max_backoff=1.0)
    runtime = await bootstrap(
        f"sqlite:///{directory / 'bot.sqlite3'}",
        clock,
        {service.platform: service.messenger},
        AppConfig(default_language="de"),
    )
    log_handled(runtime.app, directory / "handled.log", directory / "die-after-next-change")
    await service.start(runtime.app)
    # after the start: a message due now must not meet a service that is not connected yet
    delivery = asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed))
    print("ready", flush=True)
    applied: datetime | None = None
    while not delivery.done():
        target = read_time(clock_file)
        if target != applied:
            await advance(runtime.app, clock, target)
            write_atomically(ack_file, target.isoformat())
            applied = target
        await asyncio.sleep(POLL)


if __name__ == "__main__":
    asyncio.run(drive(Path(sys.argv[1])))
