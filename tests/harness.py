"""Drive the whole bot through the console adapter, in process, and collect what it says."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.console.adapter import PLATFORM, Console, ConsoleMessenger
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock
from storage.database import Database


class ConsoleBot:
    """A console bot on a given database; `say(script)` returns the messages it produced.

    Built with `await ConsoleBot.start(database, ...)`, through the composition root."""

    def __init__(
        self,
        database: Database,
        now: str = "2026-11-23 10:00",
        lang: str = "de",
        tz: str = "Europe/Berlin",
    ) -> None:
        self.database = database
        self.clock = ManualClock(
            datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(tz))
        )
        self.output: list[str] = []
        self.warnings: list[str] = []
        self.lang, self.tz = lang, tz

    @classmethod
    async def start(
        cls,
        database: Database,
        now: str = "2026-11-23 10:00",
        lang: str = "de",
        tz: str = "Europe/Berlin",
        web_base_url: str = "",
        **bootstrap_options: Any,
    ) -> ConsoleBot:
        bot = cls(database, now, lang, tz)
        bot.runtime = await bootstrap(
            database,
            bot.clock,
            {PLATFORM: ConsoleMessenger(bot.output.append)},
            AppConfig(default_language=lang, default_timezone=tz, web_base_url=web_base_url),
            **bootstrap_options,
        )
        bot.app = bot.runtime.app
        bot.scheduler = bot.runtime.scheduler
        bot.delivery = bot.runtime.delivery
        bot.console = Console(
            bot.app, bot.delivery, bot.clock, tz, bot.output.append, warn=bot.warnings.append
        )
        return bot

    async def say(self, script: str) -> list[str]:
        """Run script lines; return the messages printed meanwhile (each may span lines)."""
        start = len(self.output)
        await self.console.run(script.strip("\n").splitlines())
        return self.output[start:]

    async def text(self, script: str) -> str:
        return "\n".join(await self.say(script))


def heads(messages: list[str]) -> list[str]:
    """The first line of each message (announcements may add lines below it)."""
    return [message.split("\n")[0] for message in messages]
