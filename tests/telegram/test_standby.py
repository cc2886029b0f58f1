"""Two `partnerbot run` on one database: the second waits as a standby, touching neither the
Bot API nor the outbox, and takes over when the first is killed; every message once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database, normalise_url
from tests.conftest import BACKENDS, POSTGRES_URL
from tests.processes import Run, fresh_postgres_database, operator_env
from tests.telegram.fake_api import FakeBotAPI, user

G1 = -1001000000011
G2 = -1001000000012
ANNA = user(1001, "Anna", "Albers")


@asynccontextmanager
async def database_for(backend: str) -> AsyncIterator[dict[str, str]]:
    """The environment that puts the processes on the backend's database."""
    if backend == "sqlite":
        yield {}  # the SQLite file in [bot] data_dir
        return
    async with fresh_postgres_database(POSTGRES_URL) as url:
        yield {"PARTNERBOT_DATABASE_URL": url}


def count(fake: FakeBotAPI, chat: int, fragment: str) -> int:
    return sum(fragment in sent for sent in fake.sent(chat))


async def waiting_in_outbox(url: str) -> list[tuple[str, int]]:
    """(room, attempts) of every message not sent yet."""
    database = Database(url)
    try:
        async with database.uow() as uow:
            return [(m.room.room_id, m.attempts) for m in await uow.outbox.pending()]
    except OperationalError:  # not created yet
        return []
    finally:
        await database.close()


def polled_past(fake: FakeBotAPI, update_id: int) -> bool:
    return any(
        c.method == "getUpdates" and int(c.params.get("offset") or 0) > update_id
        for c in fake.calls
    )


async def arrived(fake: FakeBotAPI, chat: int, fragment: str) -> None:
    async with asyncio.timeout(30), fake.changed:
        await fake.changed.wait_for(lambda: count(fake, chat, fragment) > 0)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_standby_takes_over_and_every_message_arrives_once(
    backend: str, tmp_path: Path
) -> None:
    fake = FakeBotAPI()
    await fake.start()
    fake.group(G1, "Klima-Allianz Kleve", ANNA)
    fake.group(G2, "Klima-Allianz Moers", ANNA)
    data = tmp_path / "data"
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{data}"\n\n[telegram]\nbase_url = "{fake.url}"\n', encoding="utf-8"
    )
    runs: list[Run] = []
    try:
        async with database_for(backend) as database:
            url = database.get(
                "PARTNERBOT_DATABASE_URL", f"sqlite:///{data / 'partnerbot.sqlite3'}"
            )
            env = operator_env(tmp_path / "home", PARTNERBOT_TELEGRAM_TOKEN=fake.token, **database)
            first = await Run(config, tmp_path / "first.log", env).start()
            runs.append(first)
            await first.says("Telegram: connected")
            second = await Run(config, tmp_path / "second.log", env).start()
            runs.append(second)
            await second.says("standby: another partnerbot is active")
            if backend == "sqlite":  # [bot] data_dir holds the database, nothing else does
                assert (data / "partnerbot.sqlite3").exists()
                assert not (tmp_path / "home" / ".local").exists()

            await fake.say(G1, ANNA, "/gruenden Klima-Allianz")
            await arrived(fake, G1, "ist gegründet")
            await fake.say(G1, ANNA, "/link")
            await arrived(fake, G1, "Ihr Code")
            code = re.search(r"Ihr Code: (\w+)", fake.sent(G1)[-1])
            assert code is not None
            linked = await fake.say(G2, ANNA, f"/link {code[1]}")
            await fake.wait_for(lambda: polled_past(fake, linked))
            # the answer and the announcement in that group are outbox rows too
            await arrived(fake, G2, "gehört jetzt auch zur Partnerschaft")

            # The announcement for the other group waits for a retry when the first dies
            # (the Bot API refused it: 429); everything else went out and was noted.
            fake.flood(G2, retry_after=12)  # long enough to be seen waiting, even under load
            kleve = await fake.say(G1, ANNA, "/mitglied neu Kleve")
            await fake.wait_for(lambda: polled_past(fake, kleve))
            await arrived(fake, G1, "Kleve ist jetzt Mitglied")
            seen: list[tuple[str, int]] = []
            try:
                async with asyncio.timeout(30):
                    # another process's database: nothing to wait on but the rows themselves
                    while (seen := await waiting_in_outbox(url)) != [(str(G2), 1)]:  # noqa: ASYNC110
                        await asyncio.sleep(0.05)
            except TimeoutError:
                calls = [(c.method, c.params.get("chat_id")) for c in fake.calls][-12:]
                raise AssertionError(f"waiting: {seen}; G2 got {fake.sent(G2)}; {calls}") from None
            # Until now the standby made no call at all: one getMe, the first's.
            assert len(fake.ok_calls("getMe")) == 1
            first.kill()
            await fake.say(G1, ANNA, "/mitglied neu Moers")  # while nobody serves

            await second.says("active: this process holds the instance lock")
            for chat in (G1, G2):
                await arrived(fake, chat, "Moers ist jetzt")
                await arrived(fake, chat, "Kleve ist jetzt")
            code_, _ = await second.terminate()
            assert code_ == 0, second.output()
    finally:
        for run in runs:
            await run.close()
        await fake.close()
    for chat in (G1, G2):
        for member in ("Kleve", "Moers"):
            assert count(fake, chat, f"{member} ist jetzt Mitglied") == 1, (chat, fake.sent(chat))
    assert len(fake.ok_calls("getMe")) == 2
    assert fake.unknown_calls() == []
    assert fake.token not in first.output() + second.output()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PARTNERBOT_TEST_POSTGRES")
async def test_an_active_process_that_loses_its_lock_stops_and_the_standby_serves(
    tmp_path: Path,
) -> None:
    """The server ended the session holding the advisory lock (a restart, a network cut):
    the standby may hold the lock now, so the old process stops (exit 1) instead of
    sending beside it."""
    fake = FakeBotAPI()
    await fake.start()
    fake.group(G1, "Klima-Allianz Kleve", ANNA)
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n[telegram]\nbase_url = "{fake.url}"\n',
        encoding="utf-8",
    )
    runs: list[Run] = []
    try:
        async with database_for("postgres") as database:
            env = operator_env(tmp_path / "home", PARTNERBOT_TELEGRAM_TOKEN=fake.token, **database)
            first = await Run(config, tmp_path / "first.log", env).start()
            runs.append(first)
            await first.says("Telegram: connected")
            second = await Run(config, tmp_path / "second.log", env).start()
            runs.append(second)
            await second.says("standby: another partnerbot is active")
            admin = create_async_engine(normalise_url(database["PARTNERBOT_DATABASE_URL"]))
            async with admin.begin() as connection:
                await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_locks "
                        "WHERE locktype = 'advisory' AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database())"
                    )
                )
            await admin.dispose()
            assert first.process is not None
            async with asyncio.timeout(30):
                assert await first.process.wait() == 1
            assert "the instance lock is lost" in first.output()
            await second.says("active: this process holds the instance lock")
            await fake.say(G1, ANNA, "/gruenden Klima-Allianz")
            await arrived(fake, G1, "ist gegründet")
            await second.terminate()
    finally:
        await fake.release_pollers()
        for run in runs:
            await run.close()
        await fake.close()
    assert count(fake, G1, "ist gegründet") == 1
