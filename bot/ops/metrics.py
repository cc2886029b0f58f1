"""Prometheus metrics: what operators graph and alert on.

Command counts and reply latency, by platform, are told by the app as they happen (it is
one of `App.observers`); the
outbox backlog, the reminders due and the platform connections are read fresh on every
scrape, because the database, not this process, knows them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.core.clock import Clock
from bot.core.router import Router
from bot.observers import EventReport
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

UNKNOWN = "unknown"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

RemindersDue = Callable[[UnitOfWork, datetime], Awaitable[int | None]]


async def reminders_due(uow: UnitOfWork, now: datetime) -> int | None:
    """How many reminders are due and not sent; None while this instance has no reminders."""
    reminders: Any = getattr(uow, "reminders", None)
    if reminders is None:
        return None
    return len(await reminders.due(now, limit=100_000))


class Metrics:
    """One registry per instance (not the global one), so tests can build several."""

    def __init__(
        self,
        router: Router,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        platforms: Callable[[], dict[str, bool]] = dict,
        due: RemindersDue = reminders_due,
    ) -> None:
        self.registry = CollectorRegistry()
        self.uow_factory = uow_factory
        self.clock = clock
        self.platforms = platforms
        self.due = due
        self._words = {w for c in router.commands for w in (c.name, c.alias)}
        self.commands = Counter(
            "partnerbot_commands",
            "Commands handled, by command name, outcome (ok, refused, replayed, failed) and "
            "platform.",
            ["command", "outcome", "platform"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "partnerbot_reply_seconds",
            "Time from a command arriving to its reply being ready.",
            ["command", "platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox = Gauge(
            "partnerbot_outbox_messages",
            "Outgoing messages not yet delivered, by platform and status (pending, failed).",
            ["platform", "status"],
            registry=self.registry,
        )
        self.reminders = Gauge(
            "partnerbot_reminders_due",
            "Reminders whose time has come and that are not sent yet.",
            registry=self.registry,
        )
        self.connected = Gauge(
            "partnerbot_platform_connected",
            "1 while the platform connection is up, else 0.",
            ["platform"],
            registry=self.registry,
        )
        self.database_up = Gauge(
            "partnerbot_database_up",
            "1 when the last scrape could read the database.",
            registry=self.registry,
        )

    def _command(self, word: str) -> str:
        """Known command words as they are; anything typed else is one label, not many."""
        return word if word in self._words else UNKNOWN

    def event_started(self, handled: EventReport) -> None:
        pass

    def event_handled(self, handled: EventReport) -> None:
        if handled.command is None:
            return
        command = self._command(handled.command)
        self.commands.labels(command, handled.outcome, handled.platform).inc()
        self.latency.labels(command, handled.platform).observe(handled.seconds)

    async def refresh(self) -> None:
        for platform, up in self.platforms().items():
            self.connected.labels(platform).set(1 if up else 0)
        try:
            async with self.uow_factory() as uow:
                backlog = await outbox_backlog(uow)
                due = await self.due(uow, self.clock.now())
        except Exception:
            self.database_up.set(0)
            raise
        self.database_up.set(1)
        seen: set[tuple[str, str]] = set()
        for (platform, status), count in backlog.items():
            self.outbox.labels(platform, status).set(count)
            seen.add((platform, status))
        for platform in self.platforms():
            for status in ("pending", "failed"):
                if (platform, status) not in seen:
                    self.outbox.labels(platform, status).set(0)
        if due is not None:
            self.reminders.set(due)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


async def outbox_backlog(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for status, messages in (
        ("pending", await uow.outbox.pending()),
        ("failed", await uow.outbox.failed()),
    ):
        for message in messages:
            key = (message.room.platform, status)
            counts[key] = counts.get(key, 0) + 1
    return counts


def totals(
    backlog: dict[tuple[str, str], int], statuses: Iterable[str] = ("pending", "failed")
) -> dict[str, int]:
    return {s: sum(n for (_, status), n in backlog.items() if status == s) for s in statuses}
