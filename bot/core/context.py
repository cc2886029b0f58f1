"""What a handler gets: the command's arguments, the call its use case runs in, and the
texts to answer in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.events import Event
from bot.core.model import Partnership, Person, Room
from bot.core.reply import Paragraph, Reply
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases.base import Call


@dataclass
class Context:
    event: Event
    args: str
    """The command's arguments as typed (after the command word and subcommand)."""
    call: Call
    """Pass it to the use case the handler calls."""
    texts: Texts
    confirming: Paragraph | None = None
    """What a command that asks first is about to do, in words ("Das Treffen am … absagen?");
    the question names it rather than repeating the command line."""

    @property
    def lang(self) -> str:
        return self.texts.lang

    @property
    def german(self) -> bool:
        return self.texts.german

    @property
    def catalog(self) -> Catalog:
        return self.texts.catalog

    @property
    def now(self) -> datetime:
        return self.call.now

    @property
    def person(self) -> Person:
        return self.call.person

    @property
    def partnership(self) -> Partnership:
        """The room's partnership (commands that need none are registered so)."""
        return self.call.partnership

    @property
    def room(self) -> Room | None:
        return self.call.room

    @property
    def is_coordinator(self) -> bool:
        return self.call.actor.is_coordinator

    def t(self, key: str, **params: Any) -> Paragraph:
        return self.texts.t(key, **params)

    def say(self, key: str, **params: Any) -> Reply:
        return self.texts.say(key, **params)
