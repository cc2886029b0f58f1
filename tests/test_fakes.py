"""The in-memory unit of work (`tests/fakes.py`): that it is a `UnitOfWork`, that commit and
rollback mean what they mean in SQL, and that it answers like the SQL repositories (the
same scenario run against both gives the same results)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import Identity, RoomRef
from bot.core.model import ActionItem, AgendaItem
from bot.core.reply import Paragraph, Reply
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory
from storage.database import Database
from tests.fakes import FakeIntegrityError, FakeUnitOfWork, FakeUnitOfWorkFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNA = Identity("matrix", "@anna:example.org")

Scenario = Callable[[UnitOfWorkFactory], Awaitable[Any]]


def test_the_fake_is_a_unit_of_work() -> None:
    uow: UnitOfWork = FakeUnitOfWork()
    factory: UnitOfWorkFactory = FakeUnitOfWorkFactory()
    assert uow.changed is False
    assert isinstance(factory(), FakeUnitOfWork)


async def test_rollback_discards_what_was_written_since_the_last_commit() -> None:
    uow = FakeUnitOfWork()
    p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
    await uow.members.add(p.id, "Köln", NOW)
    assert uow.changed
    await uow.commit()
    assert not uow.changed
    await uow.members.add(p.id, "Bonn", NOW)
    await uow.audit.add(p.id, None, "member.add", "{}", NOW)
    await uow.rollback()
    assert not uow.changed
    assert [m.name for m in await uow.members.of_partnership(p.id)] == ["Köln"]
    assert await uow.audit.of_partnership(p.id) == []
    # The id of what was rolled back is given again, as SQLite does.
    assert (await uow.members.add(p.id, "Bonn", NOW)).id == 2


async def test_units_of_one_factory_share_what_is_committed_and_nothing_else() -> None:
    factory = FakeUnitOfWorkFactory()
    async with factory() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        await uow.commit()
        await uow.members.add(p.id, "Köln", NOW)
    async with factory() as uow:
        assert await uow.partnerships.get(p.id) == p
        assert await uow.members.of_partnership(p.id) == []
        assert not uow.changed


async def test_reads_hand_out_copies_and_only_save_keeps_a_change() -> None:
    uow = FakeUnitOfWork()
    p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
    meeting = await uow.meetings.add(p.id, "u1", NOW + timedelta(days=9), "", NOW)
    meeting.place = "Rathaus"
    assert (await uow.meetings.of_partnership(p.id))[0].place == ""
    await uow.meetings.save(meeting)
    assert (await uow.meetings.of_partnership(p.id))[0].place == "Rathaus"


async def test_naive_datetimes_are_refused_and_others_come_back_in_utc() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ValueError):
        await uow.partnerships.add("A", "de", "Europe/Berlin", datetime(2026, 1, 1))  # noqa: DTZ001
    berlin = NOW.astimezone(ZoneInfo("Europe/Berlin"))
    p = await uow.partnerships.add("A", "de", "Europe/Berlin", berlin)
    assert p.created_at.tzinfo is UTC and p.created_at == NOW


# The contract: each scenario runs against the fake and against SQLite; the answers agree.


async def _both(database: Database, scenario: Scenario) -> Any:
    fake = await scenario(FakeUnitOfWorkFactory())
    real = await scenario(database.uow)
    assert fake == real
    return fake


async def _partnership(uow: UnitOfWork, name: str = "A") -> int:
    return (await uow.partnerships.add(name, "de", "Europe/Berlin", NOW)).id


async def test_contract_meetings_by_start_time(sqlite_database: Database) -> None:
    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        async with uow_factory() as uow:
            p = await _partnership(uow)
            late = await uow.meetings.add(p, "late", NOW + timedelta(days=30), "", NOW)
            await uow.meetings.add(p, "early", NOW + timedelta(days=3), "Rathaus", NOW)
            await uow.meetings.add(p, "same", NOW + timedelta(days=30), "", NOW)
            late.status, late.sequence, late.cancel_reason = "cancelled", 1, "Ferien"
            late.uid = "ignored by save"
            await uow.meetings.save(late)
            await uow.commit()
        async with uow_factory() as uow:
            return await uow.meetings.of_partnership(p)

    meetings = await _both(sqlite_database, scenario)
    assert [(m.id, m.uid, m.status) for m in meetings] == [
        (2, "early", "scheduled"),
        (1, "late", "cancelled"),
        (3, "same", "scheduled"),
    ]


async def test_contract_members_and_contacts(sqlite_database: Database) -> None:
    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        async with uow_factory() as uow:
            p, other = await _partnership(uow), await _partnership(uow, "B")
            koeln = await uow.members.add(p, "Köln", NOW)
            bonn = await uow.members.add(p, "Bonn", NOW)
            await uow.members.add(other, "Köln", NOW)
            bonn.left_at = NOW + timedelta(days=1)
            await uow.members.save(bonn)
            anna = await uow.persons.add("Anna", ANNA)
            first = await uow.contacts.add(koeln.id, anna.id, NOW)
            await uow.contacts.add(bonn.id, anna.id, NOW)
            await uow.contacts.end(first.id, NOW + timedelta(hours=1))
            await uow.coordinators.add(p, anna.id, NOW)
            await uow.commit()
        async with uow_factory() as uow:
            found = (
                await uow.members.of_partnership(p),
                await uow.contacts.active_of_partnership(p),
                await uow.coordinators.of_partnership(p),
                await uow.persons.by_identity(ANNA),
            )
            with pytest.raises((IntegrityError, FakeIntegrityError)):
                await uow.members.add(p, "Koeln", NOW)  # the same name, spelled otherwise
            return found

    members, contacts, coordinators, anna = await _both(sqlite_database, scenario)
    assert [(m.name, m.active) for m in members] == [("Köln", True), ("Bonn", False)]
    assert [(c.member_id, c.until) for c in contacts] == [(2, None)]
    assert coordinators == [anna.id]


async def test_contract_outbox_gives_the_oldest_pending_message_of_each_room(
    sqlite_database: Database,
) -> None:
    one, two = RoomRef("matrix", "!one:e.org"), RoomRef("telegram", "-100")

    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        async with uow_factory() as uow:
            p = await _partnership(uow)
            for n, room in enumerate((one, one, two, one)):
                await uow.outbox.add(p, room, Reply.of(Paragraph.of(f"message {n}")), NOW)
            await uow.commit()
        steps: list[Any] = []
        async with uow_factory() as uow:
            due = await uow.outbox.due(NOW)
            steps.append([(m.id, m.reply) for m in due])
            await uow.outbox.mark_retry(due[0].id, NOW + timedelta(seconds=10), "x" * 2000)
            await uow.outbox.mark_sent(due[1].id, NOW)
            steps.append([m.id for m in await uow.outbox.due(NOW + timedelta(seconds=5))])
            steps.append(await uow.outbox.next_due_at())
            (retry,) = await uow.outbox.due(NOW + timedelta(seconds=10))
            steps.append((retry.id, retry.attempts, len(retry.last_error)))
            await uow.outbox.mark_failed(retry.id, "gone")
            steps.append([m.id for m in await uow.outbox.due(NOW + timedelta(seconds=10))])
            steps.append([(m.id, m.status, m.attempts) for m in await uow.outbox.failed()])
            steps.append([m.id for m in await uow.outbox.pending()])
        return steps

    steps = await _both(sqlite_database, scenario)
    assert steps[0] == [
        (1, Reply.of(Paragraph.of("message 0"))),
        (3, Reply.of(Paragraph.of("message 2"))),
    ]
    assert steps[1] == []
    assert steps[3] == (1, 1, 1000)
    assert steps[4] == [2]


async def test_contract_reminders_unique_per_kind_and_key(sqlite_database: Database) -> None:
    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        async with uow_factory() as uow:
            p, other = await _partnership(uow), await _partnership(uow, "B")
            await uow.reminders.add(p, "meeting", "1:7", NOW + timedelta(days=2), {"b": (1,)}, NOW)
            await uow.reminders.add(p, "meeting", "1:1", NOW + timedelta(days=1), {"a": 1}, NOW)
            await uow.reminders.add(p, "agenda", "1:1", NOW + timedelta(days=3), {}, NOW)
            await uow.commit()
        steps: list[Any] = []
        async with uow_factory() as uow:
            steps.append(await uow.reminders.unplanned_partnerships() == [other])
            steps.append(await uow.reminders.of_partnership(p))
            steps.append(await uow.reminders.due(NOW + timedelta(days=2)))
            steps.append(await uow.reminders.mark_fired(2, "sent", NOW + timedelta(days=1)))
            steps.append(await uow.reminders.mark_fired(2, "sent", NOW + timedelta(days=1)))
            await uow.reminders.cancel([1, 2])
            await uow.reminders.replan(3, NOW + timedelta(days=4), {"c": [2]})
            steps.append(await uow.reminders.of_partnership(p, ["cancelled", "sent"]))
            steps.append(await uow.reminders.next_due_at())
            await uow.commit()
        async with uow_factory() as uow:
            with pytest.raises((IntegrityError, FakeIntegrityError)):
                await uow.reminders.add(p, "meeting", "1:7", NOW, {}, NOW)
        return steps

    steps = await _both(sqlite_database, scenario)
    assert [r.id for r in steps[1]] == [2, 1, 3]
    assert steps[1][1].payload == {"b": [1]}
    assert steps[3:5] == [True, False]
    assert [(r.id, r.status) for r in steps[5]] == [(2, "sent"), (1, "cancelled")]
    assert steps[6] == NOW + timedelta(days=4)


async def test_contract_action_numbers_and_agenda_order(sqlite_database: Database) -> None:
    def action(partnership_id: int, text: str) -> ActionItem:
        return ActionItem(0, partnership_id, 99, text, None, None, date(2026, 4, 1), None, NOW)

    def item(partnership_id: int, text: str, position: int) -> AgendaItem:
        return AgendaItem(0, partnership_id, text, "", None, None, position, NOW)

    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        async with uow_factory() as uow:
            p, other = await _partnership(uow), await _partnership(uow, "B")
            first = await uow.actions.add(action(p, "Protokoll"))
            await uow.actions.add(action(other, "Saal"))
            await uow.actions.add(action(p, "Einladung"))
            first.done_at, first.done_by, first.number = NOW, None, 7
            await uow.actions.save(first)
            top = await uow.agenda.add(item(p, "Haushalt", 2))
            await uow.agenda.add(item(p, "Feuerwehr", 1))
            gone = await uow.agenda.add(item(p, "Gestrichen", 0))
            gone.status = "removed"
            await uow.agenda.save(gone)
            top.carried_over, top.proposer = True, "Köln"
            await uow.agenda.save(top)
            await uow.commit()
        async with uow_factory() as uow:
            return (
                await uow.actions.of_partnership(p),
                await uow.actions.of_partnership(other),
                await uow.agenda.of_partnership(p),
            )

    mine, theirs, agenda = await _both(sqlite_database, scenario)
    assert [(a.number, a.text, a.open) for a in mine] == [
        (1, "Protokoll", False),
        (2, "Einladung", True),
    ]
    assert [a.number for a in theirs] == [1]
    assert [(i.text, i.proposer) for i in agenda] == [("Feuerwehr", ""), ("Haushalt", "")]
    assert dataclasses.asdict(agenda[1])["carried_over"] is False


async def test_contract_changed_and_rollback(sqlite_database: Database) -> None:
    async def scenario(uow_factory: UnitOfWorkFactory) -> Any:
        flags: list[Any] = []
        async with uow_factory() as uow:
            p = await _partnership(uow)
            await uow.commit()
            flags.append(uow.changed)
            await uow.meetings.of_partnership(p)
            await uow.presence.of_partnership(p)
            flags.append(uow.changed)  # reading writes nothing
            await uow.members.add(p, "Köln", NOW)
            flags.append(uow.changed)
            await uow.rollback()
            flags.append(uow.changed)
            flags.append(await uow.members.of_partnership(p))
            await uow.audit.add(p, None, "x", "{}", NOW)
        async with uow_factory() as uow:
            flags.append(await uow.audit.of_partnership(p))  # left without commit: gone
        return flags

    assert await _both(sqlite_database, scenario) == [False, False, True, False, [], []]
