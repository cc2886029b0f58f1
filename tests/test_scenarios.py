"""Golden console scenarios: `tests/scenarios/<name>.<lang>.script` must print exactly
`<name>.<lang>.expected`. The console output format is a contract other tools read.

Regenerate an expected file after a deliberate change with
`partnerbot console --db sqlite:////tmp/x.sqlite3 --now "2026-11-23 10:00" --lang <lang>
--script <file>` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.database import Database
from tests.harness import ConsoleBot

SCENARIOS = Path(__file__).parent / "scenarios"
CASES = sorted(p for p in SCENARIOS.glob("*.script") if p.with_suffix(".expected").exists())
NOW = "2026-11-23 10:00"


def _lang(path: Path) -> str:
    return "en" if path.stem.endswith(".en") else "de"


def test_there_are_scenarios() -> None:
    assert len(CASES) >= 2


@pytest.mark.parametrize("script", CASES, ids=lambda p: p.stem)
async def test_scenario(database: Database, script: Path) -> None:
    bot = await ConsoleBot.start(database, now=NOW, lang=_lang(script))
    output = await bot.say(script.read_text(encoding="utf-8"))
    expected = script.with_suffix(".expected").read_text(encoding="utf-8")
    assert "\n".join(output) + "\n" == expected
    assert bot.warnings == []


def test_the_real_command_line_prints_the_same(tmp_path: Path) -> None:
    """`partnerbot console --script` as a user runs it, in its own process."""
    script = SCENARIOS / "foundation.de.script"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "console",
            "--db",
            f"sqlite:///{tmp_path / 'cli.sqlite3'}",
            "--now",
            NOW,
            "--script",
            str(script),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PARTNERBOT_HOME": str(tmp_path)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == script.with_suffix(".expected").read_text(encoding="utf-8")


def test_console_reads_standard_input_and_uses_the_default_database(tmp_path: Path) -> None:
    """No --db: the embedded SQLite default under PARTNERBOT_HOME; a second run remembers."""
    env = {**os.environ, "PARTNERBOT_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "bot.cli", "console", "--now", NOW]
    first = subprocess.run(
        command,
        input=":admin anna\n@anna: /setup Klima-Allianz\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "partnerbot.sqlite3").exists()
    second = subprocess.run(
        command,
        input="@anna: /rooms\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert second.stdout.startswith("[main] bot: Räume der Partnerschaft Klima-Allianz (1):")
