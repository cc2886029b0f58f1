"""The in-memory repositories of partnerships, rooms, people and their roles (`tests/fakes.py`)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timedelta
from typing import Any

from bot.core.events import Identity, RoomRef
from bot.core.model import Contact, LinkCode, Member, Partnership, Person, Room
from bot.core.text import match_key
from tests.fake_tables import FakeIntegrityError, Repository, ordered, stored, utc


class FakePartnerships(Repository):
    async def add(self, name: str, language: str, timezone: str, now: datetime) -> Partnership:
        return self._insert(
            self._t.partnerships,
            lambda i: Partnership(i, name, language, timezone, 2, "", now, "quarterly"),
        )

    async def get(self, partnership_id: int) -> Partnership | None:
        return copy.deepcopy(self._t.partnerships.get(partnership_id))

    async def save(self, partnership: Partnership) -> None:
        names = ("name", "language", "timezone", "max_contacts", "rules", "cadence")
        self._update(self._t.partnerships, partnership, *names, "agenda_deadline_days", "state")


class FakeRooms(Repository):
    async def find(self, ref: RoomRef) -> Room | None:
        found = (r for r in self._t.rooms.values() if r.ref == ref)
        return copy.deepcopy(next(found, None))

    async def add(self, partnership_id: int, ref: RoomRef, name: str, now: datetime) -> Room:
        if any(r.ref == ref for r in self._t.rooms.values()):
            raise FakeIntegrityError(f"room {ref} exists")
        return self._insert(self._t.rooms, lambda i: Room(i, partnership_id, ref, name, True, now))

    async def remove(self, room_id: int) -> None:
        self._wrote()
        for key in [k for k in self._t.presence if k[0] == room_id]:
            del self._t.presence[key]
        self._t.rooms.pop(room_id, None)

    async def of_partnership(self, partnership_id: int) -> list[Room]:
        found = (r for r in self._t.rooms.values() if r.partnership_id == partnership_id)
        return ordered(found, lambda r: r.id)

    async def set_active(self, room_id: int, active: bool) -> None:
        self._wrote()
        if room_id in self._t.rooms:
            self._t.rooms[room_id].active = active

    async def rekey(self, room_id: int, ref: RoomRef) -> None:
        self._wrote()
        if room_id in self._t.rooms:
            self._t.rooms[room_id].ref = ref


class FakeMembers(Repository):
    def _check(self, partnership_id: int, name: str, member_id: int | None) -> None:
        key = match_key(name)
        for m in self._t.members.values():
            if (
                m.partnership_id == partnership_id
                and m.id != member_id
                and match_key(m.name) == key
            ):
                raise FakeIntegrityError(f"member {name!r} exists")

    async def of_partnership(self, partnership_id: int) -> list[Member]:
        found = (m for m in self._t.members.values() if m.partnership_id == partnership_id)
        return ordered(found, lambda m: m.id)

    async def add(self, partnership_id: int, name: str, now: datetime) -> Member:
        self._check(partnership_id, name, None)
        return self._insert(self._t.members, lambda i: Member(i, partnership_id, name, now))

    async def save(self, member: Member) -> None:
        row = self._t.members.get(member.id)
        if row is not None:
            self._check(row.partnership_id, member.name, member.id)
        self._update(self._t.members, member, "name", "joined_at", "left_at")


class FakeContacts(Repository):
    async def active_of_partnership(self, partnership_id: int) -> list[Contact]:
        members = {m.id for m in self._t.members.values() if m.partnership_id == partnership_id}
        found = (c for c in self._t.contacts.values() if c.member_id in members and c.until is None)
        return ordered(found, lambda c: c.id)

    async def add(self, member_id: int, person_id: int, now: datetime) -> Contact:
        return self._insert(self._t.contacts, lambda i: Contact(i, member_id, person_id, now))

    async def end(self, contact_id: int, now: datetime) -> None:
        self._wrote()
        if contact_id in self._t.contacts:
            self._t.contacts[contact_id].until = utc(now)


class FakeCoordinators(Repository):
    async def of_partnership(self, partnership_id: int) -> list[int]:
        found = [(at, k[1]) for k, at in self._t.coordinators.items() if k[0] == partnership_id]
        return [person_id for _, person_id in sorted(found)]

    async def add(self, partnership_id: int, person_id: int, now: datetime) -> None:
        if (partnership_id, person_id) in self._t.coordinators:
            raise FakeIntegrityError("coordinator exists")
        self._wrote()
        self._t.coordinators[(partnership_id, person_id)] = utc(now)

    async def remove(self, partnership_id: int, person_id: int) -> None:
        self._wrote()
        self._t.coordinators.pop((partnership_id, person_id), None)


class FakePresence(Repository):
    async def enter(self, room_id: int, person_id: int, now: datetime) -> None:
        if (room_id, person_id) not in self._t.presence:
            self._wrote()
            self._t.presence[(room_id, person_id)] = utc(now)

    async def leave(self, room_id: int, person_id: int) -> None:
        self._wrote()
        self._t.presence.pop((room_id, person_id), None)

    async def of_partnership(self, partnership_id: int) -> dict[int, set[int]]:
        rooms = {r.id for r in self._t.rooms.values() if r.partnership_id == partnership_id}
        found: dict[int, set[int]] = {}
        for room_id, person_id in self._t.presence:
            if room_id in rooms:
                found.setdefault(person_id, set()).add(room_id)
        return found


class FakeLinkCodes(Repository):
    async def add(self, code: LinkCode) -> None:
        if code.code in self._t.link_codes:
            raise FakeIntegrityError(f"link code {code.code} exists")
        self._wrote()
        self._t.link_codes[code.code] = stored(dataclasses.replace(code, used_at=None))

    async def get(self, code: str) -> LinkCode | None:
        return copy.deepcopy(self._t.link_codes.get(code))

    async def mark_used(self, code: str, now: datetime) -> None:
        self._wrote()
        if code in self._t.link_codes:
            self._t.link_codes[code].used_at = utc(now)

    async def failed(self, room: RoomRef, user: Identity, now: datetime) -> None:
        self._wrote()
        kept = [a for a in self._t.link_attempts if a[2] >= utc(now) - timedelta(days=1)]
        self._t.link_attempts[:] = [*kept, (room, user, utc(now))]

    async def failures(self, room: RoomRef, user: Identity, since: datetime) -> list[datetime]:
        return sorted(
            at
            for where, who, at in self._t.link_attempts
            if (where == room or who == user) and at >= utc(since)
        )


_PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "audit": ("actor_id",),
    "overrides": ("actor_id",),
    "agenda": ("proposer_person_id",),
    "minutes": ("taker_person_id",),
    "meetings": ("minute_taker_person_id",),
    "entries": ("author_person_id", "person_id"),
    "actions": ("owner_person_id", "done_by"),
}
"""Columns naming a person that become NULL when the person is forgotten (SET NULL)."""

_TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "audit": ("detail",),
    "overrides": ("reason",),
    "agenda": ("text",),
    "minutes": ("document",),
    "entries": ("text",),
    "actions": ("text",),
    "meetings": ("place", "cancel_reason"),
}


class FakePersons(Repository):
    async def by_identity(self, identity: Identity) -> Person | None:
        found = (p for p in self._t.persons.values() if identity in p.identities)
        return copy.deepcopy(next(found, None))

    async def get(self, person_id: int) -> Person | None:
        return copy.deepcopy(self._t.persons.get(person_id))

    async def many(self, person_ids: set[int]) -> dict[int, Person]:
        found = self._t.persons
        return {i: copy.deepcopy(found[i]) for i in sorted(person_ids) if i in found}

    async def add(self, display_name: str, identity: Identity) -> Person:
        if await self.by_identity(identity) is not None:
            raise FakeIntegrityError(f"identity {identity} exists")
        return self._insert(self._t.persons, lambda i: Person(i, display_name, (identity,)))

    async def rename(self, person_id: int, display_name: str) -> None:
        self._wrote()
        if person_id in self._t.persons:
            self._t.persons[person_id].display_name = display_name

    def _partnership_of(self, table: str, row: Any) -> int | None:
        if table == "entries":
            minutes = self._t.minutes.get(row.minutes_id)
            return minutes.partnership_id if minutes else None
        return int(row.partnership_id)

    def _in_scope(self, table: str, row: Any, partnership_id: int | None) -> bool:
        return partnership_id is None or self._partnership_of(table, row) == partnership_id

    def _member_partnership(self, member_id: int) -> int | None:
        member = self._t.members.get(member_id)
        return member.partnership_id if member else None

    def _room_partnership(self, room_id: int) -> int | None:
        room = self._t.rooms.get(room_id)
        return room.partnership_id if room else None

    async def record(
        self, person_id: int, partnership_id: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        """The person's row and identities, and every row pointing at them by id (no text
        scan, unlike the SQL one)."""
        person = self._t.persons.get(person_id)
        if person is None:
            return {"person": []}
        found: dict[str, list[dict[str, Any]]] = {
            "person": [{"id": person.id, "display_name": person.display_name}],
            "identity": [
                {"person_id": person.id, "platform": i.platform, "user_id": i.user_id}
                for i in person.identities
            ],
        }
        scope = partnership_id
        contacts = [
            dataclasses.asdict(c)
            for c in self._t.contacts.values()
            if c.person_id == person_id
            and (scope is None or self._member_partnership(c.member_id) == scope)
        ]
        coordinators = [
            {"partnership_id": p, "person_id": i, "granted_at": at}
            for (p, i), at in self._t.coordinators.items()
            if i == person_id and (scope is None or p == scope)
        ]
        presence = [
            {"room_id": r, "person_id": i, "since": at}
            for (r, i), at in self._t.presence.items()
            if i == person_id and (scope is None or self._room_partnership(r) == scope)
        ]
        for name, rows in (
            ("contact", contacts),
            ("coordinator", coordinators),
            ("presence", presence),
        ):
            if rows:
                found[name] = rows
        for table, columns in _PERSON_COLUMNS.items():
            rows = [
                dataclasses.asdict(r)
                for r in getattr(self._t, table).values()
                if any(getattr(r, c) == person_id for c in columns)
                and self._in_scope(table, r, scope)
            ]
            if rows:
                found[table] = rows
        return found

    async def forget(
        self, person_id: int, placeholder: str, partnership_id: int | None = None
    ) -> bool:
        """Rows that exist because of them go, columns naming them become None, their display
        name in free text becomes `placeholder`; erased unless another partnership still
        refers to them."""
        person = self._t.persons.get(person_id)
        if person is None:
            return False
        self._wrote()
        scope = partnership_id
        for contact_id, c in list(self._t.contacts.items()):
            if c.person_id == person_id and (
                scope is None or self._member_partnership(c.member_id) == scope
            ):
                del self._t.contacts[contact_id]
        for key in list(self._t.coordinators):
            if key[1] == person_id and (scope is None or key[0] == scope):
                del self._t.coordinators[key]
        for key in list(self._t.presence):
            if key[1] == person_id and (scope is None or self._room_partnership(key[0]) == scope):
                del self._t.presence[key]
        for table, columns in _PERSON_COLUMNS.items():
            for row in getattr(self._t, table).values():
                if self._in_scope(table, row, scope):
                    for column in columns:
                        if getattr(row, column) == person_id:
                            setattr(row, column, None)
        for table, columns in _TEXT_COLUMNS.items():
            for row in getattr(self._t, table).values():
                if self._in_scope(table, row, scope):
                    for column in columns:
                        text = getattr(row, column)
                        setattr(row, column, text.replace(person.display_name, placeholder))
        if scope is not None:
            others = {p.id for p in self._t.partnerships.values() if p.id != scope}
            for other in others:
                if person_id in await self.referenced_by(other):
                    return False
        del self._t.persons[person_id]
        return True

    async def referenced_by(self, partnership_id: int) -> set[int]:
        found: set[int] = set()
        for c in self._t.contacts.values():
            if self._member_partnership(c.member_id) == partnership_id:
                found.add(c.person_id)
        found |= {i for p, i in self._t.coordinators if p == partnership_id}
        found |= {i for r, i in self._t.presence if self._room_partnership(r) == partnership_id}
        for table, columns in _PERSON_COLUMNS.items():
            for row in getattr(self._t, table).values():
                if self._partnership_of(table, row) == partnership_id:
                    found |= {getattr(row, c) for c in columns} - {None}
        return found
