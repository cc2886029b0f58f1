"""Console adapter: simulated rooms and users; prints every message as `[room] bot: text`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.adapters.console.script import DEFAULT_USER, Bad, Directive, Say, parse_script
from bot.app import App
from bot.core.clock import ManualClock
from bot.core.events import Identity, JoinEvent, LeaveEvent, MessageEvent, RoomRef, Sender
from bot.core.render import render_plain
from bot.core.reply import Reply
from bot.delivery import Delivery

PLATFORM = "console"
COMMAND_PREFIX = "/"


def format_output(room: str, reply: Reply) -> str:
    """The contract other tools read: one message, continuation lines indented two spaces."""
    text = render_plain(reply, COMMAND_PREFIX)
    for attachment in reply.attachments:
        text += f"\n[file: {attachment.filename}, {len(attachment.data)} bytes]"
    first, *rest = text.split("\n")
    return "\n".join([f"[{room}] bot: {first}", *("  " + line for line in rest)])


class ConsoleMessenger:
    platform = PLATFORM

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        self.write(format_output(room.room_id, reply))


class Console:
    """Drives the app from script steps; the same code serves interactive use and tests."""

    def __init__(
        self,
        app: App,
        delivery: Delivery,
        clock: ManualClock,
        timezone: str,
        write: Callable[[str], None],
        warn: Callable[[str], None] | None = None,
        everyone_admin: bool = False,
        admin_everywhere: str | None = None,
        user: str = DEFAULT_USER,
    ) -> None:
        self.app = app
        self.delivery = delivery
        self.clock = clock
        self.zone = ZoneInfo(timezone)
        self.write = write
        self.warn = warn or (lambda text: print(text, file=sys.stderr))
        self.room = "main"
        self.admins: dict[str, set[str]] = {}
        self.everyone_admin = everyone_admin
        self.admin_everywhere = admin_everywhere
        """A user who administers every room (piped input without `:admin` lines)."""
        self.user = user
        """Who says a line that names nobody."""

    def _sender(self, user: str) -> Sender:
        admin = (
            self.everyone_admin
            or user == self.admin_everywhere
            or user in self.admins.get(self.room, set())
        )
        return Sender(Identity(PLATFORM, user), user, is_room_admin=admin)

    def _ref(self) -> RoomRef:
        return RoomRef(PLATFORM, self.room)

    async def run(self, lines: Iterable[str]) -> None:
        for step in parse_script(lines, self.user):
            await self.step(step)

    async def step(self, step: Say | Directive | Bad) -> None:
        if isinstance(step, Bad):
            self.warn(f"console: line {step.line_number}: not understood: {step.line}")
            return
        if isinstance(step, Say):
            event = MessageEvent(self._ref(), self._sender(step.user), step.text, self.room)
            # the reply is printed by the outbox delivery below, in the room's order
            await self.app.handle(event)
        elif step.name == "admin":
            self.admins.setdefault(self.room, set()).add(step.argument)
        elif step.name == "room":
            self.room = step.argument
        elif step.name == "join":
            await self.app.handle(JoinEvent(self._ref(), self._sender(step.argument)))
        elif step.name == "leave":
            await self.app.handle(LeaveEvent(self._ref(), self._sender(step.argument)))
        elif step.name == "time":
            await self.move_clock(step.argument)
        await self.delivery.deliver_due()

    async def move_clock(self, argument: str) -> None:
        try:
            target = datetime.strptime(argument, "%Y-%m-%d %H:%M").replace(tzinfo=self.zone)
        except ValueError:
            self.warn(f"console: :time needs YYYY-MM-DD HH:MM, not {argument!r}")
            return
        if target < self.clock.now():
            self.warn(f"console: :time {argument} is in the past; the clock only moves forward")
            return
        while (due := await self.app.next_timer_due()) is not None and due <= target:
            self.clock.set(max(due, self.clock.now()))
            await self.app.fire_timers()
            await self.delivery.deliver_due()
        self.clock.set(target)
