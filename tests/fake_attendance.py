"""The in-memory replies to meeting invitations (`tests/fakes.py`)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from bot.core.attendance import MeetingReply
from bot.core.mail import EmailAddress
from tests.fake_tables import Repository, stored


class FakeReplies(Repository):
    async def of_meetings(self, meeting_ids: Sequence[int]) -> list[MeetingReply]:
        found = [r for r in self._t.replies.values() if r.meeting_id in set(meeting_ids)]
        return [copy.deepcopy(r) for r in sorted(found, key=lambda r: r.at)]

    async def put(self, reply: MeetingReply) -> None:
        self._t.replies[(reply.meeting_id, reply.person_id)] = stored(reply)
        self._wrote()


class FakeEmails(Repository):
    """The in-memory world has no e-mail recipients: only what the counts read of them."""

    async def of_partnership(self, partnership_id: int) -> list[EmailAddress]:
        return []
