"""Each kind's rule for a reminder fired late (the bot was down), pinned at its boundary:
exactly at the limit it is still sent, a second later it is dropped."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.core.model import Reminder
from storage.database import Database
from tests.harness import ConsoleBot
from tests.test_reminders import BERLIN, SETUP


@pytest.fixture(autouse=True)
def _no_crash(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every reminder is sent or dropped by its kind's rule, never by the scheduler's safety
    net for a reminder that crashes (which logs an error and drops it too)."""
    yield
    assert [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR] == []


SECOND = timedelta(seconds=1)
LATE = pytest.mark.parametrize(("after", "status"), [(timedelta(0), "sent"), (SECOND, "dropped")])


async def started(database: Database, script: str) -> ConsoleBot:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + script)
    return bot


async def fire_at(bot: ConsoleBot, when: datetime) -> list[str]:
    """Jump to `when` (the bot was down since) and fire what is due, as after a restart."""
    start = len(bot.output)
    bot.clock.set(when)
    await bot.scheduler.fire_all()
    await bot.delivery.deliver_due()
    return bot.output[start:]


async def find(database: Database, kind: str, due: str) -> Reminder:
    """The reminder of `kind` due at the local time `due` (dd.mm.yyyy hh:mm)."""
    async with database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    (found,) = [
        r
        for r in rows
        if r.kind == kind
        and r.status == "pending"
        and r.due_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M") == due
    ]
    return found


async def _status(database: Database, reminder: Reminder) -> str:
    async with database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    return next(r.status for r in rows if r.id == reminder.id)


def local(text: str) -> datetime:
    return datetime.strptime(text, "%d.%m.%Y %H:%M").replace(tzinfo=BERLIN)


@LATE
async def test_an_adhoc_reminder_is_sent_up_to_a_day_late(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "@bernd: /erinnern morgen 10 Uhr Bericht schicken")
    reminder = await find(sqlite_database, "adhoc", "24.11.2026 10:00")
    out = await fire_at(bot, local("25.11.2026 10:00") + after)
    sent = [m for m in out if "Bericht schicken" in m]
    assert await _status(sqlite_database, reminder) == status
    assert sent == (
        [
            "[main] bot: Erinnerung von bernd: Bericht schicken\n"
            "  (verspätet – fällig war Di., 24.11.2026, 10:00)"
        ]
        if not after
        else []
    )


@LATE
async def test_schedule_next_is_sent_up_to_six_days_late(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "")
    reminder = await find(sqlite_database, "schedule_next", "30.11.2026 09:00")
    await fire_at(bot, local("06.12.2026 09:00") + after)
    assert await _status(sqlite_database, reminder) == status


@LATE
async def test_minutes_due_is_sent_up_to_seven_days_late(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30")
    first = await find(sqlite_database, "minutes_due", "27.11.2026 10:00")
    second = await find(sqlite_database, "minutes_due", "04.12.2026 10:00")
    out = await fire_at(bot, local("04.12.2026 10:00") + after)
    assert await _status(sqlite_database, first) == status
    assert await _status(sqlite_database, second) == "sent"
    assert len([m for m in out if "Das Protokoll des Treffens" in m]) == (2 if not after else 1)


@LATE
async def test_an_action_item_is_reminded_up_to_a_day_after_its_due_date(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(
        sqlite_database,
        "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:00\n@bernd: /sitzungsbeginn\n"
        "@bernd: /aufgabe carla Entwurf schicken bis 1.12.2026\n@bernd: /sitzungsende",
    )
    before = await find(sqlite_database, "action_due", "28.11.2026 09:00")
    on_the_day = await find(sqlite_database, "action_due", "01.12.2026 09:00")
    out = await fire_at(bot, local("02.12.2026 09:00") + after)
    assert await _status(sqlite_database, before) == status
    assert await _status(sqlite_database, on_the_day) == status
    assert len([m for m in out if "Entwurf schicken" in m]) == (2 if not after else 0)


@pytest.mark.parametrize(("after", "status"), [(-SECOND, "sent"), (timedelta(0), "dropped")])
async def test_the_agenda_deadline_reminder_is_dropped_once_the_deadline_passed(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "@anna: /termin 10.12. 14 Uhr")
    reminder = await find(sqlite_database, "agenda_deadline", "01.12.2026 14:00")
    await fire_at(bot, local("03.12.2026 14:00") + after)
    assert await _status(sqlite_database, reminder) == status


@pytest.mark.parametrize(("after", "status"), [(-SECOND, "sent"), (timedelta(0), "dropped")])
async def test_the_agenda_posted_reminder_is_dropped_once_the_meeting_started(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "@anna: /termin 10.12. 14 Uhr")
    reminder = await find(sqlite_database, "agenda_posted", "03.12.2026 14:00")
    await fire_at(bot, local("10.12.2026 14:00") + after)
    assert await _status(sqlite_database, reminder) == status


@pytest.mark.parametrize(("after", "status"), [(-SECOND, "sent"), (timedelta(0), "dropped")])
async def test_the_meeting_ahead_reminder_is_dropped_once_the_meeting_started(
    sqlite_database: Database, after: timedelta, status: str
) -> None:
    bot = await started(sqlite_database, "@anna: /termin 10.12. 14 Uhr")
    reminder = await find(sqlite_database, "meeting_ahead", "09.12.2026 14:00")
    await fire_at(bot, local("10.12.2026 14:00") + after)
    assert await _status(sqlite_database, reminder) == status


# --- a reminder whose subject changed under it ---------------------------------------------

STALE = {
    "action done": ("action_due", {"action": 2, "due": "2026-12-01", "days": 0}),
    "action moved": ("action_due", {"action": 1, "due": "2026-12-14", "days": 0}),
    "action unknown": ("action_due", {"action": 99, "due": "2026-12-15", "days": 0}),
    "meeting moved": ("meeting_ahead", {"meeting": 2, "starts_at": "20261210T1200Z", "days": 1}),
    "meeting unknown": ("meeting_ahead", {"meeting": 99, "starts_at": "20261210T1300Z", "days": 1}),
    "meeting held": ("meeting_ahead", {"meeting": 1, "starts_at": "20261124T0900Z", "days": 1}),
    "deadline moved": ("agenda_deadline", {"meeting": 2, "deadline": "20261203T1200Z", "days": 2}),
    "deadline unknown": ("agenda_deadline", {"meeting": 99, "deadline": "20261203T1300Z", "days": 2}),
    "agenda moved": ("agenda_posted", {"meeting": 2, "deadline": "20261203T1200Z"}),
    "agenda unknown": ("agenda_posted", {"meeting": 99, "deadline": "20261203T1300Z"}),
    "minutes written": ("minutes_due", {"meeting": 1, "days": 3}),
    "minutes not held": ("minutes_due", {"meeting": 2, "days": 3}),
    "minutes unknown": ("minutes_due", {"meeting": 99, "days": 3}),
    "schedule set": ("schedule_next", {"member": 1}),
}  # fmt: skip
"""Reminders the state no longer wants, as a race with a change or a row written by an older
version could leave them pending: each kind's rule drops them (without a crash)."""


async def test_a_reminder_whose_subject_changed_is_dropped(sqlite_database: Database) -> None:
    bot = await started(
        sqlite_database,
        "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:00\n@bernd: /sitzungsbeginn\n"
        "@bernd: /aufgabe Goch Angebote einholen bis 15.12.2026\n"
        "@bernd: /aufgabe carla Entwurf schicken bis 1.12.2026\n@bernd: /sitzungsende\n"
        "@carla: /erledigt 2\n@anna: /termin 10.12. 14 Uhr\n:time 2026-11-30 10:00",
    )
    now = bot.clock.now()
    async with sqlite_database.uow() as uow:
        for key, (kind, payload) in STALE.items():
            await uow.reminders.add(1, kind, key, now, payload, now)
        await uow.commit()
    out = await fire_at(bot, now + timedelta(minutes=1))
    async with sqlite_database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    assert {r.key: r.status for r in rows if r.key in STALE} == dict.fromkeys(STALE, "dropped")
    assert out == []
