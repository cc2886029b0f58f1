"""What a command costs in SQL, and the read cache that keeps /next from asking twice.

Statements are counted (never timed): a read-only command in a known room by a known
person needs none once the cache is warm, and logs and metrics add none. The cache must
never answer with one partnership's data for another, and every commit, from any room or
from outside the app, makes the next read see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event

from bot.adapters.console.adapter import PLATFORM
from bot.bootstrap import bootstrap
from bot.core.events import Identity, RoomRef
from bot.core.router import Router
from bot.observers import EventObserver
from bot.ops import logging as oplog
from bot.ops.metrics import Metrics
from storage.cache import ReadCache
from storage.database import Database
from tests.conftest import make_database
from tests.harness import ConsoleBot

SETUP = ":admin anna\n@anna: /setup Klima-Allianz Niederrhein"
MAIN = RoomRef(PLATFORM, "main")


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement sent to the database meanwhile."""
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", count)


async def test_next_needs_no_statement_once_the_cache_is_warm(tmp_path: Path) -> None:
    database, _ = await make_database("sqlite", tmp_path)
    try:
        bot = await ConsoleBot.start(database)
        await bot.say(
            SETUP + "\n@anna: /mitglied neu Kleve\n@bernd: /next\n@anna: /next\n@bernd: /next"
        )
        with statements(database) as warm:
            out = await bot.say("@anna: /next\n@bernd: /naechstes")
        assert len(out) == 2 and all("Als Nächstes lädt Kleve ein" in line for line in out)
        # Only the outbox remains: the reply written, and the console's delivery of it.
        assert [s for s in warm if "outbox" not in s] == []

        await bot.say("@anna: /termin 15.3. 10:00\n@anna: /next")
        with statements(database) as warm:
            out = await bot.say("@anna: /next")
        assert "15.03.2027, 10:00" in out[0]
        reads = [s.split("FROM ")[1].split()[0] for s in warm if "outbox" not in s]
        assert reads == ["agenda_item", "minutes"], "only the meeting's agenda is read"
    finally:
        await database.close()


async def test_without_the_cache_next_needs_at_most_eight_statements(tmp_path: Path) -> None:
    """Eight: the kept rotation state is one lookup (it spares loading the whole history)."""
    database = Database(f"sqlite:///{tmp_path / 'plain.sqlite3'}", read_cache=False)
    await database.upgrade()
    try:
        bot = await ConsoleBot.start(database)
        await bot.say(SETUP + "\n@anna: /next")
        with statements(database) as cold:
            await bot.say("@anna: /next")
        assert len([s for s in cold if "outbox" not in s]) <= 8
    finally:
        await database.close()


async def test_logs_and_metrics_cost_no_statement(tmp_path: Path) -> None:
    database, _ = await make_database("sqlite", tmp_path)
    try:
        bot = await ConsoleBot.start(database)
        await bot.say(SETUP + "\n@anna: /next")
        bare_app = bot.app
        with statements(database) as bare:
            await bot.say("@anna: /mitglieder")

        clock = bot.clock

        def observers(database: Database, router: Router) -> list[EventObserver]:
            return [oplog.EventLog(router), Metrics(router, database.uow, clock)]

        bot = await ConsoleBot.start(database, observers=observers)
        app = bot.app
        assert app is not bare_app and len(app.observers) == 2
        await bot.say("@anna: /mitglieder")
        with statements(database) as observed:
            await bot.say("@anna: /mitglieder")
        assert len(observed) == len(bare)
    finally:
        await database.close()


async def test_a_reminder_fired_keeps_the_cache(database: Database) -> None:
    """The scheduler commits with every reminder it fires (its status, its messages): no
    cached lookup reads those tables, so the rooms' next lookups are still answered."""
    reads = database.reads
    assert reads is not None
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "\n@anna: /mitglied neu Kleve\n@anna: /next\n@anna: /next")
    async with database.uow() as uow:
        room = await uow.rooms.find(MAIN)
        assert room is not None
        payload = {"platform": PLATFORM, "room": "main", "author": "anna", "text": "Kaffee"}
        due = bot.clock.now()
        await uow.reminders.add(room.partnership_id, "adhoc", "k", due, payload, due)
        await uow.commit()
    scheduler = (await bootstrap(database, bot.clock, {})).scheduler
    kept = reads.generation
    assert await scheduler.fire_all() == 1
    assert reads.generation == kept
    async with database.uow() as uow:
        assert any("Kaffee" in str(m.reply) for m in await uow.outbox.pending())
    with statements(database) as warm:
        assert "Kleve" in await bot.text("@anna: /next")
    assert [s for s in warm if "outbox" not in s] == []


async def test_a_change_in_another_room_of_the_partnership_is_seen(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    code = (await bot.say("@anna: /link"))[0].split("Ihr Code: ")[1][:8]
    await bot.say(f":room other\n:admin anna\n@anna: /link {code}\n:room main")
    assert "keine Mitglieder" in await bot.text("@anna: /next")
    await bot.say(":room other\n@anna: /mitglied neu Kleve\n:room main")
    assert "Als Nächstes lädt Kleve ein" in await bot.text("@anna: /next")
    await bot.say(":room other\n@anna: /mitglied neu Goch\n:room main")
    assert "Als Nächstes lädt Goch ein" in await bot.text("@anna: /next")


async def test_partnerships_never_see_each_others_data(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "\n@anna: /mitglied neu Goch")
    await bot.say(
        ":room west\n:admin berta\n@berta: /setup Bündnis West\n@berta: /mitglied neu Aachen"
    )
    for _ in range(2):
        assert "Goch" in await bot.text(":room main\n@anna: /next")
        west = await bot.text(":room west\n@berta: /next")
        assert "Aachen" in west and "Goch" not in west
        assert "Aachen" not in await bot.text(":room main\n@anna: /mitglieder")


async def test_commits_outside_the_app_are_seen_and_copies_are_private(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    async with database.uow() as uow:
        room = await uow.rooms.find(MAIN)
        assert room is not None and room.active
        room.active = False  # changing a returned object changes nothing kept
        partnership = await uow.partnerships.get(room.partnership_id)
        assert partnership is not None
    async with database.uow() as uow:
        room = await uow.rooms.find(MAIN)
        assert room is not None and room.active
        await uow.rooms.set_active(room.id, False)  # as the outbox does for a lost room
        assert not (await uow.rooms.find(MAIN) or room).active, "own writes"
        await uow.commit()
    async with database.uow() as uow:
        room = await uow.rooms.find(MAIN)
        assert room is not None and not room.active


async def test_a_unit_of_work_older_than_a_commit_keeps_nothing(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    assert database.reads is not None
    async with database.uow() as older:
        async with database.uow() as writer:
            found = await writer.rooms.find(MAIN)
            assert found is not None
            await writer.rooms.set_active(found.id, False)
            await writer.commit()
        assert await older.rooms.find(MAIN) is not None
        assert len(database.reads) == 0, "what it read may be older than the commit"


def test_entries_expire_so_other_processes_are_seen() -> None:
    now = [0.0]
    cache = ReadCache(max_age=30.0, monotonic=lambda: now[0])
    cache.put(("room", "matrix", "!a"), "kept")
    generation = cache.begin()
    assert cache.get(("room", "matrix", "!a")) == "kept"
    now[0] = 31.0
    assert cache.begin() == generation + 1
    assert cache.get(("room", "matrix", "!a")) is None


async def test_bookkeeping_commits_keep_the_cache_and_every_other_write_drops_it(
    database: Database,
) -> None:
    """Adapters save sync positions and delivery marks after nearly every command; those
    commits must not empty the cache. Any other write must, also one made past the ORM."""
    reads = database.reads
    assert reads is not None
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "\n@anna: /mitglied neu Kleve\n@anna: /next\n@anna: /next")
    kept = reads.generation
    async with database.uow() as uow:
        await uow.state.put("test:position", "1")
        await uow.commit()
    assert reads.generation == kept
    with statements(database) as warm:
        assert "Kleve" in await bot.text("@anna: /next")
    assert [s for s in warm if "outbox" not in s] == []

    async with database.uow() as uow:
        await uow.state.put("test:position", "2")
        room = await uow.rooms.find(MAIN)
        assert room is not None
        await uow.rooms.set_active(room.id, True)  # a table lookups read, even if unchanged
        await uow.commit()
    assert reads.generation > kept
    with statements(database) as cold:
        assert "Kleve" in await bot.text("@anna: /next")
    assert [s for s in cold if "outbox" not in s] != []

    kept = reads.generation
    async with database.uow() as uow:
        anna = await uow.persons.by_identity(Identity(PLATFORM, "anna"))
        assert anna is not None and anna.id is not None
        await uow.persons.forget(anna.id, "[entfernt]", room.partnership_id)
        await uow.commit()
    assert reads.generation > kept, "a write past the ORM drops the cache"
