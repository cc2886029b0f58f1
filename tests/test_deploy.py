"""deploy/: what can be checked on a machine without a container engine.

The compose file parses and names only files that exist; the systemd unit passes
`systemd-analyze verify`; the example config explains every option and parses; and the
recipe's install step (`pip install .`) works in a fresh virtual environment. That last one
installs with --no-deps (the dependencies come from the project's own .venv through a path
entry), so it checks the package itself - its modules, catalogs, migrations and console
script - in about half a minute instead of building every dependency again.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import _SECTIONS, load

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
EXAMPLE = DEPLOY / "partnerbot.example.toml"


def compose() -> dict[str, object]:
    data = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_compose_parses_and_names_only_files_that_exist() -> None:
    data = compose()
    services = data["services"]
    assert isinstance(services, dict)
    assert set(services) == {"partnerbot", "postgres", "synapse"}
    assert services["synapse"]["profiles"] == ["trial"]
    assert "profiles" not in services["partnerbot"] and "profiles" not in services["postgres"]
    bot = services["partnerbot"]
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == ROOT
    assert (context / bot["build"]["dockerfile"]).is_file()
    assert bot["environment"]["PARTNERBOT_BOT_DATABASE"].startswith("postgresql://partnerbot:")
    assert "@postgres:5432/partnerbot" in bot["environment"]["PARTNERBOT_BOT_DATABASE"]
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    named_volumes = set(data["volumes"])
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in named_volumes, f"{name} uses undeclared volume {source}"
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    example_env = (DEPLOY / "env.example").read_text(encoding="utf-8")
    assert all(f"{name}=" in example_env for name in used)


def test_containerfile_copies_what_exists_and_runs_the_config() -> None:
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert text.startswith("#") and "\nFROM python:3.11-slim\n" in text
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
    assert 'CMD ["run", "--config", "/etc/partnerbot/partnerbot.toml"]' in text
    mounts = compose()["services"]["partnerbot"]["volumes"]  # type: ignore[index]
    assert any(m.endswith(":/etc/partnerbot/partnerbot.toml:ro") for m in mounts)


def test_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    unit = (DEPLOY / "partnerbot.service").read_text(encoding="utf-8")
    for needed in ("User=partnerbot", "StateDirectory=partnerbot", "NoNewPrivileges=yes"):
        assert needed in unit
    # The unit names /opt/partnerbot; verify checks that the program exists, so point it at
    # the one installed here.
    here = tmp_path / "partnerbot.service"
    here.write_text(
        unit.replace(
            "/opt/partnerbot/bin/partnerbot", str(Path(sys.executable).parent / "partnerbot")
        )
    )
    result = subprocess.run(
        [analyze, "verify", "--man=no", str(here)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "partnerbot.service" not in result.stderr, result.stderr


def test_example_config_explains_every_option_and_parses() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    sections = re.split(r"^\[(\w+)\]\s*$", text, flags=re.M)
    by_section = dict(zip(sections[1::2], sections[2::2], strict=True))
    assert set(by_section) == set(_SECTIONS)
    for name, cls in _SECTIONS.items():
        body = by_section[name]
        for option in dataclasses.fields(cls):
            match = re.search(rf"^(# )?{option.name} = ", body, flags=re.M)
            assert match, f"[{name}] {option.name} is not in the example"
            before = body[: match.start()].rstrip().splitlines()
            assert before and before[-1].startswith("#"), f"[{name}] {option.name} is not explained"
    config = load(EXAMPLE, {"PARTNERBOT_MATRIX_PASSWORD": "x", "PARTNERBOT_TELEGRAM_TOKEN": "1:y"})
    assert config.problems == []
    assert config.matrix is not None and config.telegram is not None
    assert config.health.listen == "" and config.log.format == "keyvalue"


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install .` into a new virtual environment, once for the module."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            str(ROOT),
        ],
        check=True,
        timeout=600,
        cwd=venv,
    )
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Dependencies only: a plain path line does not run the project's editable-install hook.
    (Path(purelib) / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


def test_the_recipe_installs_into_a_fresh_venv(fresh_install: Path, tmp_path: Path) -> None:
    python = fresh_install / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    where = subprocess.run(
        [str(python), "-c", "import bot, handlers, storage; print(bot.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    ).stdout
    assert where.startswith(str(fresh_install)), "the installed copy, not the checkout"
    script = tmp_path / "try.script"
    script.write_text(":admin anna\n@anna: /setup Probe\n@anna: /hilfe\n", encoding="utf-8")
    result = subprocess.run(
        [
            str(fresh_install / "bin" / "partnerbot"),
            "console",
            "--script",
            str(script),
            "--db",
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "--now",
            "2026-11-23 10:00",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Die Partnerschaft Probe ist gegründet" in result.stdout, "catalogs and migrations ship"
    assert "Für Sie als Koordination:" in result.stdout
