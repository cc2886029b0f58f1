"""What a handler gets: the event, its arguments, the partnership, and the means to act."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.clock import Clock
from bot.core.events import Event
from bot.core.model import Partnership, Person, Room
from bot.core.reply import Paragraph, Reply
from bot.core.router import Command, Router
from bot.i18n import Catalog
from bot.services.ports import UnitOfWork


@dataclass
class Context:
    event: Event
    command: Command | None
    args: str
    lang: str
    uow: UnitOfWork
    clock: Clock
    catalog: Catalog
    router: Router
    person: Person
    partnership: Partnership | None
    room: Room | None
    is_coordinator: bool
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def german(self) -> bool:
        return self.lang == "de"

    def t(self, key: str, **params: Any) -> Paragraph:
        return self.catalog.para(self.lang, key, **params)

    def say(self, key: str, **params: Any) -> Reply:
        return Reply.of(self.t(key, **params))

    @property
    def p(self) -> Partnership:
        """The room's partnership; only for commands registered with needs_partnership."""
        assert self.partnership is not None
        return self.partnership

    @property
    def r(self) -> Room:
        assert self.room is not None
        return self.room
