"""Commands and their metadata, and how a chat line is matched to one.

Every command is registered once with its English name, German alias, optional
subcommand and the use case it calls; `/help` and the permission checks read the use case's
declared permission.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.core.permissions import Permission, Who
from bot.core.reply import Reply

if TYPE_CHECKING:
    from bot.core.context import Context


class Declared(Protocol):
    """A use case: it declares who may run it."""

    @property
    def permission(self) -> Permission: ...


Handler = Callable[["Context"], Awaitable[Reply | None]]
EventHook = Callable[["Context"], Awaitable[None]]
VoteHook = Callable[["Context"], Awaitable[Reply | None]]
"""Takes a vote on one kind of the bot's polls (the event is `ctx.event`); returns what to
answer the voter in the room, or None."""

_COMMAND_LINE = re.compile(r"^[/!](?P<name>[^\s@/!]+)(?:@(?P<bot>\S+))?(?:\s+(?P<rest>.*))?$", re.S)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class Command:
    """One command (or subcommand) with everything /help says about it.

    `key` names its texts in the catalogs: `<key>.args`, `<key>.help`, `<key>.example`.
    """

    name: str
    alias: str
    handler: Handler
    sub: str | None = None
    sub_alias: str | None = None
    needs_partnership: bool = True
    hidden: bool = False
    confirm: bool = False
    """Destructive: the app asks the caller to confirm before anything is kept."""
    uses: Declared | tuple[Declared, ...] | None = None
    """The use case the handler calls; its permission is the command's. A handler that
    picks one of several by its arguments (`/link` makes a code, `/link <code>` redeems it)
    names them all: then each use case decides, and /help shows who may run any of them."""

    @property
    def use_cases(self) -> tuple[Declared, ...]:
        if self.uses is None:
            return ()
        return self.uses if isinstance(self.uses, tuple) else (self.uses,)

    @property
    def decided_early(self) -> bool:
        """Whether the app may refuse before the arguments are read (one use case)."""
        return len(self.use_cases) <= 1

    @property
    def permission(self) -> Permission:
        if len(self.use_cases) == 1:
            return self.use_cases[0].permission
        allowed = tuple(dict.fromkeys(w for u in self.use_cases for w in u.permission.allowed))
        return Permission(self.key, allowed or (Who.ANYONE,))

    @property
    def key(self) -> str:
        return f"cmd.{self.name}" + (f".{self.sub}" if self.sub else "")

    def invocation(self, german: bool) -> str:
        name = self.alias if german else self.name
        sub = (self.sub_alias if german else self.sub) if self.sub else None
        return f"/{name}" + (f" {sub}" if sub else "")


@dataclass(frozen=True)
class ParsedCommand:
    word: str
    addressed_to: str | None
    rest: str


def parse_command_line(text: str) -> ParsedCommand | None:
    """`/cmd args`, `!cmd args` or `/cmd@botname args`; anything else is plain chat."""
    match = _COMMAND_LINE.match(text.strip())
    if not match:
        return None
    return ParsedCommand(
        word=match["name"].casefold(),
        addressed_to=match["bot"],
        rest=(match["rest"] or "").strip(),
    )


@dataclass(frozen=True)
class Match:
    command: Command
    args: str


class UnknownSubcommand(Exception):
    def __init__(self, family: list[Command]) -> None:
        self.family = family


class Router:
    """The registry of commands; `resolve` finds the command a chat line asks for."""

    def __init__(self) -> None:
        self.commands: list[Command] = []
        self.join_hooks: list[EventHook] = []
        self.leave_hooks: list[EventHook] = []
        self.vote_hooks: dict[str, VoteHook] = {}

    def on_join(self, hook: EventHook) -> EventHook:
        """Called when somebody joins a linked room (the platform's join event)."""
        self.join_hooks.append(hook)
        return hook

    def on_leave(self, hook: EventHook) -> EventHook:
        self.leave_hooks.append(hook)
        return hook

    def on_vote(self, kind: str) -> Callable[[VoteHook], VoteHook]:
        """Votes on the bot's polls whose key is `<kind>:<id>` ("datepoll:12")."""

        def register(hook: VoteHook) -> VoteHook:
            if kind in self.vote_hooks:
                raise ValueError(f"poll kind {kind} registered twice")
            self.vote_hooks[kind] = hook
            return hook

        return register

    def vote_hook(self, poll_key: str) -> VoteHook | None:
        """The hook for a poll key's kind, if any kind of poll registered it."""
        kind, sep, _ = poll_key.partition(":")
        return self.vote_hooks.get(kind) if sep else None

    def add(
        self,
        name: str,
        alias: str,
        sub: str | None = None,
        sub_alias: str | None = None,
        needs_partnership: bool = True,
        hidden: bool = False,
        confirm: bool = False,
        uses: Declared | tuple[Declared, ...] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register a handler; `uses` names the use case it calls (whose permission holds)."""

        def register(handler: Handler) -> Handler:
            command = Command(
                name,
                alias,
                handler,
                sub,
                sub_alias,
                needs_partnership,
                hidden,
                confirm,
                uses,
            )
            for known in self.commands:
                if known.key == command.key:
                    raise ValueError(f"{command.key} registered twice")
            self.commands.append(command)
            return handler

        return register

    def family(self, word: str) -> list[Command]:
        """All commands (with their subcommands) called `word` in English or German."""
        word = word.casefold().translate(_UMLAUTS)
        return [c for c in self.commands if word in (c.name, c.alias)]

    def resolve(self, parsed: ParsedCommand) -> Match | None:
        family = self.family(parsed.word)
        if not family:
            return None
        first, _, remainder = parsed.rest.partition(" ")
        first_word = first.casefold()
        first_word = first_word.translate(_UMLAUTS)
        for command in family:
            if command.sub and first_word in (command.sub, command.sub_alias):
                return Match(command, remainder.strip())
        for command in family:
            if command.sub is None:
                return Match(command, parsed.rest)
        raise UnknownSubcommand(family)

    def closest(self, word: str, german: bool) -> str | None:
        """The visible command name most like a mistyped `word` ("termn" -> "termin")."""
        names = {(c.alias if german else c.name) for c in self.commands if not c.hidden}
        names |= {c.name for c in self.commands if not c.hidden}
        found = difflib.get_close_matches(word.casefold().translate(_UMLAUTS), names, 1, 0.75)
        return found[0] if found else None

    def top_level(self) -> list[Command]:
        """One entry per command family, in registration order, for /help."""
        seen: set[str] = set()
        result: list[Command] = []
        for command in self.commands:
            if command.name not in seen:
                seen.add(command.name)
                result.append(command)
        return result
