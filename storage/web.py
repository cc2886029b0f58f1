"""The web site's links and settings (`bot.usecases.ports_reach.WebRepository`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from bot.core.model_web import PARTS, WebLink, WebSettings
from storage.models_web import WebLinkRow, WebSettingsRow
from storage.repository import SqlRepository


def _link(row: WebLinkRow) -> WebLink:
    return WebLink(
        row.id, row.partnership_id, row.person_id, row.kind, row.token_hash, row.created_at
    )


def _settings(row: WebSettingsRow) -> WebSettings:
    parts = frozenset(p for p in row.public_parts.split(",") if p in PARTS)
    return WebSettings(row.partnership_id, parts, row.public_id, row.show_contacts)


class SqlWeb(SqlRepository):
    async def add_link(self, link: WebLink) -> None:
        self.session.add(
            WebLinkRow(
                partnership_id=link.partnership_id,
                person_id=link.person_id,
                kind=link.kind,
                token_hash=link.token_hash,
                created_at=link.created_at,
            )
        )
        await self.session.flush()

    async def find_link(self, token_hash: str) -> WebLink | None:
        row = await self.session.scalar(
            select(WebLinkRow).where(WebLinkRow.token_hash == token_hash)
        )
        return _link(row) if row is not None else None

    async def remove_links(
        self, partnership_id: int, kinds: Sequence[str], person_id: int | None = None
    ) -> int:
        where = (WebLinkRow.partnership_id == partnership_id) & WebLinkRow.kind.in_(list(kinds))
        if person_id is not None:
            where &= WebLinkRow.person_id == person_id
        result = await self.session.execute(delete(WebLinkRow).where(where))
        return int(getattr(result, "rowcount", 0) or 0)

    async def links(self, partnership_id: int, kind: str) -> list[WebLink]:
        rows = await self.session.scalars(
            select(WebLinkRow)
            .where(WebLinkRow.partnership_id == partnership_id, WebLinkRow.kind == kind)
            .order_by(WebLinkRow.id)
        )
        return [_link(row) for row in rows]

    async def settings(self, partnership_id: int) -> WebSettings:
        row = await self.session.get(WebSettingsRow, partnership_id)
        return _settings(row) if row is not None else WebSettings(partnership_id)

    async def save_settings(self, settings: WebSettings) -> None:
        row = await self.session.get(WebSettingsRow, settings.partnership_id)
        if row is None:
            row = WebSettingsRow(partnership_id=settings.partnership_id)
            self.session.add(row)
        row.public_parts = ",".join(p for p in PARTS if p in settings.public_parts)
        row.public_id = settings.public_id
        row.show_contacts = settings.show_contacts
        await self.session.flush()

    async def by_public_id(self, public_id: str) -> WebSettings | None:
        if not public_id:
            return None
        row = await self.session.scalar(
            select(WebSettingsRow).where(WebSettingsRow.public_id == public_id)
        )
        return _settings(row) if row is not None else None
