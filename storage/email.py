"""E-mail recipients and the e-mail kinds of partnerships (`ports_reach.EmailRepository`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select

from bot.core.mail import EmailAddress, EmailSetting
from storage.models_email import EmailAddressRow, EmailSettingRow
from storage.repository import SqlRepository


def _address(row: EmailAddressRow) -> EmailAddress:
    return EmailAddress(
        id=row.id,
        partnership_id=row.partnership_id,
        address=row.address,
        member_id=row.member_id,
        person_id=row.person_id,
        status=row.status,
        code_hash=row.code_hash,
        code_attempts=row.code_attempts,
        stop_code=row.stop_code,
        created_at=row.created_at,
        confirmed_at=row.confirmed_at,
        answer_code=row.answer_code or "",
        voter_id=row.voter_id,
    )


class SqlEmails(SqlRepository):
    async def of_partnership(self, partnership_id: int) -> list[EmailAddress]:
        rows = await self.session.scalars(
            select(EmailAddressRow)
            .where(EmailAddressRow.partnership_id == partnership_id)
            .order_by(EmailAddressRow.id)
        )
        return [_address(r) for r in rows]

    async def count(self, partnership_id: int) -> int:
        found = await self.session.scalar(
            select(func.count())
            .select_from(EmailAddressRow)
            .where(EmailAddressRow.partnership_id == partnership_id)
        )
        return int(found or 0)

    async def by_stop_code(self, stop_code: str) -> EmailAddress | None:
        row = await self.session.scalar(
            select(EmailAddressRow).where(EmailAddressRow.stop_code == stop_code)
        )
        return _address(row) if row is not None else None

    async def by_answer_code(self, answer_code: str) -> EmailAddress | None:
        if not answer_code:
            return None
        row = await self.session.scalar(
            select(EmailAddressRow).where(EmailAddressRow.answer_code == answer_code)
        )
        return _address(row) if row is not None else None

    async def add(
        self,
        partnership_id: int,
        address: str,
        member_id: int | None,
        person_id: int | None,
        code_hash: str,
        stop_code: str,
        now: datetime,
        answer_code: str = "",
    ) -> None:
        """Flushed with the unit of work (a thousand addresses need no round trip each)."""
        row = EmailAddressRow(
            partnership_id=partnership_id,
            address=address,
            member_id=member_id,
            person_id=person_id,
            status="pending",
            code_hash=code_hash,
            code_attempts=0,
            stop_code=stop_code,
            created_at=now,
            answer_code=answer_code or None,
        )
        self.session.add(row)

    async def save(self, item: EmailAddress) -> None:
        row = await self.session.get(EmailAddressRow, item.id)
        if row is None:
            return
        row.member_id = item.member_id
        row.person_id = item.person_id
        row.status = item.status
        row.code_hash = item.code_hash
        row.code_attempts = item.code_attempts
        row.stop_code = item.stop_code
        row.confirmed_at = item.confirmed_at
        row.answer_code = item.answer_code or None
        row.voter_id = item.voter_id
        await self.session.flush()

    async def remove(self, address_id: int) -> None:
        await self.session.execute(delete(EmailAddressRow).where(EmailAddressRow.id == address_id))

    async def settings(self, partnership_id: int) -> list[EmailSetting]:
        rows = await self.session.scalars(
            select(EmailSettingRow).where(EmailSettingRow.partnership_id == partnership_id)
        )
        return [EmailSetting(r.partnership_id, r.kind, r.enabled) for r in rows]

    async def save_setting(self, setting: EmailSetting) -> None:
        row = await self.session.get(EmailSettingRow, (setting.partnership_id, setting.kind))
        if row is None:
            self.session.add(
                EmailSettingRow(
                    partnership_id=setting.partnership_id,
                    kind=setting.kind,
                    enabled=setting.enabled,
                )
            )
        else:
            row.enabled = setting.enabled
        await self.session.flush()
