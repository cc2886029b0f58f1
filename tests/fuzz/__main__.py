"""Run the fuzzer by hand, far longer than CI does.

    PYTHONPATH=. python -m tests.fuzz --cases 50000 --seed 7
    PYTHONPATH=. python -m tests.fuzz --db postgresql://postgres@127.0.0.1:5432/test --seed 8

Each run gets a fresh database (a temporary SQLite file, or a new schema on PostgreSQL that
is dropped afterwards) and prints what it found; the exit status is 1 if anything was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database, normalise_url
from tests.fuzz.runner import Report, fuzz
from tests.harness import ConsoleBot


async def _run(
    url: str | None, seed: int, cases: int, chunk: int, check_every: int, log_dir: str | None
) -> list[Report]:
    """`chunk` cases per fresh database, so that one long run does not grow one world."""
    reports: list[Report] = []
    done = 0
    while done < cases:
        with tempfile.TemporaryDirectory() as tmp:
            schema = None
            if url:
                schema = "fuzz_" + uuid.uuid4().hex[:10]
                admin = create_async_engine(normalise_url(url))
                async with admin.begin() as connection:
                    await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
                await admin.dispose()
                database = Database(url, schema=schema)
            else:
                database = Database(f"sqlite:///{Path(tmp) / 'fuzz.sqlite3'}")
            await database.upgrade()
            try:
                bot = await ConsoleBot.start(database, now="2027-01-10 09:00")
                started = time.monotonic()
                report = await fuzz(bot, seed + done, min(chunk, cases - done), check_every)
                print(report.summary(), f"({time.monotonic() - started:.0f} s)", flush=True)
                if report.failures() and log_dir:
                    path = Path(log_dir) / f"fuzz-{seed + done}.json"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(json.dumps(report.log, ensure_ascii=True))
                    print(f"log: {path}", flush=True)
                reports.append(report)
                done += report.cases
            finally:
                await database.close()
                if schema and url:
                    admin = create_async_engine(normalise_url(url))
                    async with admin.begin() as connection:
                        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    await admin.dispose()
    return reports


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--db", help="a PostgreSQL URL; default: a temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=5_000, help="cases per fresh database")
    parser.add_argument("--check-every", type=int, default=1, help="bursts between checks")
    parser.add_argument("--logs", help="a directory for the step logs of runs that found something")
    parser.add_argument("--json", help="a file for the totals (the CI test reads it)")
    args = parser.parse_args()
    reports = asyncio.run(
        _run(args.db, args.seed, args.cases, args.chunk, args.check_every, args.logs)
    )
    total = sum(r.cases for r in reports)
    failures = sum(len(r.failures()) for r in reports)
    print(f"total: {total} cases, {failures} distinct findings", flush=True)
    if args.json:
        commands = sorted({key for r in reports for key in r.commands})
        summaries = [r.summary() for r in reports if r.failures()]
        totals = {"cases": total, "commands": commands, "failures": summaries}
        Path(args.json).write_text(json.dumps(totals, ensure_ascii=True))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
