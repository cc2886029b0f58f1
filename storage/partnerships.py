"""Partnerships and what makes them up: rooms, members, contacts, coordinators, who is
present in which room, the codes that link a room, and the audit trail."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from bot.core.events import Identity, RoomRef
from bot.core.model import AuditEntry, Contact, LinkCode, Member, Partnership, Room
from bot.core.text import match_key
from storage.models import (
    AuditRow,
    ContactRow,
    CoordinatorRow,
    LinkAttemptRow,
    LinkCodeRow,
    MemberRow,
    PartnershipRow,
    PresenceRow,
    RoomRow,
)
from storage.repository import SqlRepository

ATTEMPTS_KEPT = timedelta(days=1)
"""Failed /link attempts are throttled over an hour; a day of them is kept for the record."""


def _partnership(row: PartnershipRow) -> Partnership:
    return Partnership(
        id=row.id,
        name=row.name,
        language=row.language,
        timezone=row.timezone,
        max_contacts=row.max_contacts,
        rules=row.rules,
        created_at=row.created_at,
        cadence=row.cadence,
        agenda_deadline_days=row.agenda_deadline_days,
        state=row.state,
    )


class SqlPartnerships(SqlRepository):
    async def add(self, name: str, language: str, timezone: str, now: datetime) -> Partnership:
        row = PartnershipRow(
            name=name,
            language=language,
            timezone=timezone,
            max_contacts=2,
            rules="",
            created_at=now,
            cadence="quarterly",
        )
        self.session.add(row)
        await self.session.flush()
        return _partnership(row)

    async def get(self, partnership_id: int) -> Partnership | None:
        async def load() -> Partnership | None:
            row = await self.session.get(PartnershipRow, partnership_id)
            return _partnership(row) if row else None

        return await self._cached(("partnership", partnership_id), load)

    async def save(self, partnership: Partnership) -> None:
        await self.session.execute(
            update(PartnershipRow)
            .where(PartnershipRow.id == partnership.id)
            .values(
                name=partnership.name,
                language=partnership.language,
                timezone=partnership.timezone,
                max_contacts=partnership.max_contacts,
                rules=partnership.rules,
                cadence=partnership.cadence,
                agenda_deadline_days=partnership.agenda_deadline_days,
                state=partnership.state,
            )
        )


def _room(row: RoomRow) -> Room:
    return Room(
        id=row.id,
        partnership_id=row.partnership_id,
        ref=RoomRef(row.platform, row.external_id),
        name=row.name,
        active=row.active,
        linked_at=row.linked_at,
    )


class SqlRooms(SqlRepository):
    async def find(self, ref: RoomRef) -> Room | None:
        async def load() -> Room | None:
            row = await self.session.scalar(
                select(RoomRow).where(
                    RoomRow.platform == ref.platform, RoomRow.external_id == ref.room_id
                )
            )
            return _room(row) if row else None

        return await self._cached(("room", ref.platform, ref.room_id), load)

    async def add(self, partnership_id: int, ref: RoomRef, name: str, now: datetime) -> Room:
        row = RoomRow(
            partnership_id=partnership_id,
            platform=ref.platform,
            external_id=ref.room_id,
            name=name,
            active=True,
            linked_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return _room(row)

    async def remove(self, room_id: int) -> None:
        await self.session.execute(delete(PresenceRow).where(PresenceRow.room_id == room_id))
        await self.session.execute(delete(RoomRow).where(RoomRow.id == room_id))

    async def of_partnership(self, partnership_id: int) -> list[Room]:
        async def load() -> list[Room]:
            rows = await self.session.scalars(
                select(RoomRow).where(RoomRow.partnership_id == partnership_id).order_by(RoomRow.id)
            )
            return [_room(r) for r in rows]

        # every reminder fired and every announcement asks again
        return await self._cached(("rooms", partnership_id), load)

    async def set_active(self, room_id: int, active: bool) -> None:
        await self.session.execute(
            update(RoomRow).where(RoomRow.id == room_id).values(active=active)
        )

    async def rekey(self, room_id: int, ref: RoomRef) -> None:
        await self.session.execute(
            update(RoomRow)
            .where(RoomRow.id == room_id)
            .values(platform=ref.platform, external_id=ref.room_id)
        )


def _member(row: MemberRow) -> Member:
    return Member(
        id=row.id,
        partnership_id=row.partnership_id,
        name=row.name,
        joined_at=row.joined_at,
        left_at=row.left_at,
    )


class SqlMembers(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[Member]:
        async def load() -> list[Member]:
            rows = await self.session.scalars(
                select(MemberRow)
                .where(MemberRow.partnership_id == partnership_id)
                .order_by(MemberRow.id)
            )
            return [_member(r) for r in rows]

        return await self._cached(("members", partnership_id), load)

    async def add(self, partnership_id: int, name: str, now: datetime) -> Member:
        row = MemberRow(
            partnership_id=partnership_id, name=name, match_key=match_key(name), joined_at=now
        )
        self.session.add(row)
        await self.session.flush()
        return _member(row)

    async def save(self, member: Member) -> None:
        await self.session.execute(
            update(MemberRow)
            .where(MemberRow.id == member.id)
            .values(
                name=member.name,
                match_key=match_key(member.name),
                joined_at=member.joined_at,
                left_at=member.left_at,
            )
        )


def _contact(row: ContactRow) -> Contact:
    return Contact(row.id, row.member_id, row.person_id, row.since, row.until)


class SqlContacts(SqlRepository):
    async def active_of_partnership(self, partnership_id: int) -> list[Contact]:
        rows = await self.session.scalars(
            select(ContactRow)
            .join(MemberRow, MemberRow.id == ContactRow.member_id)
            .where(MemberRow.partnership_id == partnership_id, ContactRow.until.is_(None))
            .order_by(ContactRow.id)
        )
        return [_contact(r) for r in rows]

    async def add(self, member_id: int, person_id: int, now: datetime) -> Contact:
        row = ContactRow(member_id=member_id, person_id=person_id, since=now)
        self.session.add(row)
        await self.session.flush()
        return _contact(row)

    async def end(self, contact_id: int, now: datetime) -> None:
        await self.session.execute(
            update(ContactRow).where(ContactRow.id == contact_id).values(until=now)
        )


class SqlCoordinators(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[int]:
        async def load() -> list[int]:
            rows = await self.session.scalars(
                select(CoordinatorRow.person_id)
                .where(CoordinatorRow.partnership_id == partnership_id)
                .order_by(CoordinatorRow.granted_at, CoordinatorRow.person_id)
            )
            return list(rows)

        return await self._cached(("coordinators", partnership_id), load)

    async def add(self, partnership_id: int, person_id: int, now: datetime) -> None:
        self.session.add(
            CoordinatorRow(partnership_id=partnership_id, person_id=person_id, granted_at=now)
        )
        await self.session.flush()

    async def remove(self, partnership_id: int, person_id: int) -> None:
        await self.session.execute(
            delete(CoordinatorRow).where(
                CoordinatorRow.partnership_id == partnership_id,
                CoordinatorRow.person_id == person_id,
            )
        )


class SqlPresence(SqlRepository):
    async def enter(self, room_id: int, person_id: int, now: datetime) -> None:
        async def present() -> bool | None:
            return await self.session.get(PresenceRow, (room_id, person_id)) is not None or None

        if not await self._cached(("present", room_id, person_id), present):
            self.session.add(PresenceRow(room_id=room_id, person_id=person_id, since=now))
            await self.session.flush()

    async def leave(self, room_id: int, person_id: int) -> None:
        await self.session.execute(
            delete(PresenceRow).where(
                PresenceRow.room_id == room_id, PresenceRow.person_id == person_id
            )
        )

    async def of_partnership(self, partnership_id: int) -> dict[int, set[int]]:
        rows = await self.session.execute(
            select(PresenceRow.person_id, PresenceRow.room_id)
            .join(RoomRow, RoomRow.id == PresenceRow.room_id)
            .where(RoomRow.partnership_id == partnership_id)
        )
        found: dict[int, set[int]] = {}
        for person_id, room_id in rows:
            found.setdefault(person_id, set()).add(room_id)
        return found


class SqlLinkCodes(SqlRepository):
    async def add(self, code: LinkCode) -> None:
        self.session.add(
            LinkCodeRow(
                code=code.code, partnership_id=code.partnership_id, expires_at=code.expires_at
            )
        )
        await self.session.flush()

    async def get(self, code: str) -> LinkCode | None:
        row = await self.session.get(LinkCodeRow, code)
        return LinkCode(row.code, row.partnership_id, row.expires_at, row.used_at) if row else None

    async def mark_used(self, code: str, now: datetime) -> None:
        await self.session.execute(
            update(LinkCodeRow).where(LinkCodeRow.code == code).values(used_at=now)
        )

    async def failed(self, room: RoomRef, user: Identity, now: datetime) -> None:
        await self.session.execute(
            delete(LinkAttemptRow).where(LinkAttemptRow.at < now - ATTEMPTS_KEPT)
        )
        self.session.add(
            LinkAttemptRow(
                platform=room.platform, room_id=room.room_id, user_id=user.user_id, at=now
            )
        )
        await self.session.flush()

    async def failures(self, room: RoomRef, user: Identity, since: datetime) -> list[datetime]:
        attempt = LinkAttemptRow
        in_room = (attempt.platform == room.platform) & (attempt.room_id == room.room_id)
        by_user = (attempt.platform == user.platform) & (attempt.user_id == user.user_id)
        rows = await self.session.scalars(
            select(LinkAttemptRow.at)
            .where(or_(in_room, by_user))
            .where(LinkAttemptRow.at >= since)
            .order_by(LinkAttemptRow.at, LinkAttemptRow.id)
        )
        return list(rows)


class SqlAudit(SqlRepository):
    async def add(
        self, partnership_id: int, actor_id: int | None, action: str, detail: str, now: datetime
    ) -> None:
        self.session.add(
            AuditRow(
                partnership_id=partnership_id,
                at=now,
                actor_id=actor_id,
                action=action,
                detail=detail,
            )
        )

    async def of_partnership(self, partnership_id: int, limit: int = 50) -> list[AuditEntry]:
        rows = await self.session.scalars(
            select(AuditRow)
            .where(AuditRow.partnership_id == partnership_id)
            .order_by(AuditRow.id.desc())
            .limit(limit)
        )
        return [
            AuditEntry(r.id, r.partnership_id, r.at, r.actor_id, r.action, r.detail) for r in rows
        ]
