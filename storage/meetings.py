"""Meetings and the coordinators' changes to the host order (rotation overrides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from bot.core.model import Meeting, RotationOverride
from storage.models import MeetingRow, RotationOverrideRow
from storage.repository import SqlRepository


def _meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        id=row.id,
        partnership_id=row.partnership_id,
        uid=row.uid,
        starts_at=row.starts_at,
        place=row.place,
        status=row.status,
        sequence=row.sequence,
        created_at=row.created_at,
        updated_at=row.updated_at,
        host_member_id=row.host_member_id,
        cancel_reason=row.cancel_reason,
        host_fixed_at=row.host_fixed_at,
        ends_at=row.ends_at,
        address=row.address,
        online_url=row.online_url,
        minute_taker_person_id=row.minute_taker_person_id,
    )


class SqlMeetings(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[Meeting]:
        async def load() -> list[Meeting]:
            rows = await self.session.scalars(
                select(MeetingRow)
                .where(MeetingRow.partnership_id == partnership_id)
                .order_by(MeetingRow.starts_at, MeetingRow.id)
            )
            return [_meeting(r) for r in rows]

        return await self._cached(("meetings", partnership_id), load)

    async def add(
        self, partnership_id: int, uid: str, starts_at: datetime, place: str, now: datetime
    ) -> Meeting:
        row = MeetingRow(
            partnership_id=partnership_id,
            uid=uid,
            starts_at=starts_at,
            place=place,
            status="scheduled",
            sequence=0,
            cancel_reason="",
            address="",
            online_url="",
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _meeting(row)

    async def save(self, meeting: Meeting) -> None:
        await self.session.execute(
            update(MeetingRow)
            .where(MeetingRow.id == meeting.id)
            .values(
                starts_at=meeting.starts_at,
                place=meeting.place,
                status=meeting.status,
                sequence=meeting.sequence,
                host_member_id=meeting.host_member_id,
                cancel_reason=meeting.cancel_reason,
                updated_at=meeting.updated_at,
                host_fixed_at=meeting.host_fixed_at,
                ends_at=meeting.ends_at,
                address=meeting.address,
                online_url=meeting.online_url,
                minute_taker_person_id=meeting.minute_taker_person_id,
            )
        )


def _override(row: RotationOverrideRow) -> RotationOverride:
    return RotationOverride(
        id=row.id,
        partnership_id=row.partnership_id,
        kind=row.kind,
        member_id=row.member_id,
        other_member_id=row.other_member_id,
        reason=row.reason,
        actor_id=row.actor_id,
        at=row.at,
    )


class SqlOverrides(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[RotationOverride]:
        async def load() -> list[RotationOverride]:
            rows = await self.session.scalars(
                select(RotationOverrideRow)
                .where(RotationOverrideRow.partnership_id == partnership_id)
                .order_by(RotationOverrideRow.at, RotationOverrideRow.id)
            )
            return [_override(r) for r in rows]

        return await self._cached(("overrides", partnership_id), load)

    async def add(
        self,
        partnership_id: int,
        kind: str,
        member_id: int | None,
        other_member_id: int | None,
        reason: str,
        actor_id: int | None,
        now: datetime,
    ) -> RotationOverride:
        row = RotationOverrideRow(
            partnership_id=partnership_id,
            kind=kind,
            member_id=member_id,
            other_member_id=other_member_id,
            reason=reason,
            actor_id=actor_id,
            at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _override(row)
