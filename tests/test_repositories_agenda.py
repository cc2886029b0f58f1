"""The contract of agenda items, minutes with their entries, and action items, on SQLite and
(when configured) on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import Identity
from bot.core.model import ActionItem, AgendaItem, MinuteEntry, Minutes
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def _partnership_with_meeting(database: Database) -> tuple[int, int, int, int]:
    """A partnership with member Kleve, person Anna and one meeting: their ids."""
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        kleve = await uow.members.add(p.id, "Kleve", NOW)
        anna = await uow.persons.add("Anna", Identity("console", "anna"))
        meeting = await uow.meetings.add(p.id, "uid-1", NOW + 7 * DAY, "Rathaus", NOW)
        await uow.commit()
    return p.id, kleve.id, anna.id, meeting.id


async def test_agenda_items_by_position_without_removed_ones(database: Database) -> None:
    p, kleve, anna, meeting = await _partnership_with_meeting(database)
    async with database.uow() as uow:
        budget = await uow.agenda.add(
            AgendaItem(0, p, "Haushalt 2027 – Überblick", "Finanzen", anna, kleve, 2, NOW)
        )
        welcome = await uow.agenda.add(
            AgendaItem(0, p, "Begrüßung", "", None, None, 1, NOW, not_before=NOW + DAY)
        )
        extra = await uow.agenda.add(AgendaItem(0, p, "Verschiedenes", "", None, None, 3, NOW))
        await uow.commit()
    assert budget.id and len({budget.id, welcome.id, extra.id}) == 3
    assert (budget.status, budget.meeting_id, budget.proposer_member_id) == ("open", None, kleve)
    async with database.uow() as uow:
        assert await uow.agenda.of_partnership(p) == [welcome, budget, extra]
        budget = replace(budget, text="Haushalt 2027/28", status="done", meeting_id=meeting)
        await uow.agenda.save(budget)
        await uow.agenda.save(replace(extra, status="removed"))
        await uow.agenda.save(replace(welcome, position=4, not_before=None))
        await uow.commit()
    async with database.uow() as uow:
        listed = await uow.agenda.of_partnership(p)
    assert listed == [budget, replace(welcome, position=4, not_before=None)]
    assert listed[0].done and listed[0].created_at == NOW


async def test_minutes_with_entries_in_the_order_taken(database: Database) -> None:
    p, kleve, anna, meeting = await _partnership_with_meeting(database)
    async with database.uow() as uow:
        later = await uow.meetings.add(p, "uid-2", NOW + 30 * DAY, "Burg", NOW)
        item = await uow.agenda.add(AgendaItem(0, p, "Haushalt", "", None, None, 1, NOW))
        minutes = await uow.minutes.add(Minutes(0, p, meeting, "open", "chat", NOW, anna))
        topic = await uow.minutes.add_entry(
            MinuteEntry(0, minutes.id, "topic", "Haushalt", anna, NOW, agenda_item_id=item.id)
        )
        decision = await uow.minutes.add_entry(
            MinuteEntry(0, minutes.id, "decision", "Angenommen", anna, NOW + DAY)
        )
        action = await uow.minutes.add_entry(
            MinuteEntry(
                0, minutes.id, "action", "Bericht", None, NOW, None, kleve, anna, date(2027, 1, 15)
            )
        )
        await uow.commit()
    assert minutes.open and minutes.ended_at is None and minutes.document == ""
    async with database.uow() as uow:
        assert await uow.minutes.for_meeting(meeting) == minutes
        assert await uow.minutes.for_meeting(later.id) is None
        assert await uow.minutes.entries(minutes.id) == [topic, decision, action]
        await uow.minutes.remove_entry(decision.id)
        minutes = replace(
            minutes, status="final", ended_at=NOW + DAY, document='{"titel": "Sitzung"}'
        )
        await uow.minutes.save(minutes)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.minutes.of_partnership(p) == [minutes]
        assert await uow.minutes.entries(minutes.id) == [topic, action]
        assert action.due == date(2027, 1, 15) and action.member_id == kleve
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.minutes.add(Minutes(0, p, meeting, "open", "chat", NOW, None))


async def test_action_items_are_numbered_per_partnership(database: Database) -> None:
    p, kleve, anna, meeting = await _partnership_with_meeting(database)
    async with database.uow() as uow:
        other = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        report = await uow.actions.add(
            ActionItem(
                0, p, 0, "Protokoll verschicken", kleve, anna, date(2027, 1, 15), meeting, NOW
            )
        )
        room = await uow.actions.add(
            ActionItem(0, p, 0, "Raum buchen", None, None, None, None, NOW)
        )
        elsewhere = await uow.actions.add(
            ActionItem(0, other.id, 0, "Anderswo", None, None, None, None, NOW)
        )
        await uow.commit()
    assert (report.number, room.number, elsewhere.number) == (1, 2, 1)
    async with database.uow() as uow:
        assert await uow.actions.of_partnership(p) == [report, room]
        report = replace(report, text="Protokoll senden", done_at=NOW + DAY, done_by=anna)
        await uow.actions.save(report)
        await uow.commit()
    async with database.uow() as uow:
        done, still = await uow.actions.of_partnership(p)
        assert done == report and not done.open and still.open
        assert await uow.actions.of_partnership(other.id) == [elsewhere]
