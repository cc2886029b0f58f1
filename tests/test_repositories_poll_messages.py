"""Where the bot's polls were posted, on SQLite and PostgreSQL: found by room and key (a poll
is never posted twice in a room) and by the platform's poll id (votes), open ones per room,
and ended ones marked; in the fake unit of work alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import RoomRef
from bot.core.poll_messages import PollMessage
from bot.usecases.ports import UnitOfWorkFactory
from storage.database import Database
from tests.fake_tables import FakeIntegrityError
from tests.fakes import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MATRIX = RoomRef("matrix", "!raum:example.org")
TELEGRAM = RoomRef("telegram", "-1001000000042")


def posted(room: RoomRef, key: str, poll_id: str, message_id: str) -> PollMessage:
    return PollMessage(room, key, poll_id, message_id, ("1", "2", "3"), NOW)


async def test_poll_messages_in_sql_and_in_the_fake(database: Database) -> None:
    async def check_contract(uow_factory: UnitOfWorkFactory, duplicate: type[Exception]) -> None:
        async with uow_factory() as uow:
            await uow.poll_messages.add(posted(MATRIX, "datepoll:1", "$start1", "$start1"))
            await uow.poll_messages.add(posted(TELEGRAM, "datepoll:1", "5000000000000000001", "17"))
            await uow.poll_messages.add(posted(MATRIX, "datepoll:2", "$start2", "$start2"))
            await uow.commit()
        async with uow_factory() as uow:
            found = await uow.poll_messages.find(TELEGRAM, "datepoll:1")
            assert found == posted(TELEGRAM, "datepoll:1", "5000000000000000001", "17")
            assert found.posted_at.tzinfo is not None
            by_id = await uow.poll_messages.by_poll_id("matrix", "$start2")
            assert by_id is not None and (by_id.room, by_id.poll_key) == (MATRIX, "datepoll:2")
            assert await uow.poll_messages.by_poll_id("telegram", "$start2") is None
            assert await uow.poll_messages.find(TELEGRAM, "datepoll:2") is None
            assert [m.poll_key for m in await uow.poll_messages.open_in(MATRIX)] == [
                "datepoll:1",
                "datepoll:2",
            ]
            await uow.poll_messages.mark_closed(MATRIX, "datepoll:1", NOW + timedelta(days=7))
            await uow.commit()
        async with uow_factory() as uow:
            assert [m.poll_key for m in await uow.poll_messages.open_in(MATRIX)] == ["datepoll:2"]
            ended = await uow.poll_messages.find(MATRIX, "datepoll:1")
            assert ended is not None and ended.closed_at == NOW + timedelta(days=7)
        with pytest.raises(duplicate):
            async with uow_factory() as uow:
                await uow.poll_messages.add(posted(MATRIX, "datepoll:1", "$again", "$again"))

    await check_contract(database.uow, IntegrityError)
    await check_contract(FakeUnitOfWorkFactory(), FakeIntegrityError)
