"""Drive the whole bot through the console adapter, in process, and collect what it says."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.adapters.console.adapter import PLATFORM, Console, ConsoleMessenger
from bot.app import App, AppConfig
from bot.core.clock import ManualClock
from bot.delivery import Delivery
from bot.scheduler import install
from handlers import build_router
from storage.database import Database


class ConsoleBot:
    """A console bot on a given database; `say(script)` returns the messages it produced."""

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
        self.app = App(
            database.uow,
            self.clock,
            build_router(),
            config=AppConfig(default_language=lang, default_timezone=tz),
        )
        self.scheduler = install(self.app)
        self.delivery = Delivery(
            database.uow, self.clock, {PLATFORM: ConsoleMessenger(self.output.append)}
        )
        self.console = Console(
            self.app, self.delivery, self.clock, tz, self.output.append, warn=self.warnings.append
        )

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
