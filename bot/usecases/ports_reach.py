"""The storage ports of the ways the bot reaches people beyond the chat commands: replies to
invitations, e-mail addresses and the web page's links (see `bot.usecases.ports`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.core.attendance import MeetingReply
from bot.core.mail import EmailAddress, EmailSetting
from bot.core.model_web import WebLink, WebSettings


class WebRepository(Protocol):
    """The web site's secret links (by the hash of their token) and its public parts."""

    async def add_link(self, link: WebLink) -> None: ...
    async def find_link(self, token_hash: str) -> WebLink | None: ...
    async def remove_links(
        self, partnership_id: int, kinds: Sequence[str], person_id: int | None = None
    ) -> int:
        """Remove the partnership's links of these kinds (only the person's, when given)."""
        ...

    async def links(self, partnership_id: int, kind: str) -> list[WebLink]: ...
    async def settings(self, partnership_id: int) -> WebSettings: ...
    async def save_settings(self, settings: WebSettings) -> None: ...
    async def by_public_id(self, public_id: str) -> WebSettings | None: ...


class ReplyRepository(Protocol):
    """Replies to meeting invitations (see `bot.core.attendance`)."""

    async def of_meetings(self, meeting_ids: Sequence[int]) -> list[MeetingReply]:
        """The latest reply of each person to each of the meetings, oldest first."""
        ...

    async def put(self, reply: MeetingReply) -> None:
        """Keep the reply, replacing the person's earlier one to the same meeting."""
        ...


class EmailRepository(Protocol):
    """The partnerships' e-mail recipients (`bot.core.mail`) and their kinds switched off."""

    async def of_partnership(self, partnership_id: int) -> list[EmailAddress]: ...
    async def count(self, partnership_id: int) -> int: ...
    async def by_stop_code(self, stop_code: str) -> EmailAddress | None: ...
    async def by_answer_code(self, answer_code: str) -> EmailAddress | None: ...
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
    ) -> None: ...
    async def save(self, item: EmailAddress) -> None: ...
    async def remove(self, address_id: int) -> None: ...
    async def settings(self, partnership_id: int) -> list[EmailSetting]:
        """Only the kinds changed from their default (on)."""
        ...

    async def save_setting(self, setting: EmailSetting) -> None: ...
