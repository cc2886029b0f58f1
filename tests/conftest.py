"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL.

PostgreSQL runs are switched on by PARTNERBOT_TEST_POSTGRES (a URL such as
postgresql://postgres@127.0.0.1:5432/test; CI sets it). Once configured, an unreachable
server fails the suite instead of skipping it. Each test gets its own schema.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database, normalise_url

POSTGRES_URL = os.environ.get("PARTNERBOT_TEST_POSTGRES", "")
BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def make_database(backend: str, tmp_path: Path) -> tuple[Database, str | None]:
    if backend == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        await database.upgrade()
        return database, None
    schema = "pb_" + uuid.uuid4().hex[:12]
    admin = create_async_engine(normalise_url(POSTGRES_URL))
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    await admin.dispose()
    database = Database(POSTGRES_URL, schema=schema)
    await database.upgrade()
    return database, schema


async def drop_schema(schema: str) -> None:
    admin = create_async_engine(normalise_url(POSTGRES_URL))
    async with admin.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated database of every configured backend."""
    db, schema = await make_database(backend, tmp_path)
    try:
        yield db
    finally:
        await db.close()
        if schema:
            await drop_schema(schema)


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only: for tests of behaviour above storage, where the backend does not matter."""
    db, _ = await make_database("sqlite", tmp_path)
    try:
        yield db
    finally:
        await db.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under mutmut (scripts/mutation), the tests that reach a mutant run fastest first, by
    the durations mutmut recorded: it stops at the first failure, so a mutant a quick unit
    test catches costs a second instead of the console tests' minutes. Order only."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: float(durations.get(item.nodeid, 0.0)))
