"""`partnerbot run` as a real process, for the tests of standby, start-up and stopping.

The environment is the operator's, not the test suite's: no PARTNERBOT_HOME, no
PARTNERBOT_DATABASE_URL, and HOME in the test's directory, so the test sees where the
process really keeps its data."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import normalise_url

ROOT = Path(__file__).parent.parent


def operator_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PARTNERBOT_") and k not in ("XDG_DATA_HOME", "HOME")
    }
    home.mkdir(parents=True, exist_ok=True)
    return {**env, "HOME": str(home), "PYTHONPATH": str(ROOT), **extra}


class Run:
    """One `partnerbot run --config FILE`, its output in a log file."""

    def __init__(self, config: Path, log: Path, env: dict[str, str]) -> None:
        self.config = config
        self.log = log
        self.env = env
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> Run:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *("-m", "bot.cli", "run", "--config", str(self.config)),
                env=self.env,
                stdout=out,
                stderr=out,
            )
        return self

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def says(self, fragment: str, within: float = 30, times: int = 1) -> None:
        """Until the output holds `fragment` (`times` times)."""
        async with asyncio.timeout(within):
            while self.output().count(fragment) < times:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise AssertionError(f"ended before {fragment!r}:\n{self.output()}")
                await asyncio.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()

    async def terminate(self, within: float = 30) -> tuple[int, float]:
        """SIGTERM; the exit code and how many seconds it took to end."""
        assert self.process is not None
        began = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(within):
                code = await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"did not end within {within} s:\n{self.output()}") from None
        return code, time.monotonic() - began

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@asynccontextmanager
async def fresh_postgres_database(server_url: str) -> AsyncIterator[str]:
    """A database of its own on the test server (a process has no schema to be put in)."""
    name = f"{make_url(server_url).database}_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(normalise_url(server_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


async def run_until_killed(command: list[str], delay: float, cwd: Path) -> bool:
    """Start a driver that prints "ready", kill it `delay` seconds after that; True if it
    finished first (the crash tests of the chat and of e-mail)."""
    child = await asyncio.create_subprocess_exec(
        *command, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    assert child.stdout is not None
    assert (await asyncio.wait_for(child.stdout.readline(), 60)).strip() == b"ready"
    try:
        await asyncio.wait_for(child.wait(), delay)
    except TimeoutError:
        child.send_signal(signal.SIGKILL)
        await child.wait()
        return False
    return child.returncode == 0
