"""Date polls in SQL: the poll with its times, and each person's latest answer."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from bot.core.model_polls import DateOption, DatePoll, DateVote
from storage.models_polls import DatePollOptionRow, DatePollRow, DatePollVoteRow
from storage.repository import SqlRepository


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in text.split(",") if n)


class SqlDatePolls(SqlRepository):
    async def _poll(self, row: DatePollRow) -> DatePoll:
        options = await self.session.scalars(
            select(DatePollOptionRow)
            .where(DatePollOptionRow.poll_id == row.id)
            .order_by(DatePollOptionRow.number)
        )
        return DatePoll(
            id=row.id,
            partnership_id=row.partnership_id,
            options=tuple(DateOption(o.number, o.starts_at, o.ends_at) for o in options),
            deadline=row.deadline,
            created_at=row.created_at,
            host_member_id=row.host_member_id,
            created_by=row.created_by,
            status=row.status,
            closed_at=row.closed_at,
            proposal=row.proposal,
            meeting_id=row.meeting_id,
        )

    async def latest(self, partnership_id: int) -> DatePoll | None:
        row = await self.session.scalar(
            select(DatePollRow)
            .where(DatePollRow.partnership_id == partnership_id)
            .order_by(DatePollRow.id.desc())
            .limit(1)
        )
        return await self._poll(row) if row is not None else None

    async def get(self, poll_id: int) -> DatePoll | None:
        row = await self.session.get(DatePollRow, poll_id)
        return await self._poll(row) if row is not None else None

    async def of_partnership(self, partnership_id: int) -> list[DatePoll]:
        rows = await self.session.scalars(
            select(DatePollRow)
            .where(DatePollRow.partnership_id == partnership_id)
            .order_by(DatePollRow.id)
        )
        return [await self._poll(r) for r in rows.all()]

    async def add(
        self,
        partnership_id: int,
        options: tuple[DateOption, ...],
        deadline: datetime,
        host_member_id: int | None,
        created_by: int | None,
        now: datetime,
    ) -> DatePoll:
        row = DatePollRow(
            partnership_id=partnership_id,
            host_member_id=host_member_id,
            created_by=created_by,
            created_at=now,
            deadline=deadline,
            status="open",
        )
        self.session.add(row)
        await self.session.flush()
        for option in options:
            self.session.add(
                DatePollOptionRow(
                    poll_id=row.id,
                    number=option.number,
                    starts_at=option.starts_at,
                    ends_at=option.ends_at,
                )
            )
        await self.session.flush()
        return await self._poll(row)

    async def save(self, poll: DatePoll) -> None:
        await self.session.execute(
            update(DatePollRow)
            .where(DatePollRow.id == poll.id)
            .values(
                status=poll.status,
                closed_at=poll.closed_at,
                proposal=poll.proposal,
                meeting_id=poll.meeting_id,
                deadline=poll.deadline,
            )
        )

    async def votes(self, poll_id: int) -> list[DateVote]:
        rows = await self.session.scalars(
            select(DatePollVoteRow)
            .where(DatePollVoteRow.poll_id == poll_id)
            .order_by(DatePollVoteRow.voted_at, DatePollVoteRow.id)
        )
        return [
            DateVote(r.poll_id, r.person_id, _numbers(r.numbers), r.voted_at, r.via) for r in rows
        ]

    async def withdraw(self, poll_id: int, person_id: int) -> None:
        await self.session.execute(
            delete(DatePollVoteRow).where(
                DatePollVoteRow.poll_id == poll_id, DatePollVoteRow.person_id == person_id
            )
        )

    async def vote(self, vote: DateVote) -> None:
        await self.withdraw(vote.poll_id, vote.person_id)
        self.session.add(
            DatePollVoteRow(
                poll_id=vote.poll_id,
                person_id=vote.person_id,
                numbers=",".join(str(n) for n in sorted(set(vote.numbers))),
                voted_at=vote.voted_at,
                via=vote.via,
            )
        )
        await self.session.flush()
