"""Crash safety against a real homeserver: the bot runs as its own process (the real runtime
and Matrix adapter, `crash_driver`), a half year of meetings, agenda items and reminders is
played into a real room by real users and by moving the bot's clock, and the bot is killed
with SIGKILL at random points and restarted each time. Afterwards the room's history, read
from Synapse, holds every message the bot wrote to its outbox exactly once, every command
took effect exactly once, and no command was answered twice."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nio import MessageDirection, RoomMessageNotice, RoomMessagesResponse, RoomMessageText

from bot.adapters.matrix.translate import reply_content
from storage.reply_codec import reply_from_json
from tests.matrix.crash_driver import write_atomically
from tests.matrix.helpers import Person
from tests.matrix.synapse import Account

ROOT = Path(__file__).parent.parent.parent
ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 23, 10, 0, tzinfo=ZONE)
KILLS = 7
FAST = 0.02


@dataclass(frozen=True)
class Say:
    who: str
    text: str


@dataclass(frozen=True)
class Join:
    who: str


@dataclass(frozen=True)
class Time:
    when: datetime


Step = Say | Join | Time


def half_year() -> list[Step]:
    """Three members, two meetings, agenda items, ad hoc reminders and a newcomer, with the
    clock moving a week at a time (absolute dates only: the run must not depend on when)."""
    steps: list[Step] = [
        Say("anna", "!setup Klima-Allianz Niederrhein"),
        Say("anna", "!mitglied neu Kleve"),
        Say("anna", "!mitglied neu Goch"),
        Say("anna", "!mitglied neu Kalkar"),
        Say("bernd", "!ichbin Goch"),
        Say("carla", "!ichbin Kleve"),
    ]
    meetings = {
        date(2027, 1, 5): "!termin 2.3.2027 10:00",
        date(2027, 3, 9): "!termin 11.5.2027 14:00",
    }
    day = date(2026, 12, 1)
    number = 0
    while day < date(2027, 5, 26):
        steps.append(Time(datetime(day.year, day.month, day.day, 8, 0, tzinfo=ZONE)))
        if day in meetings:
            steps.append(Say("anna", meetings[day]))
        number += 1
        if number % 3 == 0:
            when = day + timedelta(days=4)
            steps.append(Say("bernd", f"!erinnern {when:%d.%m.%Y} 11:00 Bericht {number} abgeben"))
        if number % 5 == 0:
            steps.append(Say("carla", f"!tagesordnung neu Punkt {number}"))
        if number == 11:
            when = day + timedelta(days=1)
            steps.append(Join("fritz"))
            steps.append(Say("fritz", f"!erinnern {when:%d.%m.%Y} 10:00 Fritz fragt nach"))
        day += timedelta(days=7)
    return steps


class KilledBot:
    """The driver process: started, killed with SIGKILL, started again on the same files."""

    def __init__(self, synapse_url: str, account: Account, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.config = directory / "config.json"
        self.config.write_text(
            json.dumps(
                {
                    "homeserver": synapse_url,
                    "user_id": account.user_id,
                    "password": account.password,
                    "directory": str(directory),
                }
            ),
            encoding="utf-8",
        )
        self.clock_file = directory / "clock"
        self.ack_file = directory / "clock.ack"
        self.handled_log = directory / "handled.log"
        self.database = directory / "bot.sqlite3"
        write_atomically(self.clock_file, START.isoformat())
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        with (self.directory / "driver.log").open("ab") as errors:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.matrix.crash_driver",
                str(self.config),
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
            )
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 60)
        assert line.strip() == b"ready", (self.directory / "driver.log").read_text()
        self.starts += 1

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        self.process = None

    def die_after_next_change(self) -> None:
        (self.directory / "die-after-next-change").touch()

    async def died(self) -> None:
        """The driver killed itself (see `die_after_next_change`)."""
        assert self.process is not None
        assert await asyncio.wait_for(self.process.wait(), 30) == -signal.SIGKILL
        self.process = None

    def handled(self) -> list[str]:
        if not self.handled_log.exists():
            return []
        return self.handled_log.read_text(encoding="utf-8").split()

    def move_clock(self, when: datetime) -> None:
        write_atomically(self.clock_file, when.isoformat())

    def clock_moved(self, when: datetime) -> bool:
        return self.ack_file.exists() and self.ack_file.read_text().strip() == when.isoformat()

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        connection = sqlite3.connect(self.database)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()


Said = RoomMessageNotice | RoomMessageText


async def _history(person: Person, room_id: str) -> list[Said]:
    """Every text and notice in the room, oldest first, as the homeserver keeps them (what
    mentions people is an m.text, so that it notifies them)."""
    notices: list[Said] = []
    start: str | None = None
    while True:
        page = await person.client.room_messages(
            room_id, start=start, direction=MessageDirection.back, limit=100
        )
        assert isinstance(page, RoomMessagesResponse), page
        notices.extend(e for e in page.chunk if isinstance(e, Said))
        if not page.chunk or not page.end or page.end == start:
            return notices[::-1]
        start = page.end


def _answers(notice: Said) -> str | None:
    relates = notice.source.get("content", {}).get("m.relates_to", {})
    event_id = relates.get("m.in_reply_to", {}).get("event_id")
    return str(event_id) if event_id else None


async def test_killed_at_random_points_every_message_arrives_once_in_the_room(
    synapse: Any,
    register: Callable[[str], Account],
    people: Callable[[str], Person],
    tmp_path: Path,
) -> None:
    cast = {name: people(name) for name in ("anna", "bernd", "carla", "fritz")}
    for person in cast.values():
        await person.start()
    anna = cast["anna"]
    bot = KilledBot(synapse.url, register("partnerbot"), tmp_path / "bot")
    account_id = json.loads(bot.config.read_text())["user_id"]
    await bot.start()
    room_id = await anna.create_room("Klima-Allianz Niederrhein", invite=(account_id,))
    await anna.joined(room_id, account_id)
    for name in ("bernd", "carla"):
        await anna.bring_in(room_id, cast[name])

    steps = half_year()
    rng = random.Random(5)
    kill_at = set(rng.sample(range(3, len(steps)), KILLS))
    kills: Counter[str] = Counter()
    commands: list[tuple[str, str]] = []
    for index, step in enumerate(steps):
        event_id = None
        kill = None
        if index in kill_at:
            # in the narrowest window (the driver kills itself right after the change was
            # committed), or at a random moment after a command was sent or the clock moved
            kill = "window" if isinstance(step, Say) and rng.random() < 0.5 else "random"
        if kill == "window":
            bot.die_after_next_change()
        if isinstance(step, Say):
            event_id = await cast[step.who].say(room_id, step.text)
            commands.append((event_id, step.text))
        elif isinstance(step, Join):
            await anna.bring_in(room_id, cast[step.who])
        else:
            bot.move_clock(step.when)
        if kill == "window":
            await bot.died()
        elif kill == "random":
            await asyncio.sleep(rng.uniform(0, 0.1))
            await bot.kill()
        if kill is not None:
            kills[f"{kill} after {type(step).__name__}"] += 1
            await bot.start()
        if event_id is not None:
            await anna.wait_until(lambda e=event_id: e in bot.handled(), poll=FAST)
        elif isinstance(step, Time):
            await anna.wait_until(lambda w=step.when: bot.clock_moved(w), poll=FAST)

    def all_sent() -> bool:
        return bot.query("select count(*) from outbox where status != 'sent'") == [(0,)]

    await anna.wait_until(all_sent, poll=FAST)
    await bot.kill()
    assert bot.starts == KILLS + 1

    notices = [n for n in await _history(anna, room_id) if n.sender == account_id]
    own = Counter(n.body for n in notices if _answers(n) is None)
    written = Counter(
        (reply_content(reply_from_json(payload)) or {})["body"]
        for (payload,) in bot.query(
            "select payload from outbox where platform = 'matrix' and external_id = ?"
            " and kind != 'reply'",
            room_id,
        )
    )
    assert own == written, "the room's announcements and reminders differ from the outbox"
    kinds = ("ist jetzt Mitglied", "Erinnerung von", "In 14 Tagen", "Morgen trifft", "steht:")
    for kind in kinds:
        assert any(kind in body for body in own), kind
    assert sum("ist jetzt Mitglied" in body for body in own.elements()) == 3

    # Every command took effect once ...
    agenda = [text for (text,) in bot.query("select text from agenda_item order by id")]
    assert agenda == [s.text.split("neu ")[1] for s in steps if "tagesordnung" in str(s)]
    members = [name for (name,) in bot.query("select name from member order by id")]
    assert members == ["Kleve", "Goch", "Kalkar"]
    asked = [s for s in steps if isinstance(s, Say) and "!erinnern" in s.text]
    reminders = [p for (p,) in bot.query("select payload from reminder where kind = 'adhoc'")]
    assert len(reminders) == len(asked)
    assert len(bot.query("select id from meeting")) == 2
    # ... and was answered exactly once if it has an answer (read-only commands too: their
    # replies are kept in the outbox as well), never twice.
    replies = Counter(_answers(n) for n in notices if _answers(n) is not None)
    assert all(replies[event_id] <= 1 for event_id, _ in commands), replies.most_common(3)
    answered = {a for (a,) in bot.query("select answers from outbox where kind = 'reply'")}
    for event_id, text in commands:
        if text.startswith(("!setup", "!tagesordnung", "!erinnern")) or event_id in answered:
            assert replies[event_id] == 1, text
    replayed = len(bot.handled()) - len(set(bot.handled()))
    print(f"kills: {dict(kills)}; {replayed} events handed to the app again after a restart")
    assert replayed >= 1
