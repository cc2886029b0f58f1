"""SQL repositories for agenda items, minutes with their entries, and action items.

Like the others (see `storage/repository.py`), they hand out plain domain dataclasses,
never ORM rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, delete, func, or_, select, update

from bot.core.model import ActionItem, AgendaItem, MinuteEntry, Minutes
from storage.models import ActionItemRow, AgendaItemRow, MeetingRow, MinuteEntryRow, MinutesRow
from storage.repository import SqlRepository


def _agenda_item(row: AgendaItemRow) -> AgendaItem:
    return AgendaItem(
        id=row.id,
        partnership_id=row.partnership_id,
        text=row.text,
        field=row.field,
        proposer_person_id=row.proposer_person_id,
        proposer_member_id=row.proposer_member_id,
        position=row.position,
        created_at=row.created_at,
        not_before=row.not_before,
        status=row.status,
        meeting_id=row.meeting_id,
    )


class SqlAgenda(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[AgendaItem]:
        rows = await self.session.scalars(
            select(AgendaItemRow)
            .where(
                AgendaItemRow.partnership_id == partnership_id,
                AgendaItemRow.status != "removed",
            )
            .order_by(AgendaItemRow.position, AgendaItemRow.id)
        )
        return [_agenda_item(r) for r in rows]

    async def open_items(self, partnership_id: int, done_in: int | None = None) -> list[AgendaItem]:
        wanted = AgendaItemRow.status == "open"
        if done_in is not None:
            done = and_(AgendaItemRow.status == "done", AgendaItemRow.meeting_id == done_in)
            wanted = or_(wanted, done)
        rows = await self.session.scalars(
            select(AgendaItemRow)
            .where(AgendaItemRow.partnership_id == partnership_id, wanted)
            .order_by(AgendaItemRow.position, AgendaItemRow.id)
        )
        return [_agenda_item(r) for r in rows]

    async def get(self, item_id: int) -> AgendaItem | None:
        row = await self.session.get(AgendaItemRow, item_id, populate_existing=True)
        return _agenda_item(row) if row is not None and row.status != "removed" else None

    async def highest_position(self, partnership_id: int) -> int:
        value = await self.session.scalar(
            select(func.max(AgendaItemRow.position)).where(
                AgendaItemRow.partnership_id == partnership_id, AgendaItemRow.status != "removed"
            )
        )
        return int(value or 0)

    async def add(self, item: AgendaItem) -> AgendaItem:
        row = AgendaItemRow(
            partnership_id=item.partnership_id,
            text=item.text,
            field=item.field,
            proposer_person_id=item.proposer_person_id,
            proposer_member_id=item.proposer_member_id,
            position=item.position,
            created_at=item.created_at,
            not_before=item.not_before,
            status=item.status,
            meeting_id=item.meeting_id,
        )
        self.session.add(row)
        await self.session.flush()
        return _agenda_item(row)

    async def save(self, item: AgendaItem) -> None:
        await self.session.execute(
            update(AgendaItemRow)
            .where(AgendaItemRow.id == item.id)
            .values(
                text=item.text,
                field=item.field,
                position=item.position,
                not_before=item.not_before,
                status=item.status,
                meeting_id=item.meeting_id,
            )
        )


def _minutes(row: MinutesRow) -> Minutes:
    return Minutes(
        id=row.id,
        partnership_id=row.partnership_id,
        meeting_id=row.meeting_id,
        status=row.status,
        source=row.source,
        started_at=row.started_at,
        taker_person_id=row.taker_person_id,
        ended_at=row.ended_at,
        document=row.document,
    )


def _entry(row: MinuteEntryRow) -> MinuteEntry:
    return MinuteEntry(
        id=row.id,
        minutes_id=row.minutes_id,
        kind=row.kind,
        text=row.text,
        author_person_id=row.author_person_id,
        created_at=row.created_at,
        agenda_item_id=row.agenda_item_id,
        member_id=row.member_id,
        person_id=row.person_id,
        due=row.due,
    )


class SqlMinutes(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[Minutes]:
        rows = await self.session.scalars(
            select(MinutesRow)
            .where(MinutesRow.partnership_id == partnership_id)
            .order_by(MinutesRow.started_at, MinutesRow.id)
        )
        return [_minutes(r) for r in rows]

    async def open_of_partnership(self, partnership_id: int) -> list[Minutes]:
        rows = await self.session.scalars(
            select(MinutesRow)
            .where(MinutesRow.partnership_id == partnership_id, MinutesRow.status == "open")
            .order_by(MinutesRow.started_at, MinutesRow.id)
        )
        return [_minutes(r) for r in rows]

    async def for_meetings(self, meeting_ids: set[int]) -> list[Minutes]:
        if not meeting_ids:
            return []
        rows = await self.session.scalars(
            select(MinutesRow).where(MinutesRow.meeting_id.in_(meeting_ids))
        )
        return [_minutes(r) for r in rows]

    def _finished(self, partnership_id: int, newest_first: bool = False) -> Select[MinutesRow]:
        order = (MeetingRow.starts_at, MinutesRow.started_at, MinutesRow.id)
        return (
            select(MinutesRow)
            .join(MeetingRow, MeetingRow.id == MinutesRow.meeting_id)
            .where(
                MeetingRow.partnership_id == partnership_id,
                # `+ 0`: not an index search, so the meetings are read in their order by
                # their index and reading stops at the limit (else every minutes of a long
                # history, their documents too, were read and sorted to show the last ten)
                MinutesRow.partnership_id + 0 == partnership_id,
                MinutesRow.status != "open",
                MinutesRow.document != "",
            )
            .order_by(*(c.desc() for c in order) if newest_first else order)
        )

    async def finished_count(self, partnership_id: int) -> int:
        value = await self.session.scalar(
            select(func.count(MinutesRow.id)).where(
                MinutesRow.partnership_id == partnership_id,
                MinutesRow.status != "open",
                MinutesRow.document != "",
            )
        )
        return int(value or 0)

    async def finished(
        self, partnership_id: int, offset: int, limit: int, newest: bool = False
    ) -> list[Minutes]:
        query = self._finished(partnership_id, newest_first=newest).offset(offset).limit(limit)
        rows = [_minutes(r) for r in await self.session.scalars(query)]
        return rows[::-1] if newest else rows

    async def finished_between(
        self, partnership_id: int, start: datetime, end: datetime
    ) -> list[Minutes]:
        rows = await self.session.scalars(
            self._finished(partnership_id).where(
                MeetingRow.starts_at >= start, MeetingRow.starts_at < end
            )
        )
        return [_minutes(r) for r in rows]

    async def for_meeting(self, meeting_id: int) -> Minutes | None:
        row = await self.session.scalar(
            select(MinutesRow).where(MinutesRow.meeting_id == meeting_id)
        )
        return _minutes(row) if row else None

    async def add(self, minutes: Minutes) -> Minutes:
        row = MinutesRow(
            partnership_id=minutes.partnership_id,
            meeting_id=minutes.meeting_id,
            status=minutes.status,
            source=minutes.source,
            started_at=minutes.started_at,
            taker_person_id=minutes.taker_person_id,
            ended_at=minutes.ended_at,
            document=minutes.document,
        )
        self.session.add(row)
        await self.session.flush()
        return _minutes(row)

    async def save(self, minutes: Minutes) -> None:
        await self.session.execute(
            update(MinutesRow)
            .where(MinutesRow.id == minutes.id)
            .values(
                status=minutes.status,
                source=minutes.source,
                taker_person_id=minutes.taker_person_id,
                ended_at=minutes.ended_at,
                document=minutes.document,
            )
        )

    async def entries(self, minutes_id: int) -> list[MinuteEntry]:
        rows = await self.session.scalars(
            select(MinuteEntryRow)
            .where(MinuteEntryRow.minutes_id == minutes_id)
            .order_by(MinuteEntryRow.id)
        )
        return [_entry(r) for r in rows]

    async def add_entry(self, entry: MinuteEntry) -> MinuteEntry:
        row = MinuteEntryRow(
            minutes_id=entry.minutes_id,
            kind=entry.kind,
            text=entry.text,
            author_person_id=entry.author_person_id,
            created_at=entry.created_at,
            agenda_item_id=entry.agenda_item_id,
            member_id=entry.member_id,
            person_id=entry.person_id,
            due=entry.due,
        )
        self.session.add(row)
        await self.session.flush()
        return _entry(row)

    async def remove_entry(self, entry_id: int) -> None:
        await self.session.execute(delete(MinuteEntryRow).where(MinuteEntryRow.id == entry_id))


def _action(row: ActionItemRow) -> ActionItem:
    return ActionItem(
        id=row.id,
        partnership_id=row.partnership_id,
        number=row.number,
        text=row.text,
        owner_member_id=row.owner_member_id,
        owner_person_id=row.owner_person_id,
        due=row.due,
        meeting_id=row.meeting_id,
        created_at=row.created_at,
        done_at=row.done_at,
        done_by=row.done_by,
    )


class SqlActions(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[ActionItem]:
        rows = await self.session.scalars(
            select(ActionItemRow)
            .where(ActionItemRow.partnership_id == partnership_id)
            .order_by(ActionItemRow.number)
        )
        return [_action(r) for r in rows]

    async def open_of_partnership(self, partnership_id: int) -> list[ActionItem]:
        rows = await self.session.scalars(
            select(ActionItemRow)
            .where(ActionItemRow.partnership_id == partnership_id, ActionItemRow.done_at.is_(None))
            .order_by(ActionItemRow.number)
        )
        return [_action(r) for r in rows]

    async def by_number(self, partnership_id: int, number: int) -> ActionItem | None:
        row = await self.session.scalar(
            select(ActionItemRow).where(
                ActionItemRow.partnership_id == partnership_id, ActionItemRow.number == number
            )
        )
        return _action(row) if row is not None else None

    async def add(self, item: ActionItem) -> ActionItem:
        highest = await self.session.scalar(
            select(func.max(ActionItemRow.number)).where(
                ActionItemRow.partnership_id == item.partnership_id
            )
        )
        row = ActionItemRow(
            partnership_id=item.partnership_id,
            number=(highest or 0) + 1,
            text=item.text,
            owner_member_id=item.owner_member_id,
            owner_person_id=item.owner_person_id,
            due=item.due,
            meeting_id=item.meeting_id,
            created_at=item.created_at,
            done_at=item.done_at,
            done_by=item.done_by,
        )
        self.session.add(row)
        await self.session.flush()
        return _action(row)

    async def save(self, item: ActionItem) -> None:
        await self.session.execute(
            update(ActionItemRow)
            .where(ActionItemRow.id == item.id)
            .values(
                text=item.text,
                owner_member_id=item.owner_member_id,
                owner_person_id=item.owner_person_id,
                due=item.due,
                done_at=item.done_at,
                done_by=item.done_by,
            )
        )
