"""People and their identities on the platforms; what is stored about one of them, and
forgetting them (`storage.personal_data` does the table-by-table work)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import aliased

from bot.core.events import Identity
from bot.core.model import Person
from storage.cache import ANY_TABLE, wrote
from storage.models import IdentityRow, PersonRow
from storage.personal_data import forget_person, person_record, persons_of_partnership
from storage.repository import SqlRepository


class SqlPersons(SqlRepository):
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
        return await self.session.run_sync(
            lambda s: person_record(s.connection(), person_id, partnership_id)
        )

    async def forget(
        self, person_id: int, placeholder: str, partnership_id: int | None = None
    ) -> bool:
        erased = await self.session.run_sync(
            lambda s: forget_person(s.connection(), person_id, placeholder, partnership_id)
        )
        wrote(self.session.sync_session, ANY_TABLE)  # past the ORM, which would not say so
        return erased

    async def referenced_by(self, partnership_id: int) -> set[int]:
        return await self.session.run_sync(
            lambda s: persons_of_partnership(s.connection(), partnership_id)
        )
