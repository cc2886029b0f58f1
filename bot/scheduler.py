"""The reminder scheduler: fires what is due from the database, and sleeps until the next.

Nothing about the schedule lives in memory: `next_due` and `fire_due` read the reminder table
each time, so a restart (or a kill) loses nothing. Each batch of due reminders is fired in
one transaction that marks them sent and publishes what they say through the notifier (the
chat channel writes the outbox messages), together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.channels.notifier import Notifier
from bot.core.clock import Clock
from bot.core.model import Partnership, Reminder, Room
from bot.i18n import Catalog
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory
from bot.usecases.reminders import fire, needs_replan, replan

log = logging.getLogger(__name__)

BATCH = 100
MAX_SLEEP = 60.0
"""Also bounds how long a change that raced the loop's read can go unnoticed."""
SETTLE = 0.05
"""After a wake-up, time for the change's transaction to commit before reading."""
GATHER = 0.05
"""Seconds the loop sleeps past the next due time, so that what falls due within them fires
with it, in one transaction and one delivery round (at a hundred reminders a second, one
at a time cost twice the CPU each). Nothing fires before its time: a reminder is at most
this much later for it."""


class Scheduler:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        *,
        notifier: Notifier,
        on_fired: Callable[[], None] | None = None,
        gather: float = GATHER,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalog = catalog
        self.notifier = notifier
        self.on_fired = on_fired
        self.gather = gather
        self.wake = asyncio.Event()

    async def next_due(self) -> datetime | None:
        async with self.uow_factory() as uow:
            return await uow.reminders.next_due_at()

    async def fire_due(self) -> None:
        await self.fire_all()

    async def fire_all(self) -> int:
        """Fire everything due now, oldest first; returns how many reminders were handled."""
        total = 0
        while True:
            handled, _ = await self._fire_batch()
            total += handled
            if handled < BATCH:
                break
        if total and self.on_fired is not None:
            self.on_fired()
        return total

    async def _fire_batch(self) -> tuple[int, datetime | None]:
        """One batch in one transaction; also returns the next due time after it, so the
        run loop needs no second query."""
        now = self.clock.now()
        try:
            async with self.uow_factory() as uow:
                due = await uow.reminders.due(now, BATCH)
                if due:
                    await self._fire(uow, due, now)
                next_at = await uow.reminders.next_due_at()
                if due:
                    await uow.commit()
            return len(due), next_at
        except Exception:
            log.exception("firing a batch of reminders failed; trying them one by one")
        async with self.uow_factory() as uow:
            due = await uow.reminders.due(now, BATCH)
        for reminder in due:
            await self._fire_alone(reminder, now)
        return len(due), None

    async def _fire(self, uow: UnitOfWork, due: list[Reminder], now: datetime) -> None:
        partnerships: dict[int, Partnership | None] = {}
        rooms: dict[int, list[Room]] = {}
        # read first, while nothing is written: the read cache can answer
        for pid in dict.fromkeys(r.partnership_id for r in due):
            partnerships[pid] = await uow.partnerships.get(pid)
            if partnerships[pid] is not None:
                rooms[pid] = await uow.rooms.of_partnership(pid)
        again: set[int] = set()
        for reminder in due:
            pid = reminder.partnership_id
            partnership = partnerships[pid]
            if partnership is None:
                await uow.reminders.mark_fired(reminder.id, "dropped", now)
                continue
            fired = await fire(uow, self.catalog, partnership, reminder, now, rooms[pid])
            if fired is not None:
                await self.notifier.publish(uow, [*fired.notices, *fired.events], now)
            if needs_replan(reminder):
                again.add(pid)
        for pid in sorted(again):
            partnership = partnerships[pid]
            assert partnership is not None
            await replan(uow, partnership, now)

    async def _fire_alone(self, reminder: Reminder, now: datetime) -> None:
        """A reminder that cannot be fired is dropped rather than blocking all others."""
        try:
            async with self.uow_factory() as uow:
                await self._fire(uow, [reminder], now)
                await uow.commit()
        except Exception:
            log.exception("reminder %s (%s) cannot be fired; dropped", reminder.id, reminder.kind)
            async with self.uow_factory() as uow:
                await uow.reminders.mark_fired(reminder.id, "dropped", now)
                await uow.commit()

    async def on_change(self, uow: UnitOfWork, partnership: Partnership) -> None:
        """A change hook: re-plan in the change's transaction, then wake the loop."""
        await replan(uow, partnership, self.clock.now())
        self.wake.set()

    async def plan_unplanned(self) -> int:
        """Plan partnerships that have no reminder yet; returns how many there were.

        Every change plans in its own transaction, so only partnerships made before reminders
        existed, or brought in by `partnerbot import`, are found here."""
        async with self.uow_factory() as uow:
            found = await uow.reminders.unplanned_partnerships()
        for partnership_id in found:
            async with self.uow_factory() as uow:
                partnership = await uow.partnerships.get(partnership_id)
                if partnership is not None:
                    await replan(uow, partnership, self.clock.now())
                    await uow.commit()
        return len(found)

    async def run(self) -> None:
        """Fire what is due, then sleep until the next due time (and `GATHER` more, for
        what falls due right after it) or a change; forever."""
        try:
            await self.plan_unplanned()
        except Exception:
            log.exception("planning the reminders of unplanned partnerships failed")
        while True:
            self.wake.clear()
            timeout = MAX_SLEEP
            try:
                handled, next_at = await self._fire_batch()
                if handled and self.on_fired is not None:
                    self.on_fired()
                if handled >= BATCH:
                    continue
                if next_at is not None:
                    wait = max(0.0, (next_at - self.clock.now()).total_seconds())
                    timeout = min(timeout, wait + self.gather)
            except Exception:
                log.exception("the reminder scheduler failed; trying again shortly")
                timeout = 5.0
            if timeout <= 0:
                continue
            try:
                await asyncio.wait_for(self.wake.wait(), timeout)
            except TimeoutError:
                continue
            await asyncio.sleep(SETTLE)
