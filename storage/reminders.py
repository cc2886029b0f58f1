"""Reminders and reminder settings in SQL: what the scheduler and the planners read and write."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from bot.core.model import Reminder, ReminderSetting
from storage.models import PartnershipRow, ReminderRow, ReminderSettingRow
from storage.repository import SqlRepository


def _reminder(row: ReminderRow) -> Reminder:
    return Reminder(
        id=row.id,
        partnership_id=row.partnership_id,
        kind=row.kind,
        key=row.key,
        due_at=row.due_at,
        payload=json.loads(row.payload),
        status=row.status,
        created_at=row.created_at,
        fired_at=row.fired_at,
    )


class SqlReminders(SqlRepository):
    async def of_partnership(
        self, partnership_id: int, statuses: Sequence[str] | None = None
    ) -> list[Reminder]:
        query = select(ReminderRow).where(ReminderRow.partnership_id == partnership_id)
        if statuses is not None:
            query = query.where(ReminderRow.status.in_(statuses))
        rows = await self.session.scalars(
            query.order_by(ReminderRow.due_at, ReminderRow.id).execution_options(
                populate_existing=True
            )
        )
        return [_reminder(r) for r in rows]

    async def for_replan(self, partnership_id: int, keys: set[tuple[str, str]]) -> list[Reminder]:
        # each alternative names the partnership, so that every one is an index search
        # (the sent reminders of a long history are never read)
        ours = ReminderRow.partnership_id == partnership_id
        wanted = [and_(ours, ReminderRow.status == "pending")]
        wanted += [
            and_(ours, ReminderRow.kind == kind, ReminderRow.key == key)
            for kind, key in sorted(keys)
        ]
        rows = await self.session.scalars(
            select(ReminderRow)
            .where(or_(*wanted))
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .execution_options(populate_existing=True)
        )
        return [_reminder(r) for r in rows]

    async def add(
        self,
        partnership_id: int,
        kind: str,
        key: str,
        due_at: datetime,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        self.session.add(
            ReminderRow(
                partnership_id=partnership_id,
                kind=kind,
                key=key,
                due_at=due_at,
                payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                status="pending",
                created_at=now,
            )
        )
        await self.session.flush()

    async def replan(self, reminder_id: int, due_at: datetime, payload: dict[str, Any]) -> None:
        await self.session.execute(
            update(ReminderRow)
            .where(ReminderRow.id == reminder_id)
            .values(
                due_at=due_at,
                payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
                status="pending",
                fired_at=None,
            )
        )

    async def cancel(self, reminder_ids: Sequence[int]) -> None:
        if reminder_ids:
            await self.session.execute(
                update(ReminderRow)
                .where(ReminderRow.id.in_(reminder_ids), ReminderRow.status == "pending")
                .values(status="cancelled")
            )

    async def due(self, now: datetime, limit: int = 100) -> list[Reminder]:
        rows = await self.session.scalars(
            select(ReminderRow)
            .where(ReminderRow.status == "pending", ReminderRow.due_at <= now)
            .order_by(ReminderRow.due_at, ReminderRow.id)
            .limit(limit)
        )
        return [_reminder(r) for r in rows]

    async def mark_fired(self, reminder_id: int, status: str, now: datetime) -> bool:
        """Only a pending reminder fires; False if somebody else fired or cancelled it."""
        table = ReminderRow.metadata.tables["reminder"]
        # Core, not the ORM's update: nothing reads the row back through this session
        # without refreshing it (`of_partnership` and `for_replan` populate afresh), and
        # the ORM's bookkeeping cost a fifth of a reminder's CPU
        result = await self.session.execute(
            update(table)
            .where(table.c.id == reminder_id, table.c.status == "pending")
            .values(status=status, fired_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def unplanned_partnerships(self) -> list[int]:
        """Partnerships with no reminder at all: made before reminders existed, or imported."""
        planned = select(ReminderRow.id).where(ReminderRow.partnership_id == PartnershipRow.id)
        rows = await self.session.scalars(
            select(PartnershipRow.id).where(~planned.exists()).order_by(PartnershipRow.id)
        )
        return list(rows)

    async def next_due_at(self) -> datetime | None:
        value: datetime | None = await self.session.scalar(
            select(func.min(ReminderRow.due_at)).where(ReminderRow.status == "pending")
        )
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    async def settings(self, partnership_id: int) -> list[ReminderSetting]:
        rows = await self.session.scalars(
            select(ReminderSettingRow).where(ReminderSettingRow.partnership_id == partnership_id)
        )
        return [
            ReminderSetting(
                r.partnership_id,
                r.kind,
                r.enabled,
                tuple(int(x) for x in r.offsets.split(",") if x.strip()),
            )
            for r in rows
        ]

    async def save_setting(self, setting: ReminderSetting) -> None:
        row = await self.session.get(ReminderSettingRow, (setting.partnership_id, setting.kind))
        offsets = ",".join(str(x) for x in setting.offsets)
        if row is None:
            self.session.add(
                ReminderSettingRow(
                    partnership_id=setting.partnership_id,
                    kind=setting.kind,
                    enabled=setting.enabled,
                    offsets=offsets,
                )
            )
        else:
            row.enabled = setting.enabled
            row.offsets = offsets
        await self.session.flush()
