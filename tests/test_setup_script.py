"""`scripts/setup` installs only when pyproject.toml changed: a set-up checkout starts offline.

The script runs for real in a copy of the checkout; the interpreters it finds are stand-ins
that note every pip call (a real install needs the package index, which is the point)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent

VENV_PYTHON = f"""#!/usr/bin/env bash
# the checkout's .venv/bin/python: pip is noted (and fails when told to), the rest is Python
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then
  echo "${{*:3}}" >>"$PIP_LOG"
  [ -e "$PIP_FAILS" ] && exit 1
  exit 0
fi
exec {sys.executable} "$@"
"""

SYSTEM_PYTHON = """#!/usr/bin/env bash
# a Python 3.11 on PATH: `-m venv DIR` makes the stand-in venv
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && cp "$VENV_TEMPLATE" "$3/bin/python" && chmod +x "$3/bin/python"
  exit 0
fi
exec "$VENV_TEMPLATE" "$@"
"""

NOISY_SHIM = """#!/usr/bin/env bash
echo "pyenv: $(basename "$0"): command not found" >&2
exit 127
"""


def executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def checkout(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = tmp_path / "partnerbot"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "setup", repo / "scripts" / "setup")
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    tools = tmp_path / "bin"
    tools.mkdir()
    executable(tmp_path / "venv-python", VENV_PYTHON)
    executable(tools / "python3.11", SYSTEM_PYTHON)
    for name in ("python3.13", "python3.12"):
        executable(tools / name, NOISY_SHIM)
    env = {
        "PATH": f"{tools}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PIP_LOG": str(tmp_path / "pip.log"),
        "PIP_FAILS": str(tmp_path / "pip-fails"),
        "VENV_TEMPLATE": str(tmp_path / "venv-python"),
    }
    return repo, env


def setup(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(repo / "scripts" / "setup"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=repo,
    )


def pip_calls(env: dict[str, str]) -> list[str]:
    log = Path(env["PIP_LOG"])
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_setup_installs_once_and_again_only_when_the_dependencies_change(tmp_path: Path) -> None:
    repo, env = checkout(tmp_path)

    first = setup(repo, env)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # no noise from interpreter names that do not work
    assert [c for c in pip_calls(env) if "-e" in c.split()] == [
        "install --quiet --disable-pip-version-check -e ."
    ]

    # Set up: the next starts need no package index, with or without the test extra
    # once that was installed.
    Path(env["PIP_FAILS"]).touch()
    installs = len(pip_calls(env))
    assert setup(repo, env).returncode == 0
    assert len(pip_calls(env)) == installs
    Path(env["PIP_FAILS"]).unlink()
    assert setup(repo, env, "test").returncode == 0
    assert pip_calls(env)[-1] == "install --quiet --disable-pip-version-check -e .[test]"
    installs = len(pip_calls(env))
    for extra in ((), ("test",)):
        assert setup(repo, env, *extra).returncode == 0
    assert len(pip_calls(env)) == installs

    # The dependencies changed: installed again; a failed install is tried again next time.
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
        pyproject.write("\n# a new dependency\n")
    Path(env["PIP_FAILS"]).touch()
    assert setup(repo, env).returncode != 0
    Path(env["PIP_FAILS"]).unlink()
    assert setup(repo, env).returncode == 0
    assert pip_calls(env)[-1] == "install --quiet --disable-pip-version-check -e ."
    installs = len(pip_calls(env))
    assert setup(repo, env).returncode == 0
    assert len(pip_calls(env)) == installs
    assert os.access(repo / ".venv" / "bin" / "python", os.X_OK)
