"""The contract of meetings, rotation overrides and reminders, on SQLite and (when
configured) on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import Identity
from bot.core.model import ReminderSetting, RotationOverride
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


async def test_meetings_come_by_start_time_and_keep_what_is_saved(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        other = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        kleve = await uow.members.add(p.id, "Kleve", NOW)
        late = await uow.meetings.add(p.id, "uid-late", NOW + 20 * DAY, "Rathaus", NOW)
        early = await uow.meetings.add(p.id, "uid-early", NOW + 10 * DAY, "Stadthalle", NOW)
        await uow.commit()
    assert (early.status, early.sequence, early.cancel_reason, early.host_member_id) == (
        "scheduled",
        0,
        "",
        None,
    )
    assert early.created_at == early.updated_at == NOW
    async with database.uow() as uow:
        assert await uow.meetings.of_partnership(p.id) == [early, late]
        assert await uow.meetings.of_partnership(other.id) == []
        early.starts_at, early.place, early.sequence = NOW + 30 * DAY, "Burg 🏰", 1
        early.host_member_id, early.updated_at = kleve.id, NOW + HOUR
        late.status, late.cancel_reason = "cancelled", "Hochwasser"
        await uow.meetings.save(early)
        await uow.meetings.save(late)
        await uow.commit()
    async with database.uow() as uow:
        listed = await uow.meetings.of_partnership(p.id)
    assert listed == [late, early]
    assert listed[0].cancelled and listed[1].created_at == NOW
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.meetings.add(other.id, "uid-late", NOW, "", NOW)


async def test_a_meetings_details_are_kept(database: Database) -> None:
    """End, address, online link, the delegated minute-taker and when the host was fixed."""
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        goch = await uow.members.add(p.id, "Goch", NOW)
        carla = await uow.persons.add("Carla", Identity("console", "carla"))
        meeting = await uow.meetings.add(p.id, "uid-1", NOW + DAY, "Rathaus Goch", NOW)
        assert (meeting.ends_at, meeting.address, meeting.online_url) == (None, "", "")
        assert (meeting.minute_taker_person_id, meeting.host_fixed_at) == (None, None)
        meeting.ends_at = NOW + DAY + 2 * HOUR
        meeting.address = "Markt 2, 47574 Goch"
        meeting.online_url = "https://meet.example.org/klima?x=1&y=ä"
        meeting.minute_taker_person_id = carla.id
        meeting.host_member_id, meeting.host_fixed_at = goch.id, NOW + HOUR
        await uow.meetings.save(meeting)
        await uow.commit()
    async with database.uow() as uow:
        (kept,) = await uow.meetings.of_partnership(p.id)
    assert kept == meeting


async def test_overrides_are_kept_oldest_first(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        kleve = await uow.members.add(p.id, "Kleve", NOW)
        goch = await uow.members.add(p.id, "Goch", NOW)
        anna = await uow.persons.add("Anna", Identity("console", "anna"))
        later = await uow.overrides.add(
            p.id, "swap", kleve.id, goch.id, "Tausch", anna.id, NOW + HOUR
        )
        first = await uow.overrides.add(p.id, "skip", goch.id, None, "Halle belegt", None, NOW)
        await uow.commit()
    assert first == RotationOverride(
        first.id, p.id, "skip", goch.id, None, "Halle belegt", None, NOW
    )
    async with database.uow() as uow:
        assert await uow.overrides.of_partnership(p.id) == [first, later]
        assert later.actor_id == anna.id and later.other_member_id == goch.id


async def test_reminders_are_planned_fired_cancelled_and_replanned(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        unplanned = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        await uow.reminders.add(p.id, "meeting", "1:-1440", NOW + 2 * HOUR, {"gruß": "Hallo"}, NOW)
        await uow.reminders.add(p.id, "meeting", "1:-60", NOW + HOUR, {"meeting": 1}, NOW)
        await uow.reminders.add(p.id, "agenda", "1", NOW + 3 * HOUR, {}, NOW)
        await uow.commit()
    async with database.uow() as uow:
        planned = await uow.reminders.of_partnership(p.id)
        assert [r.key for r in planned] == ["1:-60", "1:-1440", "1"]
        soon, later, last = planned
        assert (later.kind, later.payload, later.status) == (
            "meeting",
            {"gruß": "Hallo"},
            "pending",
        )
        assert later.created_at == NOW and later.fired_at is None
        assert await uow.reminders.unplanned_partnerships() == [unplanned.id]
        assert await uow.reminders.next_due_at() == NOW + HOUR
        assert await uow.reminders.due(NOW) == []
        assert [r.id for r in await uow.reminders.due(NOW + 2 * HOUR)] == [soon.id, later.id]
        assert [r.id for r in await uow.reminders.due(NOW + 2 * HOUR, limit=1)] == [soon.id]
        assert await uow.reminders.mark_fired(soon.id, "sent", NOW + HOUR) is True
        assert await uow.reminders.mark_fired(soon.id, "sent", NOW + HOUR) is False
        await uow.reminders.cancel([later.id])
        await uow.reminders.cancel([])
        await uow.commit()
    async with database.uow() as uow:
        assert [r.id for r in await uow.reminders.of_partnership(p.id, ["pending"])] == [last.id]
        done = await uow.reminders.of_partnership(p.id, ["sent", "cancelled"])
        assert [(r.id, r.status) for r in done] == [(soon.id, "sent"), (later.id, "cancelled")]
        assert done[0].fired_at == NOW + HOUR
        assert await uow.reminders.mark_fired(later.id, "sent", NOW) is False
        assert await uow.reminders.next_due_at() == NOW + 3 * HOUR
        await uow.reminders.replan(soon.id, NOW + 4 * HOUR, {"meeting": 1, "neu": True})
        await uow.commit()
    async with database.uow() as uow:
        (again,) = [r for r in await uow.reminders.of_partnership(p.id) if r.id == soon.id]
        assert (again.status, again.due_at, again.fired_at) == ("pending", NOW + 4 * HOUR, None)
        assert again.payload == {"meeting": 1, "neu": True}
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.reminders.add(p.id, "meeting", "1:-60", NOW, {}, NOW)


async def test_reminder_settings_are_kept_per_kind(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        assert await uow.reminders.settings(p.id) == []
        await uow.reminders.save_setting(ReminderSetting(p.id, "meeting", True, (1440, 60)))
        await uow.reminders.save_setting(ReminderSetting(p.id, "agenda", False, ()))
        await uow.commit()
    async with database.uow() as uow:
        assert sorted(await uow.reminders.settings(p.id), key=lambda s: s.kind) == [
            ReminderSetting(p.id, "agenda", False, ()),
            ReminderSetting(p.id, "meeting", True, (1440, 60)),
        ]
        await uow.reminders.save_setting(ReminderSetting(p.id, "meeting", False, (30,)))
        await uow.commit()
    async with database.uow() as uow:
        assert sorted(await uow.reminders.settings(p.id), key=lambda s: s.kind) == [
            ReminderSetting(p.id, "agenda", False, ()),
            ReminderSetting(p.id, "meeting", False, (30,)),
        ]
