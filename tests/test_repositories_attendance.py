"""The contract of replies to meeting invitations, on SQLite and (when configured) on
PostgreSQL: one row per meeting and person, the latest answer replacing the one before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.attendance import MeetingReply
from bot.core.events import Identity
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_the_latest_answer_per_person_replaces_the_one_before(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        first = await uow.meetings.add(p.id, "uid-1", NOW + 10 * DAY, "Rathaus", NOW)
        second = await uow.meetings.add(p.id, "uid-2", NOW + 20 * DAY, "Rathaus", NOW)
        anna = await uow.persons.add("Anna", Identity("matrix", "@anna:example.org"))
        bernd = await uow.persons.add("Bernd", Identity("telegram", "1002"))
        assert await uow.replies.of_meetings([]) == []
        await uow.replies.put(MeetingReply(first.id, anna.id, "no", first.starts_at, NOW))
        await uow.replies.put(MeetingReply(first.id, bernd.id, "maybe", first.starts_at, NOW))
        await uow.replies.put(MeetingReply(second.id, anna.id, "yes", second.starts_at, NOW))
        await uow.commit()
    later = NOW + timedelta(hours=2)
    async with database.uow() as uow:
        await uow.replies.put(MeetingReply(first.id, anna.id, "yes", first.starts_at, later))
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.replies.of_meetings([first.id])
        both = await uow.replies.of_meetings([first.id, second.id])
    assert found == [
        MeetingReply(first.id, bernd.id, "maybe", first.starts_at, NOW),
        MeetingReply(first.id, anna.id, "yes", first.starts_at, later),
    ]
    assert all(r.at.tzinfo is not None for r in both) and len(both) == 3
    # nothing is kept without a commit
    async with database.uow() as uow:
        await uow.replies.put(MeetingReply(second.id, bernd.id, "no", second.starts_at, NOW))
    async with database.uow() as uow:
        assert [r.person_id for r in await uow.replies.of_meetings([second.id])] == [anna.id]
