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
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import perf_counter
from typing import IO, Any

from bot.core.events import Event, MessageEvent
from bot.core.reply import Reply
from bot.core.router import Router, parse_command_line
from bot.services.ports import UnitOfWorkFactory

FORMATS = ("keyvalue", "json")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
REDACTED = "***"

_event: ContextVar[dict[str, Any] | None] = ContextVar("partnerbot_log_event", default=None)


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
    context = _event.get()
    if context:
        values.update({k: v for k, v in context.items() if not k.startswith("_")})
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
        self.secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        values = _record_fields(record)
        if self.style == "json":
            line = json.dumps(values, ensure_ascii=False, default=str)
        else:
            line = " ".join(f"{k}={_kv(v)}" for k, v in values.items() if v is not None)
        for secret in self.secrets:
            line = line.replace(secret, REDACTED)
        return line


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
    # Client libraries log request URLs (Telegram's carries the token) at INFO.
    for chatty in ("httpx", "httpcore", "aiohttp.access", "nio"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
    return handler


@dataclass
class _Handled:
    command: str | None = None
    outcome: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Handle = Callable[[Event], Awaitable[Reply | None]]


class EventLog:
    """Logs every event the app handles as one line, with its partnership and room.

    Installed around `App.handle` (the app stays as it is) and as one of its observers, which
    tells the command name and outcome."""

    def __init__(self, router: Router, uow_factory: UnitOfWorkFactory) -> None:
        self.uow_factory = uow_factory
        self.log = logging.getLogger("partnerbot.events")
        self._words = {w for c in router.commands for w in (c.name, c.alias)}

    def command_handled(self, name: str, outcome: str, seconds: float) -> None:
        context = _event.get()
        if context is not None:
            context["command"] = name if name in self._words else "unknown"
            context["outcome"] = outcome

    def wrap(self, handle: Handle) -> Handle:
        async def logged(event: Event) -> Reply | None:
            if isinstance(event, MessageEvent) and parse_command_line(event.text) is None:
                return await handle(event)
            context: dict[str, Any] = {
                "event": type(event).__name__.removesuffix("Event").lower(),
                "platform": event.room.platform,
                "room": event.room.room_id,
                "partnership": await self._partnership(event),
            }
            token = _event.set(context)
            started = perf_counter()
            try:
                reply = await handle(event)
                context["ms"] = round((perf_counter() - started) * 1000, 1)
                self.log.info("event handled")
                return reply
            except Exception:
                context["ms"] = round((perf_counter() - started) * 1000, 1)
                self.log.exception("event failed")
                raise
            finally:
                _event.reset(token)

        return logged

    async def _partnership(self, event: Event) -> int | None:
        try:
            async with self.uow_factory() as uow:
                room = await uow.rooms.find(event.room)
        except Exception:
            return None
        return room.partnership_id if room else None


def install(app: Any, event_log: EventLog) -> None:
    """Put the event log around `app.handle`, which the adapters call, and among its observers."""
    app.observers.append(event_log)
    app.handle = event_log.wrap(app.handle)
