"""Replies to meeting invitations: the latest answer per meeting and person."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from bot.core.attendance import MeetingReply
from storage.models_attendance import MeetingReplyRow
from storage.repository import SqlRepository


def _reply(row: MeetingReplyRow) -> MeetingReply:
    return MeetingReply(row.meeting_id, row.person_id, row.answer, row.for_start, row.at)


class SqlReplies(SqlRepository):
    async def of_meetings(self, meeting_ids: Sequence[int]) -> list[MeetingReply]:
        if not meeting_ids:
            return []
        rows = await self.session.scalars(
            select(MeetingReplyRow)
            .where(MeetingReplyRow.meeting_id.in_(list(meeting_ids)))
            .order_by(MeetingReplyRow.at, MeetingReplyRow.id)
        )
        return [_reply(r) for r in rows]

    async def put(self, reply: MeetingReply) -> None:
        row = await self.session.scalar(
            select(MeetingReplyRow).where(
                MeetingReplyRow.meeting_id == reply.meeting_id,
                MeetingReplyRow.person_id == reply.person_id,
            )
        )
        if row is None:
            row = MeetingReplyRow(meeting_id=reply.meeting_id, person_id=reply.person_id)
            self.session.add(row)
        row.answer, row.for_start, row.at = reply.answer, reply.for_start, reply.at
        await self.session.flush()
