"""The stored state of the host rotation (see `storage.models_history`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from storage.models_history import RotationStateRow
from storage.repository import SqlRepository


class SqlRotationStates(SqlRepository):
    async def get(self, partnership_id: int) -> tuple[datetime, str, str] | None:
        """(as_of, fingerprint, state), if one is kept."""

        async def load() -> list[tuple[datetime, str, str]]:
            row = (
                await self.session.execute(
                    select(
                        RotationStateRow.as_of, RotationStateRow.fingerprint, RotationStateRow.state
                    ).where(RotationStateRow.partnership_id == partnership_id)
                )
            ).first()
            return [(row[0], row[1], row[2])] if row is not None else []

        # a list, so that "none kept" is kept in the read cache too
        found = await self._cached(("rotation_state", partnership_id), load)
        return found[0] if found else None

    async def put(self, partnership_id: int, as_of: datetime, fingerprint: str, state: str) -> None:
        row = await self.session.get(RotationStateRow, partnership_id)
        if row is None:
            self.session.add(
                RotationStateRow(
                    partnership_id=partnership_id, as_of=as_of, fingerprint=fingerprint, state=state
                )
            )
        else:
            row.as_of, row.fingerprint, row.state = as_of, fingerprint, state
        await self.session.flush()

    async def drop(self, partnership_id: int) -> None:
        await self.session.execute(
            delete(RotationStateRow).where(RotationStateRow.partnership_id == partnership_id)
        )
