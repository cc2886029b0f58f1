"""The tables of the in-memory unit of work (`tests/fakes.py`), the helpers its repositories
share, and the repositories of people, reminders, agenda, minutes and action items."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from bot.core.attendance import MeetingReply
from bot.core.events import Identity, RoomRef
from bot.core.model import (
    ActionItem,
    AgendaItem,
    AuditEntry,
    Contact,
    HandledEvent,
    LinkCode,
    Meeting,
    Member,
    MinuteEntry,
    Minutes,
    OutboxMessage,
    Partnership,
    Person,
    Reminder,
    ReminderSetting,
    Room,
    RotationOverride,
)
from bot.core.poll_messages import PollMessage

T = TypeVar("T")


class Row(Protocol):
    id: int


R = TypeVar("R", bound=Row)


class FakeIntegrityError(Exception):
    """A unique constraint the SQL schema has was violated."""


def utc(value: Any) -> Any:
    """Datetimes as the database gives them back: aware, in UTC; a naive one is refused."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)
    return value


def stored(item: T) -> T:
    """A deep copy with every datetime field in UTC, as a row read back would be."""
    item = copy.deepcopy(item)
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            if isinstance(value, datetime):
                object.__setattr__(item, f.name, utc(value))
    return item


def as_json(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload after a round trip through the JSON column."""
    result: dict[str, Any] = json.loads(json.dumps(payload, ensure_ascii=False, sort_keys=True))
    return result


def ordered(rows: Iterable[T], key: Callable[[T], Any]) -> list[T]:
    """Copies of `rows` in the order of `key`."""
    return [copy.deepcopy(r) for r in sorted(rows, key=key)]


@dataclass
class Tables:
    """The rows, table by table, keyed like the SQL primary keys."""

    partnerships: dict[int, Partnership] = field(default_factory=dict)
    rooms: dict[int, Room] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    persons: dict[int, Person] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    coordinators: dict[tuple[int, int], datetime] = field(default_factory=dict)
    """(partnership id, person id) -> granted at"""
    presence: dict[tuple[int, int], datetime] = field(default_factory=dict)
    """(room id, person id) -> since"""
    link_codes: dict[str, LinkCode] = field(default_factory=dict)
    link_attempts: list[tuple[RoomRef, Identity, datetime]] = field(default_factory=list)
    """Failed /link redemptions: (room, account, when)."""
    audit: dict[int, AuditEntry] = field(default_factory=dict)
    outbox: dict[int, OutboxMessage] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    handled_events: dict[tuple[str, str], HandledEvent] = field(default_factory=dict)
    poll_messages: dict[tuple[RoomRef, str], PollMessage] = field(default_factory=dict)
    meetings: dict[int, Meeting] = field(default_factory=dict)
    overrides: dict[int, RotationOverride] = field(default_factory=dict)
    reminders: dict[int, Reminder] = field(default_factory=dict)
    reminder_settings: dict[tuple[int, str], ReminderSetting] = field(default_factory=dict)
    agenda: dict[int, AgendaItem] = field(default_factory=dict)
    minutes: dict[int, Minutes] = field(default_factory=dict)
    entries: dict[int, MinuteEntry] = field(default_factory=dict)
    actions: dict[int, ActionItem] = field(default_factory=dict)
    date_polls: dict[int, Any] = field(default_factory=dict)
    date_votes: dict[tuple[int, int], Any] = field(default_factory=dict)
    """(poll id, person id) -> the person's latest answer (see `tests/fake_polls.py`)"""
    replies: dict[tuple[int, int], MeetingReply] = field(default_factory=dict)
    """(meeting id, person id) -> the person's latest reply"""
    rotation_states: dict[int, tuple[datetime, str, str]] = field(default_factory=dict)
    """partnership id -> (as of, fingerprint, state) of the kept rotation state"""


class Working(Protocol):
    """The unit of work as its repositories see it: the working copy, and whether it wrote."""

    working: Tables
    wrote: bool


class Repository:
    def __init__(self, uow: Working) -> None:
        self._uow = uow

    @property
    def _t(self) -> Tables:
        return self._uow.working

    def _wrote(self) -> None:
        self._uow.wrote = True

    def _insert(self, rows: dict[int, R], make: Callable[[int], R]) -> R:
        """A new row with the next id (the highest plus one, as SQLite's rowid)."""
        item = stored(make(max(rows, default=0) + 1))
        rows[item.id] = item
        self._wrote()
        return copy.deepcopy(item)

    def _update(self, rows: dict[int, R], item: R, *names: str) -> None:
        """An UPDATE of the given columns of the row with `item`'s id (none: nothing)."""
        self._wrote()
        row = rows.get(item.id)
        if row is not None:
            for name in names:
                setattr(row, name, utc(copy.deepcopy(getattr(item, name))))
