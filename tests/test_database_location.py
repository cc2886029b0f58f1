"""Where a configured process keeps its database: `[bot] database`, then
PARTNERBOT_DATABASE_URL, then partnerbot.sqlite3 in `[bot] data_dir` (whose default is
$PARTNERBOT_HOME, else $XDG_DATA_HOME/partnerbot, else ~/.local/share/partnerbot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.config import database_url, load
from tests.processes import ROOT, operator_env


def test_the_precedence(tmp_path: Path) -> None:
    toml = tmp_path / "partnerbot.toml"
    toml.write_text('[bot]\ndata_dir = "/srv/kan"\n\n[telegram]\n', encoding="utf-8")
    env = {"PARTNERBOT_TELEGRAM_TOKEN": "1:A", "HOME": "/home/op"}
    assert database_url(load(toml, env), env) == "sqlite:////srv/kan/partnerbot.sqlite3"
    url = "postgresql://pb@db/pb"
    env_url = {**env, "PARTNERBOT_DATABASE_URL": "sqlite:////tmp/other.sqlite3"}
    assert database_url(load(toml, env_url), env_url) == "sqlite:////tmp/other.sqlite3"
    both = {**env_url, "PARTNERBOT_BOT_DATABASE": url}
    assert database_url(load(toml, both), both) == url

    toml.write_text("[telegram]\n", encoding="utf-8")  # no data_dir
    home = {**env, "PARTNERBOT_HOME": "/var/lib/partnerbot"}
    assert (
        database_url(load(toml, home), home) == "sqlite:////var/lib/partnerbot/partnerbot.sqlite3"
    )
    xdg = {**env, "XDG_DATA_HOME": "/data"}
    assert database_url(load(toml, xdg), xdg) == "sqlite:////data/partnerbot/partnerbot.sqlite3"
    assert (
        database_url(load(toml, env), env)
        == "sqlite:////home/op/.local/share/partnerbot/partnerbot.sqlite3"
    )


def partnerbot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_two_instances_with_their_own_data_dirs_keep_their_own_databases(
    tmp_path: Path,
) -> None:
    """Without PARTNERBOT_HOME and without a URL in the environment, as an operator runs it:
    each data_dir holds its instance's database, and the home directory holds none."""
    env = operator_env(tmp_path / "home", PARTNERBOT_TELEGRAM_TOKEN="1:A")
    for name in ("kleve", "moers"):
        config = tmp_path / f"{name}.toml"
        config.write_text(
            f'[bot]\ndata_dir = "{tmp_path / name}"\n\n[telegram]\n', encoding="utf-8"
        )
        checked = partnerbot(env, "check-config", "--config", str(config))
        assert checked.returncode == 0, checked.stderr
        database = tmp_path / name / "partnerbot.sqlite3"
        assert checked.stdout.strip().endswith(f"database sqlite:///{database}")
        listed = partnerbot(env, "outbox", "--config", str(config))
        assert listed.returncode == 0, listed.stderr
        assert "pending: 0" in listed.stdout
        assert database.exists()
    assert not (tmp_path / "home" / ".local").exists()


def test_check_config_names_a_postgresql_database_without_its_password(tmp_path: Path) -> None:
    env = operator_env(
        tmp_path / "home",
        PARTNERBOT_TELEGRAM_TOKEN="1:A",
        PARTNERBOT_BOT_DATABASE="postgresql://partnerbot:s3cret@db.example.org/partnerbot",
    )
    config = tmp_path / "partnerbot.toml"
    config.write_text("[telegram]\n", encoding="utf-8")
    checked = partnerbot(env, "check-config", "--config", str(config))
    assert checked.returncode == 0, checked.stderr
    assert "database postgresql://partnerbot:***@db.example.org/partnerbot" in checked.stdout
    assert "s3cret" not in checked.stdout + checked.stderr
