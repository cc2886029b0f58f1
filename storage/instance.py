"""What belongs to this instance rather than to a partnership: the outbox of messages
to send, the platform events already handled, and the adapters' state."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import aliased

from bot.core.events import RoomRef
from bot.core.model import HandledEvent, OutboxMessage
from bot.core.reply import Reply
from storage.models import HandledEventRow, OutboxRow, StateRow
from storage.reply_codec import reply_from_json, reply_to_json
from storage.repository import SqlRepository


def _outbox(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        uid=row.uid,
        partnership_id=row.partnership_id,
        room=RoomRef(row.platform, row.external_id),
        reply=reply_from_json(row.payload),
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        attempts=row.attempts,
        status=row.status,
        last_error=row.last_error,
        answers=row.answers,
        kind=row.kind,
    )


_OLDER = aliased(OutboxRow)
_DUE = select(OutboxRow).where(
    OutboxRow.status == "pending",
    OutboxRow.next_attempt_at <= bindparam("now"),
    OutboxRow.id.not_in(bindparam("excluding", expanding=True)),
    ~select(_OLDER.id)
    .where(
        _OLDER.platform == OutboxRow.platform,
        _OLDER.external_id == OutboxRow.external_id,
        _OLDER.status == "pending",
        _OLDER.id < OutboxRow.id,
    )
    .exists(),
)
_DUE_ANYWHERE = _DUE.order_by(OutboxRow.id).limit(bindparam("limit"))
_DUE_ON = (
    _DUE.where(OutboxRow.platform.in_(bindparam("platforms", expanding=True)))
    .order_by(OutboxRow.id)
    .limit(bindparam("limit"))
)
"""`SqlOutbox.due`'s statements, built once: building the alias and the statement afresh
cost twice the CPU of running it (the delivery asks after every change)."""


class SqlOutbox(SqlRepository):
    async def add(
        self,
        partnership_id: int | None,
        room: RoomRef,
        reply: Reply,
        now: datetime,
        *,
        answers: str | None = None,
        kind: str = "message",
    ) -> str:
        uid = uuid.uuid4().hex
        table = OutboxRow.metadata.tables["outbox"]  # Core: the ORM's flush cost more
        await self.session.execute(
            insert(table).values(
                uid=uid,
                partnership_id=partnership_id,
                platform=room.platform,
                external_id=room.room_id,
                payload=reply_to_json(reply),
                created_at=now,
                next_attempt_at=now,
                attempts=0,
                status="pending",
                last_error="",
                answers=answers,
                kind=kind,
            )
        )
        return uid

    async def due(
        self,
        now: datetime,
        limit: int = 100,
        platforms: Sequence[str] | None = None,
        excluding: Sequence[int] = (),
    ) -> list[OutboxMessage]:
        """Due messages, but only the oldest pending one of each room: a room's messages
        arrive in the order they were written, retries included. None of `excluding`
        (being sent: decoding them again on every look cost more than the query)."""
        params = {"now": now, "limit": limit, "excluding": list(excluding)}
        query = _DUE_ANYWHERE
        if platforms is not None:
            query, params = _DUE_ON, {**params, "platforms": list(platforms)}
        rows = await self.session.scalars(query, params)
        return [_outbox(r) for r in rows]

    async def pending(self) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxRow).where(OutboxRow.status == "pending").order_by(OutboxRow.id)
        )
        return [_outbox(r) for r in rows]

    async def failed(self) -> list[OutboxMessage]:
        return await self._with_status("failed")

    async def parked(self) -> list[OutboxMessage]:
        return await self._with_status("parked")

    async def _with_status(self, status: str) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxRow).where(OutboxRow.status == status).order_by(OutboxRow.id)
        )
        return [_outbox(r) for r in rows]

    async def mark_sent(self, message_id: int, now: datetime, forget: bool = False) -> None:
        values: dict[str, object] = {"status": "sent", "sent_at": now}
        if forget:
            values["payload"] = reply_to_json(Reply(()))
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(attempts=OutboxRow.attempts + 1, **values)
        )

    async def mark_all_sent(self, message_ids: list[int], now: datetime, forget: bool) -> None:
        if not message_ids:
            return
        table = OutboxRow.metadata.tables["outbox"]  # Core: one executemany for all
        values: dict[str, object] = {"status": "sent", "sent_at": now}
        if forget:
            values["payload"] = reply_to_json(Reply(()))
        await self.session.execute(
            update(table)
            .where(table.c.id == bindparam("sent_id"))
            .values(attempts=table.c.attempts + 1, **values),
            [{"sent_id": i} for i in message_ids],
        )

    async def mark_retry(self, message_id: int, next_attempt_at: datetime, error: str) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(
                next_attempt_at=next_attempt_at,
                last_error=error[:1000],
                attempts=OutboxRow.attempts + 1,
            )
        )

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._give_up(message_id, "failed", error)

    async def mark_parked(self, message_id: int, error: str) -> None:
        await self._give_up(message_id, "parked", error)

    async def _give_up(self, message_id: int, status: str, error: str) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status=status, last_error=error[:1000], attempts=OutboxRow.attempts + 1)
        )

    async def next_due_at(self) -> datetime | None:
        value: datetime | None = await self.session.scalar(
            select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == "pending")
        )
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class SqlState(SqlRepository):
    async def get(self, key: str) -> str | None:
        row = await self.session.get(StateRow, key)
        return row.value if row else None

    async def put(self, key: str, value: str) -> None:
        row = await self.session.get(StateRow, key)
        if row is None:
            self.session.add(StateRow(key=key, value=value))
        else:
            row.value = value
        await self.session.flush()


class SqlHandledEvents(SqlRepository):
    async def find(self, platform: str, event_id: str) -> HandledEvent | None:
        row = await self.session.get(HandledEventRow, (platform, event_id))
        if row is None:
            return None
        return HandledEvent(row.platform, row.event_id, row.handled_at)

    async def add(self, event: HandledEvent) -> None:
        self.session.add(
            HandledEventRow(
                platform=event.platform, event_id=event.event_id, handled_at=event.handled_at
            )
        )
        await self.session.flush()

    async def prune(self, before: datetime) -> None:
        await self.session.execute(
            delete(HandledEventRow).where(HandledEventRow.handled_at < before)
        )
