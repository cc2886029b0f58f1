"""The grammar-based fuzzer in CI: 10,000 generated cases over the configured backends.

Every command and alias with arguments of its shape and hostile variations, from
coordinators and others, in both partnerships and an unlinked room, between clock moves.
PARTNERBOT_FUZZ_CASES sets the number (the by-hand runs: `python -m tests.fuzz`), and
PARTNERBOT_FUZZ_SEED the seed; the run is deterministic for both.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.core.context import Context
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.reply import Reply
from storage.database import Database
from storage.models import MeetingRow, MemberRow
from tests.conftest import BACKENDS, POSTGRES_URL
from tests.fuzz import checks
from tests.fuzz.grammar import SHAPES
from tests.fuzz.runner import KNOWN_DATE_RANGE_CRASHES, Fuzzer, fuzz
from tests.fuzz.world import ROOMS
from tests.harness import ConsoleBot

CASES = int(os.environ.get("PARTNERBOT_FUZZ_CASES", "10000"))
SEED = int(os.environ.get("PARTNERBOT_FUZZ_SEED", "16"))
ROOT = Path(__file__).resolve().parent.parent


async def test_generated_commands_are_answered_and_keep_the_database_consistent(
    tmp_path: Path,
) -> None:
    """The cases run in two processes side by side (the machine's two cores): one per
    backend when PostgreSQL is configured, else two halves on SQLite."""
    runs = [BACKENDS[i % len(BACKENDS)] for i in range(max(2, len(BACKENDS)))]
    cases = CASES // len(runs)
    processes = []
    for index, backend in enumerate(runs):
        totals = tmp_path / f"fuzz-{index}.json"
        options = ["--db", POSTGRES_URL] if backend == "postgres" and POSTGRES_URL else []
        command = [sys.executable, "-m", "tests.fuzz", "--seed", str(SEED + index)]
        command += ["--cases", str(cases), "--check-every", "3", "--json", str(totals)]
        process = await asyncio.create_subprocess_exec(
            *command, *options, cwd=ROOT, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        processes.append((process, totals))
    commands: set[str] = set()
    for process, totals in processes:
        output, _ = await process.communicate()
        assert totals.exists(), output.decode(errors="replace")[-3000:]
        found = json.loads(totals.read_text())
        assert found["cases"] == cases
        assert not found["failures"], "\n".join(found["failures"])
        assert process.returncode == 0, output.decode(errors="replace")[-3000:]
        commands |= set(found["commands"])
    if CASES >= 4000:
        from handlers import build_router

        assert {c.key for c in build_router().commands} <= commands


def test_the_grammar_knows_only_commands_the_router_has(sqlite_database: Database) -> None:
    from handlers import build_router

    keys = {c.key for c in build_router().commands} | {"cmd.yes", "cmd.no"}
    assert set(SHAPES) <= keys
    assert all(kind in ("OverflowError", "ValueError") for kind, _ in KNOWN_DATE_RANGE_CRASHES)


async def test_the_fuzzer_reports_a_command_that_raises(sqlite_database: Database) -> None:
    """Its own oracle: a handler that raises is reported with where it raised."""
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")

    async def broken(ctx: Context) -> Reply:
        raise IndexError("a bug in a handler")

    bot.app.router.add("broken", "kaputt", needs_partnership=False, hidden=True)(broken)
    report = await fuzz(bot, 3, 400)
    crashes = [f for f in report.failures() if f.kind == "crash"]
    assert crashes and all("test_fuzz_commands" in f.detail for f in crashes), report.summary()


async def test_the_checks_see_broken_data(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    fuzzer = Fuzzer(bot, 1)
    await fuzzer.setup()
    rooms = {("console", room) for room in ROOMS}
    await bot.say(":time 2027-02-10 09:00")
    async with sqlite_database.engine.begin() as connection:
        await connection.execute(update(MeetingRow).values(host_member_id=None))
        await connection.execute(
            update(MemberRow).where(MemberRow.name == "Goch").values(partnership_id=2)
        )
    tables = await checks.read(sqlite_database)
    found = checks.violations(tables, bot.clock.now(), rooms)
    assert any(f.startswith("held meeting without host") for f in found), found
    assert any("another partnership's member" in f for f in found), found
    before = checks.fingerprints(tables)
    await bot.say(":room other\n@dora: /mitglied neu Weeze")
    after = checks.fingerprints(await checks.read(sqlite_database))
    assert before[1] == after[1] and before[2] != after[2]
    assert not checks.overdue_reminders(tables, bot.clock.now())
    assert checks.overdue_reminders(tables, bot.clock.now() + timedelta(days=400))


@pytest.mark.parametrize("text", ["/ja \x00", "/mitglied neu \ud800x", "/regeln setzen a\x1bb"])
async def test_control_characters_reach_no_table(sqlite_database: Database, text: str) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2027-01-10 09:00")
    fuzzer = Fuzzer(bot, 1)
    await fuzzer.setup()
    sender = Sender(Identity("console", "anna"), "anna\x07", is_room_admin=True)
    await bot.app.handle(MessageEvent(RoomRef("console", "main"), sender, text, "R\x00"))
    tables = await checks.read(sqlite_database)
    assert not [v for v in checks.violations(tables, bot.clock.now(), set()) if "holds" in v]
