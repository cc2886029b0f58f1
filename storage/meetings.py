"""Meetings and the coordinators' changes to the host order (rotation overrides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select, update

from bot.core.model import Meeting, RotationOverride
from storage.models import MeetingRow, MinutesRow, RotationOverrideRow
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

    async def for_plan(self, partnership_id: int, since: datetime, keep: int) -> list[Meeting]:
        """What the plan needs when the rotation is known as of `since`: every planned
        meeting, every meeting since then, the last `keep` held and the last cancelled."""

        async def load() -> list[Meeting]:
            mine = MeetingRow.partnership_id == partnership_id
            last_held = (
                select(MeetingRow.id)
                .where(mine, MeetingRow.status == "held")
                .order_by(MeetingRow.starts_at.desc(), MeetingRow.id.desc())
                .limit(keep)
            )
            last_cancelled = (
                select(MeetingRow.id)
                .where(mine, MeetingRow.status == "cancelled")
                .order_by(MeetingRow.updated_at.desc(), MeetingRow.id.desc())
                .limit(1)
            )
            rows = await self.session.scalars(
                select(MeetingRow)
                .where(
                    mine,
                    or_(
                        MeetingRow.status == "scheduled",
                        MeetingRow.starts_at >= since,
                        MeetingRow.host_fixed_at >= since,
                        MeetingRow.id.in_(last_held.scalar_subquery()),
                        MeetingRow.id.in_(last_cancelled.scalar_subquery()),
                    ),
                )
                .order_by(MeetingRow.starts_at, MeetingRow.id)
            )
            return [_meeting(r) for r in rows]

        return await self._cached(("meetings", partnership_id, since, keep), load)

    async def get(self, meeting_id: int) -> Meeting | None:
        row = await self.session.get(MeetingRow, meeting_id, populate_existing=True)
        return _meeting(row) if row is not None else None

    async def many(self, meeting_ids: set[int]) -> dict[int, Meeting]:
        if not meeting_ids:
            return {}
        rows = await self.session.scalars(select(MeetingRow).where(MeetingRow.id.in_(meeting_ids)))
        return {r.id: _meeting(r) for r in rows}

    async def for_agenda(self, partnership_id: int, since: datetime) -> list[Meeting]:
        async def load() -> list[Meeting]:
            taking = select(MinutesRow.meeting_id).where(
                MinutesRow.partnership_id == partnership_id, MinutesRow.status == "open"
            )
            rows = await self.session.scalars(
                select(MeetingRow)
                .where(
                    MeetingRow.partnership_id == partnership_id,
                    or_(MeetingRow.starts_at >= since, MeetingRow.id.in_(taking.scalar_subquery())),
                )
                .order_by(MeetingRow.starts_at, MeetingRow.id)
            )
            return [_meeting(r) for r in rows]

        return await self._cached(("meetings for agenda", partnership_id, since), load)

    async def past(self, partnership_id: int, now: datetime, count: int) -> list[Meeting]:
        rows = await self.session.scalars(
            select(MeetingRow)
            .where(MeetingRow.partnership_id == partnership_id, MeetingRow.starts_at <= now)
            .order_by(MeetingRow.starts_at.desc(), MeetingRow.id.desc())
            .limit(count)
        )
        return [_meeting(r) for r in reversed(list(rows))]

    async def last_held(
        self,
        partnership_id: int,
        *,
        host_member_id: int | None = None,
        with_place: bool = False,
        minutes: bool | None = None,
    ) -> Meeting | None:
        conditions = [MeetingRow.partnership_id == partnership_id, MeetingRow.status == "held"]
        if host_member_id is not None:
            conditions.append(MeetingRow.host_member_id == host_member_id)
        if with_place:
            conditions.append(MeetingRow.place != "")
        if minutes is not None:
            found = exists().where(MinutesRow.meeting_id == MeetingRow.id)
            conditions.append(found if minutes else ~found)
        row = await self.session.scalar(
            select(MeetingRow)
            .where(*conditions)
            .order_by(MeetingRow.starts_at.desc(), MeetingRow.id.desc())
            .limit(1)
        )
        return _meeting(row) if row is not None else None

    async def last_with_final_minutes(
        self, partnership_id: int, before: datetime | None
    ) -> Meeting | None:
        final = exists().where(MinutesRow.meeting_id == MeetingRow.id, MinutesRow.status != "open")
        conditions = [MeetingRow.partnership_id == partnership_id, final]
        if before is not None:
            conditions.append(MeetingRow.starts_at < before)
        # from the newest meeting backwards (its index), stopping at the first with minutes
        row = await self.session.scalar(
            select(MeetingRow)
            .where(*conditions)
            .order_by(MeetingRow.starts_at.desc(), MeetingRow.id.desc())
            .limit(1)
        )
        return _meeting(row) if row is not None else None

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

    async def for_plan(
        self, partnership_id: int, since: datetime, keep: int
    ) -> list[RotationOverride]:
        """Every override since `since`, and the last `keep` before it."""

        async def load() -> list[RotationOverride]:
            mine = RotationOverrideRow.partnership_id == partnership_id
            last = (
                select(RotationOverrideRow.id)
                .where(mine)
                .order_by(RotationOverrideRow.at.desc(), RotationOverrideRow.id.desc())
                .limit(keep)
            )
            rows = await self.session.scalars(
                select(RotationOverrideRow)
                .where(
                    mine,
                    or_(
                        RotationOverrideRow.at >= since,
                        RotationOverrideRow.id.in_(last.scalar_subquery()),
                    ),
                )
                .order_by(RotationOverrideRow.at, RotationOverrideRow.id)
            )
            return [_override(r) for r in rows]

        return await self._cached(("overrides", partnership_id, since, keep), load)

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
