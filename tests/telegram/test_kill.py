"""`partnerbot run` serving a group is killed with SIGKILL at the moments that matter and
started again: between a change and its reply, between a reply and Telegram learning of it,
and in the middle of a batch. Every command takes effect once and is answered once."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.telegram.fake_api import Call, FakeBotAPI, user

GROUP = -1001000000009
ANNA = user(1001, "Anna", "Albers")


class Bot:
    """The bot as its own process, started again after each kill on the same database."""

    def __init__(self, fake: FakeBotAPI, tmp_path: Path) -> None:
        self.fake = fake
        self.database = tmp_path / "bot.sqlite3"
        self.config = tmp_path / "partnerbot.toml"
        self.config.write_text(
            f'[bot]\ndata_dir = "{tmp_path}"\n\n'
            f'[telegram]\nmode = "polling"\nbase_url = "{fake.url}"\n',
            encoding="utf-8",
        )
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "PARTNERBOT_TELEGRAM_TOKEN": self.fake.token,
            "PARTNERBOT_DATABASE_URL": f"sqlite:///{self.database}",
        }
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot.cli", "run", "--config", str(self.config)),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    async def kill_at(self, arrived: asyncio.Future[Call]) -> None:
        async with asyncio.timeout(20):
            await arrived
        assert self.process is not None
        self.process.kill()
        await self.process.wait()
        self.fake._closing = False

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@asynccontextmanager
async def running(tmp_path: Path) -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    fake = FakeBotAPI()
    await fake.start()
    bot = Bot(fake, tmp_path)
    try:
        yield fake, bot
    finally:
        await bot.stop()
        await fake.close()


def answers(fake: FakeBotAPI, fragment: str) -> int:
    return sum(fragment in text for text in fake.sent(GROUP))


async def answered(fake: FakeBotAPI, fragment: str) -> None:
    async with asyncio.timeout(30):
        await fake.wait_for(lambda: answers(fake, fragment) > 0)


def reply_with(fragment: str) -> Callable[[dict[str, Any]], bool]:
    return lambda params: fragment in str(params.get("text", ""))


def agenda(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT text FROM agenda_item ORDER BY id")]


async def test_killed_at_the_moments_that_matter_nothing_is_lost_or_answered_twice(
    tmp_path: Path,
) -> None:
    async with running(tmp_path) as (fake, bot):
        fake.group(GROUP, "Klima-Allianz", ANNA)
        await bot.start()
        await fake.say(GROUP, ANNA, "/setup Klima-Allianz")
        await answered(fake, "ist gegründet")

        # Between the change and its reply: the reply never reaches Telegram.
        await fake.say(GROUP, ANNA, "/tagesordnung neu Radwege")
        await bot.kill_at(fake.hold("sendMessage", reply_with("Radwege")))
        await bot.start()
        await answered(fake, "„Radwege“")

        # After the reply was written, before Telegram learns the update was taken (the
        # outbox sends the reply before or after that moment; either way, once).
        members = await fake.say(GROUP, ANNA, "/mitglieder")
        confirming = fake.hold("getUpdates", lambda p: int(p.get("offset") or 0) > members)
        await bot.kill_at(confirming)
        await bot.start()
        await answered(fake, "keine Mitglieder")
        await fake.say(GROUP, ANNA, "/tagesordnung neu Busse")
        await answered(fake, "„Busse“")

        # In the middle of a batch: the first answered, the second changed but not answered.
        held = fake.hold("sendMessage", reply_with("„Wald“"))
        for item in ("Moor", "Wald", "Wind"):
            await fake.say(GROUP, ANNA, f"/tagesordnung neu {item}")
        await bot.kill_at(held)
        await bot.start()
        await answered(fake, "„Wind“")
        await bot.stop()

        assert agenda(bot.database) == ["Radwege", "Busse", "Moor", "Wald", "Wind"]
        assert answers(fake, "keine Mitglieder") == 1
        for item in ("Radwege", "Busse", "Moor", "Wald", "Wind"):
            assert answers(fake, f"„{item}“") == 1, item
