"""Telegram fan-out benchmark: one announcement to a partnership with many Telegram groups.

The whole bot (app, outbox delivery, Telegram adapter with its default pacing) runs against
the suite's fake Bot API with Telegram's published flood limits turned on (about 30 messages
a second in all, 20 a minute per group, 429 with `retry_after` beyond; see
`tests/telegram/fake_api_limits.py`). A coordinator plans a meeting in one group; the
announcement goes to every group. Printed: the time from the first message sent to the last,
against the least time those limits allow for the same messages (the baseline, computed in
the same run from what was sent where), as a ratio (target ≤ 1.1); how many sends the fake
refused with 429; and per group, that each got exactly what the outbox holds for it
(nothing lost, nothing twice). Nothing is asserted.

    .venv/bin/python -m bench.telegram_fanout [--groups 100] [--runs 1]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from bot.adapters.telegram.service import TelegramService
from bot.adapters.telegram.translate import outgoing
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.config import Secret, TelegramSection
from bot.core.clock import SystemClock
from bot.core.events import RoomRef
from storage.database import Database
from storage.models import OutboxRow
from storage.reply_codec import reply_from_json
from tests.telegram.fake_api import FakeBotAPI, user
from tests.telegram.fake_api_limits import RateLimits, fastest

ANNA = user(1001, "Anna", "Albers")
FIRST = -1001000000000


async def _quiet(database: Database, service: TelegramService, fake: FakeBotAPI) -> None:
    """Until every update is handled and nothing waits in the outbox."""
    async with asyncio.timeout(600):
        while True:
            async with database.uow() as uow:
                waiting = await uow.session.scalar(
                    select(func.count(OutboxRow.id)).where(OutboxRow.status == "pending")
                )
            if service.last_update_id >= fake.next_update_id - 1 and not waiting:
                return
            await asyncio.sleep(0.02)


async def _outbox_per_chat(database: Database, after: int) -> Counter[int]:
    """The Telegram sends the outbox's rows since `after` make, per chat (a message with a
    calendar file is two: the text and the document)."""
    async with database.uow() as uow:
        rows = await uow.session.execute(
            select(OutboxRow.external_id, OutboxRow.payload).where(
                OutboxRow.id > after, OutboxRow.status == "sent"
            )
        )
        wanted: Counter[int] = Counter()
        for chat, payload in rows:
            wanted[int(chat)] += len(outgoing(reply_from_json(payload)))
        return wanted


async def run_once(groups: int) -> dict[str, float]:
    fake = FakeBotAPI()
    limits = fake.limits = RateLimits()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'fanout.sqlite3'}")
        await database.upgrade()
        section = TelegramSection(token=Secret(fake.token), base_url=fake.url)
        service = TelegramService(section, Path(folder), poll_timeout=2)
        clock = SystemClock()
        runtime = await bootstrap(database, clock, {"telegram": service.messenger}, AppConfig())
        await service.start(runtime.app)
        sender = asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed))
        try:
            chats = [FIRST - n for n in range(groups)]
            fake.group(chats[0], "Klima-Allianz", ANNA)
            for line in ("/setup Klima-Allianz", "/mitglied neu Kleve", "/mitglied neu Goch"):
                await fake.say(chats[0], ANNA, line)
            await _quiet(database, service, fake)
            async with database.uow() as uow:
                room = await uow.rooms.find(RoomRef("telegram", str(chats[0])))
                assert room is not None
                for n, chat in enumerate(chats[1:], start=2):
                    fake.group(chat, f"Klima-Allianz {n}", ANNA)
                    ref = RoomRef("telegram", str(chat))
                    await uow.rooms.add(room.partnership_id, ref, f"Gruppe {n}", clock.now())
                await uow.commit()
                mark = await uow.session.scalar(select(func.max(OutboxRow.id))) or 0
            await asyncio.sleep(1.1)  # the set-up's sends leave the one-second window
            before = len(limits.accepted)
            refused = limits.refused
            began, cpu = time.monotonic(), time.process_time()
            await fake.say(chats[0], ANNA, "/termin 10.12.2026 10:00 im Rathaus Kleve")
            await _quiet(database, service, fake)
            cpu = time.process_time() - cpu
            sends = limits.accepted[before:]
            got = Counter(chat for _, chat in sends)
            wanted = await _outbox_per_chat(database, mark)
            first, last = sends[0][0], sends[-1][0]
            least = fastest(dict(got))
            return {
                "messages": len(sends),
                "groups": len(got),
                "spread": last - first,
                "least": least,
                "command_to_last": last - began,
                "cpu": cpu,
                "refused": limits.refused - refused,
                "lost": sum((wanted - got).values()),
                "twice": sum((got - wanted).values()),
                "missing_groups": sum(1 for chat in chats if got[chat] == 0),
            }
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            await fake.release_pollers()
            await service.stop()
            await fake.close()
            await database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--groups", type=int, default=100)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    for _ in range(args.runs):
        r = asyncio.run(run_once(args.groups))
        ratio = r["spread"] / r["least"] if r["least"] else float("nan")
        print(
            f"{int(r['messages'])} messages to {int(r['groups'])} of {args.groups} groups: "
            f"first to last send {r['spread']:.2f} s, least the limits allow "
            f"{r['least']:.2f} s, ratio {ratio:.3f} (target ≤ 1.1); command to last send "
            f"{r['command_to_last']:.2f} s; 429 answers {int(r['refused'])}; lost "
            f"{int(r['lost'])}, twice {int(r['twice'])}, groups without it "
            f"{int(r['missing_groups'])}; CPU of this process (bot and fake together) "
            f"{r['cpu']:.2f} s, {r['cpu'] / max(1, r['messages']) * 1000:.1f} ms per send"
        )


if __name__ == "__main__":
    main()
