"""`partnerbot backup`: a consistent copy of the embedded SQLite database, taken while the bot
runs (SQLite's online backup API copies page by page under a read lock, WAL included).

PostgreSQL has its own tools for that; the operator gets the `pg_dump` line to run instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.database import normalise_url


class BackupNotPossible(Exception):
    """The database is not one this command can copy; the message says what to do instead."""


def pg_dump_advice(url: str) -> str:
    parsed = make_url(url)
    target = f"{parsed.database or 'partnerbot'}-$(date +%F).dump"
    connection = parsed.set(drivername="postgresql", password=None).render_as_string()
    return (
        "This is a PostgreSQL database; back it up with PostgreSQL's own tools, e.g.\n"
        f"  pg_dump --format=custom --file={target} '{connection}'\n"
        "and restore into an empty database with\n"
        f"  pg_restore --no-owner --dbname='{connection}' {target}"
    )


def backup_sqlite(url: str | None, target: Path) -> int:
    """Copy the database at `url` to `target` (a new file); returns the bytes written."""
    normalised = normalise_url(url)
    parsed = make_url(normalised)
    if not parsed.drivername.startswith("sqlite"):
        raise BackupNotPossible(pg_dump_advice(normalised))
    source_path = Path(parsed.database or "")
    if not source_path.is_file():
        raise BackupNotPossible(f"there is no database file at {source_path}")
    if target.exists():
        raise BackupNotPossible(f"{target} exists already; name a new file")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            check = copy.execute("PRAGMA integrity_check").fetchone()
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
    finally:
        source.close()
    if check is None or check[0] != "ok":
        partial.unlink(missing_ok=True)
        raise BackupNotPossible(f"the copy failed its integrity check: {check}")
    partial.rename(target)
    return target.stat().st_size
