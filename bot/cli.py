"""`partnerbot`: the console, database migrations, and (with a config) the real bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.console.adapter import PLATFORM, Console, ConsoleMessenger
from bot.adapters.console.script import login_name, names_admins
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.config import data_dir, database_url
from bot.config import load as load_config
from bot.core.clock import ManualClock, SystemClock
from bot.core.render import render_plain
from bot.core.secrets import mask_url
from bot.i18n import LANGUAGES
from storage.database import Database, default_database_path

log = logging.getLogger("partnerbot")

BANNER = """partnerbot console – database: {db}
Type commands as a chat message (e.g. /help), or script lines:
  @anna: /iam Kleve   :admin anna   :join bernd   :leave bernd
  :time 2027-03-01 09:00   :room other
You ("{user}") are administrator of every room here. Ctrl-D ends.
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

    run = sub.add_parser("run", help="connect to Matrix and/or Telegram and serve")
    run.add_argument("--config", help="partnerbot.toml (environment variables override it)")

    check = sub.add_parser("check-config", help="validate a config file and say what is wrong")
    check.add_argument("--config", help="partnerbot.toml")

    outbox = sub.add_parser(
        "outbox", help="show pending, failed and parked (given up) outgoing messages"
    )
    outbox.add_argument("--db", help=db_help)
    outbox.add_argument("--config", help="take the database from this partnerbot.toml")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply all migrations")
    upgrade.add_argument("--db", help=db_help)
    _operations_parsers(sub, db_help)
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

    runtime = await bootstrap(
        _database_url(args),
        clock,
        {PLATFORM: ConsoleMessenger(write)},
        AppConfig(default_language=args.lang, default_timezone=args.tz),
    )
    interactive = args.script is None and sys.stdin.isatty()
    user = login_name()
    lines = None if interactive else (args.script_lines if args.script else sys.stdin.readlines())
    you_admin = lines is not None and not names_admins(lines)
    console = Console(
        runtime.app,
        runtime.delivery,
        clock,
        args.tz,
        write,
        everyone_admin=interactive,
        admin_everywhere=user if you_admin else None,
        user=user,
    )
    if you_admin:
        notice = runtime.app.catalog.text(args.lang, "console.you_are_admin", user=user)
        print(notice, file=sys.stderr, flush=True)
    try:
        await runtime.delivery.deliver_due()
        if lines is not None:
            await console.run(lines)
        elif interactive:
            print(BANNER.format(db=mask_url(runtime.database.url), user=user), file=sys.stderr)
            loop = asyncio.get_running_loop()
            while True:
                line = await loop.run_in_executor(None, _prompt)
                if line is None:
                    break
                await console.run([line])
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
    print(f"database is up to date: {mask_url(database.url)}")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.problems:
        for problem in config.problems:
            print(f"problem: {problem}", file=sys.stderr)
        return 1
    if config.web.listen:
        from bot.ops.web import bind_problem

        unbound = bind_problem(config.web.listen)
        if unbound is not None:
            print(f"problem: {unbound}", file=sys.stderr)
            return 1
    platforms = [name for name in ("matrix", "telegram") if getattr(config, name) is not None]
    where = mask_url(database_url(config))
    mail = ""
    if config.email is not None:
        from bot.adapters.email.smtp import probe

        refused = asyncio.run(probe(config.email))
        if refused is not None:
            print(f"problem: {refused}", file=sys.stderr)
            return 1
        mail = f"; e-mail via {config.email.host}:{config.email.port} ({config.email.security})"
    web = f"; web site on {config.web.listen}" if config.web.listen else ""
    print(f"config is fine: {', '.join(platforms)}; database {where}{mail}{web}")
    return 0


async def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.problems:
        for problem in config.problems:
            print(f"partnerbot: {problem}", file=sys.stderr)
        return 1
    from bot.ops.instrument import configure_logging
    from bot.ops.serve import serve

    url = database_url(config)
    configure_logging(config, url)
    return await serve(config, url, data_dir(config))


async def _outbox(args: argparse.Namespace) -> int:
    from bot.core.secrets import Masker
    from bot.ops.instrument import secrets_of

    url = _operations_url(args)
    # an error a platform gave may quote a token or password: never print one
    mask = Masker(secrets_of(load_config(args.config), url) if args.config else ())
    database = Database(url)
    try:
        await database.upgrade()
        async with database.uow() as uow:
            pending = await uow.outbox.pending()
            failed = await uow.outbox.failed()
            parked = await uow.outbox.parked()
    finally:
        await database.close()
    print(f"pending: {len(pending)}, failed: {len(failed)}, parked: {len(parked)}")
    for message in [*pending, *failed, *parked]:
        text = render_plain(message.reply).split("\n")[0][:60]
        print(
            f"{message.status:8} {message.uid}  {message.room.platform}:{message.room.room_id}"
            f"  created {message.created_at:%Y-%m-%d %H:%M}Z  attempts {message.attempts}"
            f"  next {message.next_attempt_at:%Y-%m-%d %H:%M:%S}Z  {text!r}"
            + (f"  error: {mask(message.last_error)}" if message.last_error else "")
        )
    return 0


def _operations_parsers(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], db_help: str
) -> None:
    """backup, export and import: they read the database from --db or from the config."""
    backup = sub.add_parser(
        "backup", help="a consistent copy of the SQLite database, even while running"
    )
    backup.add_argument("file", help="the new backup file")
    export = sub.add_parser("export", help="one partnership as JSON, to move it elsewhere")
    export.add_argument("--partnership", required=True, help="its name, or #id")
    export.add_argument("--out", help="file to write (default: standard output)")
    imp = sub.add_parser("import", help="add a partnership exported by `partnerbot export`")
    imp.add_argument("file", help="the JSON file")
    person = sub.add_parser(
        "personal-data", help="everything stored about one person, as JSON (GDPR access request)"
    )
    person.add_argument("account", help="platform:user, e.g. matrix:@anna:example.org")
    for parser in (backup, export, imp, person):
        parser.add_argument("--db", help=db_help)
        parser.add_argument("--config", help="take the database from this partnerbot.toml")


def _operations_url(args: argparse.Namespace) -> str | None:
    if args.db:
        return str(args.db)
    if args.config:
        url = database_url(load_config(args.config))
        if url.startswith("sqlite:///"):  # the data_dir of a new instance
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        return url
    return _database_url(args)


def _backup(args: argparse.Namespace) -> int:
    from storage.backup import BackupNotPossible, backup_sqlite

    try:
        size = backup_sqlite(_operations_url(args), Path(args.file))
    except BackupNotPossible as reason:
        print(f"partnerbot: {reason}", file=sys.stderr)
        return 1
    print(f"backup written: {args.file} ({size} bytes)")
    return 0


async def _export(args: argparse.Namespace) -> dict[str, Any] | None:
    from storage.transfer import TransferError, export_from

    database = Database(_operations_url(args))
    try:
        await database.upgrade()
        return await export_from(database, args.partnership)
    except TransferError as reason:
        print(f"partnerbot: {reason}", file=sys.stderr)
        return None
    finally:
        await database.close()


def _export_command(args: argparse.Namespace) -> int:
    data = asyncio.run(_export(args))
    if data is None:
        return 1
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        print(f"exported {data['partnership']!r} to {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


async def _import(args: argparse.Namespace, data: dict[str, Any]) -> int:
    from storage.transfer import TransferError, import_into

    database = Database(_operations_url(args))
    try:
        await database.upgrade()
        new_id = await import_into(database, data)
    except TransferError as reason:
        print(f"partnerbot: {reason}", file=sys.stderr)
        return 1
    finally:
        await database.close()
    print(f"imported {data.get('partnership')!r} as partnership #{new_id}")
    return 0


async def _personal_data(args: argparse.Namespace) -> int:
    from bot.core.events import Identity
    from bot.usecases.privacy import everything_about

    platform, sep, user = args.account.partition(":")
    if not sep or not user:
        print("partnerbot: name the account as platform:user, e.g. telegram:12345", file=sys.stderr)
        return 2
    database = Database(_operations_url(args))
    try:
        await database.upgrade()
        async with database.uow() as uow:
            person = await uow.persons.by_identity(Identity(platform, user))
            if person is None:
                print(f"partnerbot: nothing is stored about {args.account}", file=sys.stderr)
                return 1
            record = await everything_about(uow, person, SystemClock().now())
    finally:
        await database.close()
    print(json.dumps(record, ensure_ascii=False, indent=1, default=str))
    return 0


def _import_command(args: argparse.Namespace) -> int:
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"partnerbot: cannot read {args.file}: {error}", file=sys.stderr)
        return 1
    if not isinstance(data, dict):
        print(f"partnerbot: {args.file} is not a partnerbot export", file=sys.stderr)
        return 1
    return asyncio.run(_import(args, data))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "console":
        if args.script:
            args.script_lines = Path(args.script).read_text(encoding="utf-8").splitlines()
        return asyncio.run(_console(args))
    if args.command == "check-config":
        return _check_config(args)
    if args.command == "run":
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
        return asyncio.run(_run(args))
    if args.command == "outbox":
        return asyncio.run(_outbox(args))
    if args.command == "db":
        return asyncio.run(_db_upgrade(args))
    if args.command == "backup":
        return _backup(args)
    if args.command == "export":
        return _export_command(args)
    if args.command == "import":
        return _import_command(args)
    if args.command == "personal-data":
        return asyncio.run(_personal_data(args))
    return 2


if __name__ == "__main__":
    sys.exit(main())
