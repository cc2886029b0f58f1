"""The console script format (DESIGN.md section 4), parsed into neutral steps.

@anna: /setup Klima-Allianz      a message from "anna" in the current room
  second line                    a line starting with two spaces continues the message
:admin anna                      anna is an administrator of the current room
:join bernd / :leave bernd       platform join and leave events
:time 2027-03-01 09:00           the clock moves forward to this local time
:room other                      switch rooms (created on first use)
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Say:
    user: str
    text: str


@dataclass(frozen=True)
class Directive:
    name: str
    argument: str


@dataclass(frozen=True)
class Bad:
    line_number: int
    line: str


Step = Say | Directive | Bad
DIRECTIVES = ("admin", "join", "leave", "time", "room")
DEFAULT_USER = "console"
"""Who says a line that names nobody (`/hilfe` rather than `@anna: /hilfe`) in scripts and
tests; `partnerbot console` uses the login name of whoever types (`login_name`)."""


def login_name() -> str:
    """The person at the terminal, so that replies read "aufgenommen von anna"."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):
        name = ""
    return name if re.fullmatch(r"[\w.-]{1,32}", name) else DEFAULT_USER


def names_admins(lines: Iterable[str]) -> bool:
    """Whether a script says itself who administers a room (an `:admin` line); if it does
    not, the console makes its default user administrator of every room, as the README says."""
    return any(isinstance(step, Directive) and step.name == "admin" for step in parse_script(lines))


def parse_script(lines: Iterable[str], default_user: str = DEFAULT_USER) -> Iterator[Step]:
    pending: Say | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if pending is not None and line.startswith("  ") and line.strip():
            pending = Say(pending.user, pending.text + "\n" + line[2:])
            continue
        if pending is not None:
            yield pending
            pending = None
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@") and ":" in stripped:
            user, _, text = stripped[1:].partition(":")
            if user.strip():
                pending = Say(user.strip(), text.strip())
                continue
        if stripped.startswith(":"):
            name, _, argument = stripped[1:].partition(" ")
            if name in DIRECTIVES and argument.strip():
                yield Directive(name, argument.strip())
                continue
            yield Bad(number, stripped)
            continue
        pending = Say(default_user, stripped)
    if pending is not None:
        yield pending
