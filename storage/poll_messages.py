"""Where the bot's polls were posted: `PollMessageRepository` in SQL."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, update

from bot.core.events import RoomRef
from bot.core.poll_messages import PollMessage
from storage.models_poll_messages import PollMessageRow
from storage.repository import SqlRepository


def _message(row: PollMessageRow) -> PollMessage:
    keys = json.loads(row.answer_keys)
    return PollMessage(
        RoomRef(row.platform, row.external_id),
        row.poll_key,
        row.poll_id,
        row.message_id,
        tuple(str(k) for k in keys),
        row.posted_at,
        row.closed_at,
    )


class SqlPollMessages(SqlRepository):
    async def add(self, message: PollMessage) -> None:
        self.session.add(
            PollMessageRow(
                platform=message.room.platform,
                external_id=message.room.room_id,
                poll_key=message.poll_key,
                poll_id=message.poll_id,
                message_id=message.message_id,
                answer_keys=json.dumps(list(message.answer_keys)),
                posted_at=message.posted_at,
                closed_at=message.closed_at,
            )
        )
        await self.session.flush()

    async def find(self, room: RoomRef, poll_key: str) -> PollMessage | None:
        row = await self.session.scalar(
            select(PollMessageRow).where(
                PollMessageRow.platform == room.platform,
                PollMessageRow.external_id == room.room_id,
                PollMessageRow.poll_key == poll_key,
            )
        )
        return _message(row) if row is not None else None

    async def by_poll_id(self, platform: str, poll_id: str) -> PollMessage | None:
        row = await self.session.scalar(
            select(PollMessageRow)
            .where(PollMessageRow.platform == platform, PollMessageRow.poll_id == poll_id)
            .order_by(PollMessageRow.id)
            .limit(1)
        )
        return _message(row) if row is not None else None

    async def open_in(self, room: RoomRef) -> list[PollMessage]:
        rows = await self.session.scalars(
            select(PollMessageRow)
            .where(
                PollMessageRow.platform == room.platform,
                PollMessageRow.external_id == room.room_id,
                PollMessageRow.closed_at.is_(None),
            )
            .order_by(PollMessageRow.id)
        )
        return [_message(r) for r in rows]

    async def mark_closed(self, room: RoomRef, poll_key: str, now: datetime) -> None:
        await self.session.execute(
            update(PollMessageRow)
            .where(
                PollMessageRow.platform == room.platform,
                PollMessageRow.external_id == room.room_id,
                PollMessageRow.poll_key == poll_key,
            )
            .values(closed_at=now)
        )
