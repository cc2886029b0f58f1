"""The Telegram adapter's own bookkeeping: how far updates were taken and answered, and who
administers which group (asked of Telegram, cached for a while)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ADMINS_STALE_AFTER = timedelta(minutes=10)
MARK_TRUSTED_FOR = timedelta(hours=24)
"""Telegram keeps an update at most a day, so an older mark covers nothing still pending; and
after a week without updates Telegram may start the ids anew, below the mark."""


@dataclass(frozen=True)
class Mark:
    """An update id and when it was taken: the newest update handled (or answered) so far."""

    update_id: int
    at: datetime

    def covers(self, update_id: int, now: datetime) -> bool:
        return update_id <= self.update_id and now - self.at < MARK_TRUSTED_FOR

    def encode(self) -> str:
        return f"{self.update_id} {self.at.isoformat()}"

    @classmethod
    def decode(cls, value: str) -> Mark | None:
        """None for anything but what `encode` writes."""
        number, _, at = value.partition(" ")
        try:
            mark = cls(int(number), datetime.fromisoformat(at))
        except ValueError:
            return None
        return mark if mark.at.tzinfo is not None else None


@dataclass
class _Admins:
    ids: frozenset[int]
    fetched_at: datetime


class AdminCache:
    """Group administrators per chat, trusted for a while or until a member changes."""

    def __init__(self, stale_after: timedelta = ADMINS_STALE_AFTER) -> None:
        self.stale_after = stale_after
        self._entries: dict[int, _Admins] = {}

    def get(self, chat_id: int, now: datetime) -> frozenset[int] | None:
        entry = self._entries.get(chat_id)
        if entry is None or now - entry.fetched_at >= self.stale_after:
            return None
        return entry.ids

    def put(self, chat_id: int, ids: frozenset[int], now: datetime) -> None:
        self._entries[chat_id] = _Admins(ids, now)

    def forget(self, chat_id: int) -> None:
        self._entries.pop(chat_id, None)
