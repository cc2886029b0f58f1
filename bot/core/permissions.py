"""Who may run a use case, as data: declared once on the use case (`@use_case`), decided in
`bot.usecases.base.check`, printed by `/hilfe`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Who(Enum):
    """A kind of person a use case may allow; `/hilfe` names them (`who.<value>`)."""

    ANYONE = "anyone"
    ROOM_ADMIN = "room_admin"
    """An administrator of the room the call comes from, as its platform says."""
    COORDINATOR = "coordinator"
    """Granted the role in the bot, or an administrator of a linked room."""
    CONTACT = "contact"
    """A contact person of any active member."""
    HOST = "host"
    """A contact person of the member hosting the meeting concerned."""
    AUTHOR = "author"
    """Who created the thing concerned: proposed the agenda item, set the reminder."""
    MINUTE_TAKER = "minute_taker"
    """Who takes the minutes of the running meeting."""


STATIC = frozenset({Who.ANYONE, Who.ROOM_ADMIN, Who.COORDINATOR, Who.CONTACT})
"""Decided without knowing the thing concerned."""


@dataclass(frozen=True)
class Permission:
    """Who may run one use case. `refusal` names the catalog message for a refusal that
    depends on facts (it gets `host`); without it the app says who may."""

    name: str
    allowed: tuple[Who, ...]
    refusal: str | None = None

    @property
    def needs_facts(self) -> bool:
        return not set(self.allowed) <= STATIC

    @property
    def coordinators_only(self) -> bool:
        return set(self.allowed) <= {Who.COORDINATOR, Who.ROOM_ADMIN}
