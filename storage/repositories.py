"""SQL implementations of the repositories in `bot.usecases.ports`.

Each returns plain domain objects, never ORM rows, so nothing outside `storage/` can
trigger a lazy load or depend on SQLAlchemy.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.core.events import Identity, RoomRef
from bot.core.model import (
    AuditEntry,
    Contact,
    HandledEvent,
    LinkCode,
    Meeting,
    Member,
    OutboxMessage,
    Partnership,
    Person,
    Room,
    RotationOverride,
)
from bot.core.reply import Reply
from bot.core.text import match_key
from storage.cache import ANY_TABLE, cached, wrote
from storage.reply_codec import reply_from_json, reply_to_json
from storage.models import (
    AuditRow,
    ContactRow,
    CoordinatorRow,
    HandledEventRow,
    IdentityRow,
    LinkCodeRow,
    MeetingRow,
    MemberRow,
    OutboxRow,
    PartnershipRow,
    PersonRow,
    PresenceRow,
    RoomRow,
    RotationOverrideRow,
    StateRow,
)

T = TypeVar("T")


class _Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _cached(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """A lookup every command repeats, through the database's read cache."""
        return await cached(self.session.sync_session, key, load)


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
    )


class SqlPartnerships(_Repository):
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


class SqlRooms(_Repository):
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
        rows = await self.session.scalars(
            select(RoomRow).where(RoomRow.partnership_id == partnership_id).order_by(RoomRow.id)
        )
        return [_room(r) for r in rows]

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


class SqlMembers(_Repository):
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


class SqlPersons(_Repository):
    async def _load(self, rows: list[PersonRow]) -> dict[int, Person]:
        if not rows:
            return {}
        ids = [r.id for r in rows]
        identities: dict[int, list[Identity]] = {i: [] for i in ids}
        for ident in await self.session.scalars(
            select(IdentityRow).where(IdentityRow.person_id.in_(ids)).order_by(IdentityRow.id)
        ):
            identities[ident.person_id].append(Identity(ident.platform, ident.user_id))
        return {r.id: Person(r.id, r.display_name, tuple(identities[r.id])) for r in rows}

    async def by_identity(self, identity: Identity) -> Person | None:
        """One statement, cached (it runs for every message): the person with all their
        identities."""
        return await self._cached(
            ("person", identity.platform, identity.user_id), lambda: self._by_identity(identity)
        )

    async def _by_identity(self, identity: Identity) -> Person | None:
        wanted = aliased(IdentityRow)
        found = select(wanted.person_id).where(
            wanted.platform == identity.platform, wanted.user_id == identity.user_id
        )
        rows = (
            await self.session.execute(
                select(PersonRow, IdentityRow)
                .join(IdentityRow, IdentityRow.person_id == PersonRow.id)
                .where(PersonRow.id.in_(found))
                .order_by(IdentityRow.id)
            )
        ).all()
        if not rows:
            return None
        person = rows[0][0]
        identities = tuple(Identity(i.platform, i.user_id) for _, i in rows)
        return Person(person.id, person.display_name, identities)

    async def get(self, person_id: int) -> Person | None:
        row = await self.session.get(PersonRow, person_id)
        return (await self._load([row]))[row.id] if row else None

    async def many(self, person_ids: set[int]) -> dict[int, Person]:
        if not person_ids:
            return {}
        rows = await self.session.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)))
        return await self._load(list(rows))

    async def add(self, display_name: str, identity: Identity) -> Person:
        row = PersonRow(display_name=display_name)
        self.session.add(row)
        await self.session.flush()
        self.session.add(
            IdentityRow(person_id=row.id, platform=identity.platform, user_id=identity.user_id)
        )
        await self.session.flush()
        return Person(row.id, display_name, (identity,))

    async def rename(self, person_id: int, display_name: str) -> None:
        await self.session.execute(
            update(PersonRow).where(PersonRow.id == person_id).values(display_name=display_name)
        )

    async def record(
        self, person_id: int, partnership_id: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        from storage.transfer import person_record

        return await self.session.run_sync(
            lambda s: person_record(s.connection(), person_id, partnership_id)
        )

    async def forget(
        self, person_id: int, placeholder: str, partnership_id: int | None = None
    ) -> bool:
        from storage.transfer import forget_person

        erased = await self.session.run_sync(
            lambda s: forget_person(s.connection(), person_id, placeholder, partnership_id)
        )
        wrote(self.session.sync_session, ANY_TABLE)  # past the ORM, which would not say so
        return erased

    async def referenced_by(self, partnership_id: int) -> set[int]:
        from storage.transfer import persons_of_partnership

        return await self.session.run_sync(
            lambda s: persons_of_partnership(s.connection(), partnership_id)
        )


def _contact(row: ContactRow) -> Contact:
    return Contact(row.id, row.member_id, row.person_id, row.since, row.until)


class SqlContacts(_Repository):
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


class SqlCoordinators(_Repository):
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


class SqlPresence(_Repository):
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


class SqlLinkCodes(_Repository):
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


class SqlAudit(_Repository):
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
    )


class SqlOutbox(_Repository):
    async def add(
        self, partnership_id: int | None, room: RoomRef, reply: Reply, now: datetime
    ) -> str:
        uid = uuid.uuid4().hex
        self.session.add(
            OutboxRow(
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
            )
        )
        await self.session.flush()
        return uid

    async def due(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        """Due messages, but only the oldest pending one of each room: a room's messages
        arrive in the order they were written, retries included."""
        older = aliased(OutboxRow)
        waiting_behind = (
            select(older.id)
            .where(
                older.platform == OutboxRow.platform,
                older.external_id == OutboxRow.external_id,
                older.status == "pending",
                older.id < OutboxRow.id,
            )
            .exists()
        )
        rows = await self.session.scalars(
            select(OutboxRow)
            .where(
                OutboxRow.status == "pending",
                OutboxRow.next_attempt_at <= now,
                ~waiting_behind,
            )
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        return [_outbox(r) for r in rows]

    async def pending(self) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxRow).where(OutboxRow.status == "pending").order_by(OutboxRow.id)
        )
        return [_outbox(r) for r in rows]

    async def failed(self) -> list[OutboxMessage]:
        rows = await self.session.scalars(
            select(OutboxRow).where(OutboxRow.status == "failed").order_by(OutboxRow.id)
        )
        return [_outbox(r) for r in rows]

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status="sent", sent_at=now, attempts=OutboxRow.attempts + 1)
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
        await self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(status="failed", last_error=error[:1000], attempts=OutboxRow.attempts + 1)
        )

    async def next_due_at(self) -> datetime | None:
        value: datetime | None = await self.session.scalar(
            select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == "pending")
        )
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class SqlState(_Repository):
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


class SqlHandledEvents(_Repository):
    async def find(self, platform: str, event_id: str) -> HandledEvent | None:
        row = await self.session.get(HandledEventRow, (platform, event_id))
        if row is None:
            return None
        reply = reply_from_json(row.reply) if row.reply is not None else None
        return HandledEvent(row.platform, row.event_id, row.handled_at, reply)

    async def add(self, event: HandledEvent) -> None:
        reply = reply_to_json(event.reply) if event.reply is not None else None
        self.session.add(
            HandledEventRow(
                platform=event.platform,
                event_id=event.event_id,
                handled_at=event.handled_at,
                reply=reply,
            )
        )
        await self.session.flush()

    async def prune(self, before: datetime) -> None:
        await self.session.execute(
            delete(HandledEventRow).where(HandledEventRow.handled_at < before)
        )


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
    )


class SqlMeetings(_Repository):
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


class SqlOverrides(_Repository):
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
