"""Crash safety: a scripted year of meetings and reminders runs in a subprocess that is killed
with SIGKILL at random points and restarted each time; every message the bot sends on its
own is delivered exactly once (by its outbox id) and none is missing.

The driver (`python -m tests.test_crash DB SCRIPT LOG`) makes the console script resumable:
it stores the number of the next line in the database, in the same transaction as the
change that line made (a change hook), so a restart neither skips nor repeats a command.
Directives before that line are replayed (rooms, admins, the clock) without side effects.
The messenger appends `uid<TAB>text` to LOG; a message resent after a kill between sending
and marking it sent carries the same uid (Matrix drops such a resend by its txn id).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.processes import run_until_killed

ROOT = Path(__file__).parent.parent
ZONE = "Europe/Berlin"
START = "2026-11-23 10:00"
PROGRESS = "crash-test.next-line"
KILLS = 16


def year_script() -> str:
    """Four members, quarterly meetings through 2027 (one moved, one cancelled), agenda
    items, ad hoc reminders, and the clock moving a week at a time."""
    lines = [
        ":admin anna",
        "@anna: /setup Klima-Allianz Niederrhein",
        "@anna: /mitglied neu Kleve",
        "@anna: /mitglied neu Goch",
        "@anna: /mitglied neu Emmerich am Rhein",
        "@anna: /mitglied neu Kalkar",
        "@bernd: /ichbin Goch",
        "@carla: /ichbin Kleve",
        "@dora: /ichbin Kalkar",
        "@emil: /ichbin Emmerich am Rhein",
    ]
    meetings = {
        date(2027, 1, 5): "@anna: /termin 2.3.2027 10:00",
        date(2027, 4, 6): "@anna: /termin 8.6.2027 14:00",
        date(2027, 5, 4): "@anna: /verschieben 15.6.2027 14:00",
        date(2027, 7, 6): "@anna: /termin 14.9.2027 10:00",
        date(2027, 8, 3): "@anna: /absagen Sommerpause",
        date(2027, 8, 10): "@anna: /termin 28.9.2027 10:00",
        date(2027, 10, 5): "@anna: /termin 7.12.2027 10:00",
    }
    day = date(2026, 12, 1)
    number = 0
    while day < date(2028, 1, 10):
        lines.append(f":time {day.isoformat()} 08:00")
        if day in meetings:
            lines.append(meetings[day])
            if "/absagen" in meetings[day]:
                lines.append("@anna: /ja")
        number += 1
        if number % 3 == 0:
            when = day + timedelta(days=4)
            lines.append(f"@bernd: /erinnern {when:%d.%m.%Y} 11:00 Bericht {number} abgeben")
        if number % 5 == 0:
            lines.append(f"@carla: /tagesordnung neu Punkt {number}")
        if number % 7 == 0:
            lines.append(":join fritz")
            lines.append("@fritz: /erinnern morgen 10 Uhr Fritz fragt nach")
        day += timedelta(days=7)
    return "\n".join(lines) + "\n"


# --- the driver: runs in the child process -------------------------------------------------


async def drive(db_url: str, script: Path, log: Path) -> None:
    from bot.adapters.console.adapter import PLATFORM, Console, format_output
    from bot.adapters.console.script import Directive, parse_script
    from bot.app import AppConfig
    from bot.bootstrap import bootstrap
    from bot.core.clock import ManualClock
    from bot.core.events import RoomRef
    from bot.core.model import Partnership
    from bot.core.reply import Reply
    from bot.usecases.ports import UnitOfWork
    from storage.database import Database

    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    class LoggingMessenger:
        platform = PLATFORM

        async def send(self, room: RoomRef, reply: Reply, txn_id: str) -> None:
            text = json.dumps(format_output(room.room_id, reply), ensure_ascii=False)
            os.write(fd, f"{txn_id}\t{text}\n".encode())

    database = Database(db_url)
    await database.upgrade()
    zone = ZoneInfo(ZONE)
    clock = ManualClock(datetime.strptime(START, "%Y-%m-%d %H:%M").replace(tzinfo=zone))
    current = 0

    async def progress(uow: UnitOfWork, _partnership: Partnership) -> None:
        await uow.state.put(PROGRESS, str(current + 1))

    runtime = await bootstrap(
        database, clock, {PLATFORM: LoggingMessenger()}, AppConfig(), change_hooks=[progress]
    )
    app, delivery = runtime.app, runtime.delivery
    console = Console(app, delivery, clock, ZONE, lambda _text: None, warn=lambda _text: None)
    steps = list(parse_script(script.read_text(encoding="utf-8").splitlines()))
    async with database.uow() as uow:
        done = int(await uow.state.get(PROGRESS) or 0)
    for step in steps[:done]:
        if isinstance(step, Directive) and step.name in ("admin", "room"):
            await console.step(step)
        elif isinstance(step, Directive) and step.name == "time":
            clock.set(datetime.strptime(step.argument, "%Y-%m-%d %H:%M").replace(tzinfo=zone))
    current = done
    print("ready", flush=True)
    await delivery.deliver_due()
    for index in range(done, len(steps)):
        current = index
        await console.step(steps[index])
        async with database.uow() as uow:
            if int(await uow.state.get(PROGRESS) or 0) <= index:
                await uow.state.put(PROGRESS, str(index + 1))
                await uow.commit()
    await database.close()
    print("done", flush=True)


# --- the test ------------------------------------------------------------------------------


def _command(tmp_path: Path, name: str) -> list[str]:
    db = f"sqlite:///{tmp_path / (name + '.sqlite3')}"
    return [
        sys.executable,
        "-m",
        "tests.test_crash",
        db,
        str(tmp_path / "year.script"),
        str(tmp_path / (name + ".log")),
    ]


def _read_log(path: Path) -> list[tuple[str, str]]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        uid, _, text = line.partition("\t")
        entries.append((uid, json.loads(text)))
    return entries


async def test_killed_at_random_points_every_message_arrives_exactly_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "year.script").write_text(year_script(), encoding="utf-8")
    assert await run_until_killed(_command(tmp_path, "reference"), 300, ROOT)
    expected = [text for _, text in _read_log(tmp_path / "reference.log")]
    assert len(expected) > 80
    for kind in ("Erinnerung von", "In 14 Tagen", "Morgen trifft", "Noch bis", "steht:"):
        assert sum(kind in text for text in expected) >= 3, kind
    assert sum("noch nicht geplant" in text or "fehlt noch" in text for text in expected) > 20

    rng = random.Random(5)
    kills = 0
    finished = False
    while not finished:
        if kills < KILLS:
            finished = await run_until_killed(
                _command(tmp_path, "killed"), rng.uniform(0.05, 0.3), ROOT
            )
            kills += 0 if finished else 1
        else:
            finished = await run_until_killed(_command(tmp_path, "killed"), 300, ROOT)
            assert finished
    assert kills >= 10

    delivered = _read_log(tmp_path / "killed.log")
    first_text: dict[str, str] = {}
    for uid, text in delivered:
        assert first_text.setdefault(uid, text) == text
    assert Counter(first_text.values()) == Counter(expected)
    assert list(first_text.values()) == expected


if __name__ == "__main__":
    asyncio.run(drive(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
