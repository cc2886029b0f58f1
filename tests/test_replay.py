"""Exactly once across a crash: an event that changed something or was answered is recorded
with its change and its reply (an outbox row of the same transaction), so the same event
delivered again after a restart (marked `maybe_replayed` by the adapter) is neither applied
nor answered a second time: its reply is in the outbox already."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.app import App, AppConfig, EventReport
from bot.bootstrap import Observers, bootstrap
from bot.core.clock import ManualClock
from bot.core.events import Identity, JoinEvent, MessageEvent, RoomRef, Sender
from bot.core.render import render_plain
from bot.core.reply import Reply
from bot.core.router import Router
from bot.observers import EventObserver
from bot.ops import logging as oplog
from bot.ops.metrics import Metrics
from storage.database import Database

ROOM = RoomRef("matrix", "!klima:example.org")
ANNA = Sender(Identity("matrix", "@anna:example.org"), "Anna", is_room_admin=True)
BERND = Sender(Identity("matrix", "@bernd:example.org"), "Bernd")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _text(reply: Reply | None) -> str:
    assert reply is not None
    return render_plain(reply)


async def _app(database: Database, clock: ManualClock, observers: Observers | None = None) -> App:
    runtime = await bootstrap(
        database, clock, {}, AppConfig(default_language="de"), observers=observers
    )
    app = runtime.app
    await app.handle(MessageEvent(ROOM, ANNA, "/setup Klima-Allianz", "Klima", "$setup"))
    return app


async def _members(database: Database) -> list[str]:
    async with database.uow() as uow:
        room = await uow.rooms.find(ROOM)
        assert room is not None
        return [m.name for m in await uow.members.of_partnership(room.partnership_id)]


async def _agenda(database: Database) -> list[str]:
    async with database.uow() as uow:
        room = await uow.rooms.find(ROOM)
        assert room is not None
        return [i.text for i in await uow.agenda.of_partnership(room.partnership_id)]


async def _outbox(database: Database) -> int:
    async with database.uow() as uow:
        return len(await uow.outbox.pending())


async def _replies(database: Database) -> list[str]:
    async with database.uow() as uow:
        return [render_plain(m.reply) for m in await uow.outbox.pending() if m.kind == "reply"]


async def _recorded(database: Database, event_id: str) -> bool:
    async with database.uow() as uow:
        return await uow.handled_events.find("matrix", event_id) is not None


async def test_a_replayed_command_is_answered_once_and_not_applied_twice(
    database: Database,
) -> None:
    app = await _app(database, ManualClock(NOW))
    add = "/tagesordnung neu Radwege"
    first = await app.handle(MessageEvent(ROOM, ANNA, add, "", "$radwege"))
    changes = app.changes
    replies = await _replies(database)

    again = await app.handle(MessageEvent(ROOM, ANNA, add, "", "$radwege", maybe_replayed=True))

    assert "Radwege" in _text(first) and again is None
    assert replies[-1] == _text(first) and await _replies(database) == replies
    assert await _agenda(database) == ["Radwege"]
    assert app.changes == changes
    # The same text as a new event is a new command.
    await app.handle(MessageEvent(ROOM, ANNA, add, "", "$radwege2", maybe_replayed=True))
    assert await _agenda(database) == ["Radwege", "Radwege"]


async def test_a_replayed_announcement_is_not_written_twice(database: Database) -> None:
    app = await _app(database, ManualClock(NOW))
    assert await app.handle(MessageEvent(ROOM, ANNA, "/mitglied neu Kleve", "", "$k")) is None
    queued = await _outbox(database)
    await app.handle(MessageEvent(ROOM, ANNA, "/mitglied neu Kleve", "", "$k", maybe_replayed=True))
    assert await _outbox(database) == queued
    assert await _members(database) == ["Kleve"]


async def test_an_unmarked_repeat_is_not_looked_up_but_its_record_still_refuses_it(
    database: Database,
) -> None:
    """Only marked events cost a lookup; a repeat the adapter failed to mark still cannot be
    applied twice, because its record's key is taken (its transaction fails as a whole)."""
    app = await _app(database, ManualClock(NOW))
    await app.handle(MessageEvent(ROOM, ANNA, "/tagesordnung neu Radwege", "", "$r"))
    with pytest.raises(IntegrityError):
        await app.handle(MessageEvent(ROOM, ANNA, "/tagesordnung neu Radwege", "", "$r"))
    assert await _agenda(database) == ["Radwege"]


async def test_a_possibly_replayed_event_that_was_never_handled_is_applied(
    database: Database,
) -> None:
    app = await _app(database, ManualClock(NOW))
    await app.handle(
        MessageEvent(ROOM, ANNA, "/mitglied neu Kalkar", "", "$kalkar", maybe_replayed=True)
    )
    assert await _members(database) == ["Kalkar"]
    assert await _recorded(database, "$kalkar")


async def test_answered_read_only_commands_are_recorded_console_events_not(
    database: Database,
) -> None:
    """A read-only command's reply is an outbox row now: its record keeps a replay from
    answering twice."""
    app = await _app(database, ManualClock(NOW))
    await app.handle(MessageEvent(ROOM, ANNA, "/mitglieder", "", "$list"))
    await app.handle(MessageEvent(ROOM, ANNA, "/mitglied neu Emmerich"))
    replies = await _replies(database)
    assert await _recorded(database, "$list")
    assert await app.handle(MessageEvent(ROOM, ANNA, "/mitglieder", "", "$list", True)) is None
    assert await _replies(database) == replies
    assert await _recorded(database, "$setup")
    async with database.uow() as uow:
        assert await uow.handled_events.find("matrix", "") is None


async def test_a_replayed_join_is_not_applied_twice(database: Database) -> None:
    app = await _app(database, ManualClock(NOW))
    await app.handle(JoinEvent(ROOM, BERND, "$join"))
    assert await _recorded(database, "$join")
    changes = app.changes
    assert await app.handle(JoinEvent(ROOM, BERND, "$join", maybe_replayed=True)) is None
    assert app.changes == changes


async def test_records_older_than_a_week_are_pruned_when_recording(database: Database) -> None:
    clock = ManualClock(NOW)
    app = await _app(database, clock)
    clock.set(NOW + timedelta(days=6))
    await app.handle(MessageEvent(ROOM, ANNA, "/mitglied neu Kleve", "", "$kleve"))
    clock.set(NOW + timedelta(days=7, hours=1))
    await app.handle(MessageEvent(ROOM, ANNA, "/mitglied neu Goch", "", "$goch"))
    assert not await _recorded(database, "$setup")
    assert await _recorded(database, "$kleve") and await _recorded(database, "$goch")


class Reports:
    """An observer that keeps what it is told."""

    def __init__(self) -> None:
        self.started: list[EventReport] = []
        self.handled: list[EventReport] = []

    def forget(self) -> None:
        self.started.clear()
        self.handled.clear()

    def event_started(self, handled: EventReport) -> None:
        self.started.append(handled)

    def event_handled(self, handled: EventReport) -> None:
        self.handled.append(handled)


async def test_a_replay_is_reported_to_the_observers_logged_and_counted(
    database: Database,
) -> None:
    clock = ManualClock(NOW)
    reports = Reports()
    metrics: list[Metrics] = []

    def observers(database: Database, router: Router) -> list[EventObserver]:
        metrics.append(Metrics(router, database.uow, clock))
        return [reports, oplog.EventLog(router), metrics[0]]

    app = await _app(database, clock, observers)
    reports.forget()  # the /setup above
    add = "/tagesordnung neu Radwege"
    await app.handle(MessageEvent(ROOM, ANNA, add, "", "$radwege"))
    await app.handle(JoinEvent(ROOM, BERND, "$join"))
    log = logging.getLogger("partnerbot.events")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(oplog.LineFormatter())
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    try:
        await app.handle(MessageEvent(ROOM, ANNA, add, "", "$radwege", maybe_replayed=True))
        await app.handle(JoinEvent(ROOM, BERND, "$join", maybe_replayed=True))
    finally:
        log.removeHandler(handler)
        log.setLevel(level)

    replays = reports.handled[2:]
    assert [(r.kind, r.command, r.outcome) for r in replays] == [
        ("message", "tagesordnung", "replayed"),
        ("join", None, "replayed"),
    ]
    async with database.uow() as uow:
        room = await uow.rooms.find(ROOM)
    assert room is not None
    assert all(r.partnership_id == room.partnership_id and r.error is None for r in replays)
    assert reports.started[2:] == replays
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "event=message" in lines[0] and "command=tagesordnung outcome=replayed" in lines[0]
    assert "event=join" in lines[1] and "outcome=replayed" in lines[1]
    assert all(f"partnership={room.partnership_id}" in line for line in lines)
    count = metrics[0].commands.labels("tagesordnung", "replayed", "matrix")._value.get()
    assert count == 1


async def test_an_event_the_adapter_dropped_as_answered_is_only_reported(
    database: Database,
) -> None:
    reports = Reports()
    app = await _app(database, ManualClock(NOW), lambda _database, _router: [reports])
    reports.forget()  # the /setup above
    changes = app.changes

    await app.replayed(MessageEvent(ROOM, ANNA, "/mitglied neu Kleve", "", "$k"))
    await app.replayed(MessageEvent(ROOM, ANNA, "Guten Morgen", "", "$chat"))

    assert [(r.command, r.outcome) for r in reports.handled] == [("mitglied", "replayed")]
    assert reports.handled[0].partnership_id is not None
    assert app.changes == changes and await _members(database) == []
