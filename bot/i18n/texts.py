"""One language and one time zone: the sentences and dates of one reply or message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.permissions import Permission, Who
from bot.core.reply import Paragraph, Reply, Span
from bot.core.timefmt import fmt_date, fmt_datetime
from bot.i18n import Catalog


@dataclass(frozen=True)
class Texts:
    catalog: Catalog
    lang: str
    timezone: str

    @property
    def german(self) -> bool:
        return self.lang == "de"

    def t(self, key: str, **params: Any) -> Paragraph:
        """The message as a paragraph (user values stay plain text)."""
        return self.catalog.para(self.lang, key, **params)

    def text(self, key: str, **params: Any) -> str:
        return self.catalog.text(self.lang, key, **params)

    def command(self, key: str, style: str = "code") -> Span:
        """A catalog command line as a span the platform gives its prefix (see `Command`)."""
        return self.catalog.command(self.lang, key, style)

    def has(self, key: str) -> bool:
        return self.catalog.has(self.lang, key)

    def say(self, key: str, **params: Any) -> Reply:
        return Reply.of(self.t(key, **params))

    def when(self, at: datetime) -> str:
        """Date and time in the partnership's zone: "Do., 12.03.2027, 10:00"."""
        return fmt_datetime(at, self.lang, self.timezone)

    def date(self, at: datetime) -> str:
        return fmt_date(at, self.lang, self.timezone)

    def who(self, permission: Permission) -> str:
        """Who may run a use case, in words: "die Koordination und die Ansprechpartner*innen des
        gastgebenden Mitglieds"."""
        names = [self.text(f"who.{w.value}") for w in permission.allowed]
        if len(names) < 2:
            return "".join(names)
        return ", ".join(names[:-1]) + f" {self.text('who.and')} " + names[-1]

    def who_line(self, permission: Permission) -> str:
        """The sentence /hilfe shows under a command."""
        single = {(Who.ANYONE,), (Who.ROOM_ADMIN,), (Who.COORDINATOR,)}
        if permission.allowed in single:
            return self.text(f"help.role.{permission.allowed[0].value}")
        return self.text("help.role.some", who=self.who(permission))
