"""The date poll repository's contract, method by method, on every backend, and the
in-memory one (`tests/fake_polls.py`) answering the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.events import Identity, RoomRef
from bot.core.model_polls import DateOption, DateVote
from bot.usecases.ports import UnitOfWorkFactory
from storage.database import Database
from tests.fakes import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


async def test_the_date_poll_repository(database: Database) -> None:
    """One scenario through every method (inline, so the coverage check sees the calls)."""

    async def scenario(factory: UnitOfWorkFactory) -> list[Any]:
        seen: list[Any] = []
        async with factory() as uow:
            p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
            other = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
            await uow.rooms.add(p.id, RoomRef("console", "main"), "main", NOW)
            member = await uow.members.add(p.id, "Kleve", NOW)
            anna = await uow.persons.add("anna", Identity("console", "anna"))
            bert = await uow.persons.add("bert", Identity("console", "bert"))
            options = (
                DateOption(1, NOW + 10 * DAY),
                DateOption(2, NOW + 12 * DAY, NOW + 12 * DAY + timedelta(hours=2)),
            )
            poll = await uow.date_polls.add(p.id, options, NOW + 5 * DAY, member.id, anna.id, NOW)
            await uow.commit()
        async with factory() as uow:
            seen.append(await uow.date_polls.latest(p.id))
            seen.append(await uow.date_polls.latest(other.id))
            await uow.date_polls.vote(DateVote(poll.id, anna.id, (2, 1), NOW, "matrix"))
            await uow.date_polls.vote(DateVote(poll.id, bert.id, (1,), NOW + DAY, "telegram"))
            await uow.date_polls.vote(DateVote(poll.id, anna.id, (2,), NOW + 2 * DAY, "console"))
            await uow.commit()
        async with factory() as uow:
            seen.append(await uow.date_polls.votes(poll.id))
            await uow.date_polls.withdraw(poll.id, bert.id)
            found = await uow.date_polls.get(poll.id)
            assert found is not None
            found.status, found.closed_at, found.proposal = "closed", NOW + 3 * DAY, 2
            await uow.date_polls.save(found)
            # not committed: nothing of it stays
        async with factory() as uow:
            seen.append(len(await uow.date_polls.votes(poll.id)))
            seen.append((await uow.date_polls.get(poll.id)).status)  # type: ignore[union-attr]
            await uow.date_polls.withdraw(poll.id, bert.id)
            found = await uow.date_polls.get(poll.id)
            assert found is not None
            found.status, found.closed_at, found.proposal = "closed", NOW + 3 * DAY, 2
            await uow.date_polls.save(found)
            second = await uow.date_polls.add(p.id, options, NOW + 6 * DAY, None, None, NOW + DAY)
            await uow.commit()
        async with factory() as uow:
            seen.append(await uow.date_polls.votes(poll.id))
            seen.append(await uow.date_polls.of_partnership(p.id))
            seen.append((await uow.date_polls.latest(p.id)).id == second.id)  # type: ignore[union-attr]
            seen.append(await uow.date_polls.get(second.id + 100))
        return seen

    seen = await scenario(database.uow)
    first, none, votes, *rest = seen
    assert first.options[1].ends_at == NOW + 12 * DAY + timedelta(hours=2)
    assert (first.status, first.deadline, first.created_by) == ("open", NOW + 5 * DAY, 1)
    assert none is None
    assert [(v.person_id, v.numbers, v.via) for v in votes] == [
        (2, (1,), "telegram"),
        (1, (2,), "console"),
    ]
    assert rest[:2] == [2, "open"]
    after, polls, newest_is_second, missing = rest[2:]
    assert [(v.person_id, v.numbers) for v in after] == [(1, (2,))]
    assert [(p.status, p.proposal, p.closed_at) for p in polls] == [
        ("closed", 2, NOW + 3 * DAY),
        ("open", None, None),
    ]
    assert newest_is_second and missing is None
    assert await scenario(FakeUnitOfWorkFactory()) == seen
