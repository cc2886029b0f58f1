"""`partnerbot`: the console, database migrations, and (with a config) the real bot."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.adapters.console.adapter import PLATFORM, Console, ConsoleMessenger
from bot.app import AppConfig
from bot.core.clock import ManualClock, SystemClock
from bot.i18n import LANGUAGES
from bot.runtime import build_runtime
from storage.database import Database, default_database_path

BANNER = """partnerbot console – database: {db}
Type commands as a chat message (e.g. /help), or script lines:
  @anna: /iam Kleve   :admin anna   :join bernd   :leave bernd
  :time 2027-03-01 09:00   :room other
You ("you") are administrator of every room here. Ctrl-D ends.
"""


def _database_url(args: argparse.Namespace) -> str | None:
    return args.db or os.environ.get("PARTNERBOT_DATABASE_URL") or None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="partnerbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    db_help = f"database URL (default: SQLite at {default_database_path()})"

    console = sub.add_parser("console", help="run the bot in this terminal, or run a script")
    console.add_argument("--db", help=db_help)
    console.add_argument("--lang", choices=LANGUAGES, default="de")
    console.add_argument("--tz", default="Europe/Berlin")
    console.add_argument("--script", help="script file (default: standard input)")
    console.add_argument("--now", help='starting time "YYYY-MM-DD HH:MM" (default: now)')

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply all migrations")
    upgrade.add_argument("--db", help=db_help)
    return parser


async def _console(args: argparse.Namespace) -> int:
    try:
        zone = ZoneInfo(args.tz)
    except Exception:
        print(f"partnerbot: unknown time zone {args.tz!r}", file=sys.stderr)
        return 2
    if args.now:
        try:
            start = datetime.strptime(args.now, "%Y-%m-%d %H:%M").replace(tzinfo=zone)
        except ValueError:
            print('partnerbot: --now needs "YYYY-MM-DD HH:MM"', file=sys.stderr)
            return 2
    else:
        start = SystemClock().now()
    clock = ManualClock(start)

    def write(text: str) -> None:
        print(text, flush=True)

    runtime = await build_runtime(
        _database_url(args),
        clock,
        {PLATFORM: ConsoleMessenger(write)},
        AppConfig(default_language=args.lang, default_timezone=args.tz),
    )
    interactive = args.script is None and sys.stdin.isatty()
    console = Console(
        runtime.app, runtime.delivery, clock, args.tz, write, everyone_admin=interactive
    )
    try:
        await runtime.delivery.deliver_due()
        if args.script:
            await console.run(args.script_lines)
        elif interactive:
            print(BANNER.format(db=runtime.database.url), file=sys.stderr)
            loop = asyncio.get_running_loop()
            while True:
                line = await loop.run_in_executor(None, _prompt)
                if line is None:
                    break
                await console.run([line])
        else:
            await console.run(sys.stdin.readlines())
    finally:
        await runtime.close()
    return 0


def _prompt() -> str | None:
    try:
        return input("> ")
    except EOFError:
        return None


async def _db_upgrade(args: argparse.Namespace) -> int:
    database = Database(_database_url(args))
    try:
        await database.upgrade()
    finally:
        await database.close()
    print(f"database is up to date: {database.url.split('@')[-1]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "console":
        if args.script:
            args.script_lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        return asyncio.run(_console(args))
    if args.command == "db":
        return asyncio.run(_db_upgrade(args))
    return 2


if __name__ == "__main__":
    sys.exit(main())
