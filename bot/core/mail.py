"""E-mail recipients as the domain sees them: an address confirmed by its owner (double
opt-in) before anything but the confirmation is sent to it, and stopped by them at will.

The kinds of e-mail a partnership can switch on and off are listed here once: the settings
command, the channel and the help all read them from `KINDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.errors import HeaderParseError, MessageDefect
from email.headerregistry import Address

KINDS = ("invitation", "changes", "agenda", "minutes", "actions", "datepoll")
"""invitation: a meeting is scheduled; changes: moved or cancelled; agenda: the final agenda
at the deadline; minutes: after the meeting; actions: to each action item's owner;
datepoll: a date poll started (with the address's answer link)."""

MAX_ADDRESS = 254
"""RFC 5321's limit for a path, so the relay never refuses an address we stored."""


@dataclass
class EmailAddress:
    """One recipient of a partnership: an office address of a member (Funktionspostfach,
    `person_id` None) or a contact person's own (`person_id` set)."""

    id: int
    partnership_id: int
    address: str
    member_id: int | None
    person_id: int | None
    status: str
    """"pending" (code sent, not confirmed), "confirmed", or "stopped" (by its owner)."""
    code_hash: str
    code_attempts: int
    stop_code: str
    created_at: datetime
    confirmed_at: datetime | None = None
    answer_code: str = ""
    """The secret in the address's answer link (`/a/<code>`): random, made anew whenever
    the address is added again; dies with the address (removed, stopped)."""
    voter_id: int | None = None
    """An office address's stand-in person, under whom its answers are kept (it speaks
    for its member); None for a person's own address (they answer as themselves)."""

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


@dataclass(frozen=True)
class EmailSetting:
    partnership_id: int
    kind: str
    enabled: bool


def normalise_address(text: str) -> str | None:
    """The address as stored (domain lower-cased), or None when it is no single plain
    address: no display name, no list, no line breaks, a domain with a dot."""
    if not text or len(text) > MAX_ADDRESS or any(c.isspace() or ord(c) < 32 for c in text):
        return None
    try:
        parsed = Address(addr_spec=text)
    except (ValueError, HeaderParseError, MessageDefect, IndexError):
        return None
    domain = parsed.domain.lower()
    labels = domain.split(".")
    if not parsed.username or len(labels) < 2 or not all(labels) or domain.startswith("["):
        return None
    if not all(label.replace("-", "").isalnum() for label in labels):
        return None
    return f"{parsed.username}@{domain}"
