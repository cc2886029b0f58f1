"""Structured logs: one line per event, `key=value` or JSON, for journald or a log shipper.

Every line carries the partnership and room of the event being handled, when there is one.
What people write never goes into a line at INFO: a command is logged by its name (or
"unknown"), never its arguments. Configured secrets are replaced by `***` in every line,
whatever logged them (an exception text with a token in a URL, say).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from bot.core.router import Router
from bot.core.secrets import Masker
from bot.observers import EventReport

FORMATS = ("keyvalue", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
KEY_MATERIAL = (
    "peewee",
    "nio",
    "aiohttp",
    "asyncpg",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "httpx",
    "httpcore",
)
"""Loggers capped at WARNING whatever the level: below it they log what they carry. nio's
store writes the Olm account and Megolm sessions through peewee's query log (with their
pickles as parameters); nio and aiohttp log requests and to-device payloads; asyncpg and
SQLAlchemy's engine echo statements with their values; httpx and httpcore log request
URLs, and Telegram's carries the bot token."""


@dataclass(frozen=True)
class _Current:
    """The event being handled in this task, and its command as it may be logged."""

    handled: EventReport
    command: str | None

    def fields(self) -> dict[str, Any]:
        handled = self.handled
        return {
            "event": handled.kind,
            "platform": handled.platform,
            "room": handled.room.room_id,
            "partnership": handled.partnership_id,
            "command": self.command,
        }


_event: ContextVar[_Current | None] = ContextVar("partnerbot_log_event", default=None)


def fields(**values: Any) -> dict[str, Any]:
    """`log.info("...", extra=fields(a=1))`: values that become their own keys."""
    return {"fields": values}


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    current = _event.get()
    if current is not None:
        values.update(current.fields())
    values.update(getattr(record, "fields", {}) or {})
    if record.exc_info:
        kind = record.exc_info[0]
        values["error"] = kind.__name__ if kind else "error"
        values["traceback"] = logging.Formatter().formatException(record.exc_info)
    return values


def _kv(value: Any) -> str:
    text = str(value)
    if text and not any(c in text for c in ' "=\\\n\r\t'):
        return text
    return json.dumps(text, ensure_ascii=False)


class LineFormatter(logging.Formatter):
    """One event, one line, secrets masked."""

    def __init__(self, style: str = "keyvalue", secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.style = style
        self.mask = Masker(secrets)

    def format(self, record: logging.LogRecord) -> str:
        values = _record_fields(record)
        if self.style == "json":
            line = json.dumps(values, ensure_ascii=False, default=str)
        else:
            line = " ".join(f"{k}={_kv(v)}" for k, v in values.items() if v is not None)
        return self.mask(line)


def configure(
    level: str = "INFO",
    style: str = "keyvalue",
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Route every logger through one line-per-event handler (replacing earlier handlers)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(LineFormatter(style, secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for carrier in KEY_MATERIAL:
        logging.getLogger(carrier).setLevel(max(logging.WARNING, root.level))
    return handler


class EventLog:
    """Logs every event the app handles as one line, with its partnership and room.

    One of the app's observers: the app says which room and partnership an event belongs
    to, so logging costs no database lookup. While an event is handled, every other line
    logged carries its room and (once the app knows it) its partnership too."""

    def __init__(self, router: Router) -> None:
        self.log = logging.getLogger("partnerbot.events")
        self._words = {w for c in router.commands for w in (c.name, c.alias)}
        self._tokens: dict[int, Token[_Current | None]] = {}

    def event_started(self, handled: EventReport) -> None:
        command = handled.command
        label = None if command is None else command if command in self._words else "unknown"
        self._tokens[id(handled)] = _event.set(_Current(handled, label))

    def event_handled(self, handled: EventReport) -> None:
        ms = round(handled.seconds * 1000, 1)
        try:
            if handled.error is None:
                self.log.info("event handled", extra=fields(outcome=handled.outcome, ms=ms))
            else:
                self.log.error(
                    "event failed",
                    extra=fields(outcome=handled.outcome, ms=ms, error=handled.error),
                )
        finally:
            token = self._tokens.pop(id(handled), None)
            if token is not None:
                _event.reset(token)
