"""`[web]` in the config, `check-config` binding the listener, and `partnerbot run` serving
the site beside the platforms: a homeserver that never answers does not keep the site (or
Telegram) from serving, and the site does not keep the process from stopping."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import aiohttp

from bot.config import load
from tests.processes import ROOT, Run, operator_env
from tests.telegram.fake_api import FakeBotAPI, user
from tests.telegram.test_independent import homeserver_away
from tests.web_site import free_port, links

GROUP = -1001000000033
ANNA = user(1001, "Anna", "Albers")


def test_the_web_section_is_checked(tmp_path: Path) -> None:
    env = {"PARTNERBOT_TELEGRAM_TOKEN": "123:abc"}
    config = tmp_path / "partnerbot.toml"
    config.write_text('[telegram]\n[web]\nlisten = "127.0.0.1:8080"\n', encoding="utf-8")
    assert [p for p in load(config, env).problems if p.startswith("[web]")] == [
        "[web] base_url is needed with listen: the links in the chat start with it "
        "(e.g. https://partner.example.org)"
    ]
    config.write_text('[telegram]\n[web]\nlisten = "8080"\nbase_url = "partner.example.org"\n')
    assert [p for p in load(config, env).problems if p.startswith("[web]")] == [
        "[web] listen must be host:port, e.g. 127.0.0.1:8080",
        "[web] base_url must be an address like https://partner.example.org",
    ]
    config.write_text(
        '[telegram]\n[web]\nlisten = "127.0.0.1:8080"\nbase_url = "https://p.example.org"\n'
    )
    loaded = load(config, {**env, "PARTNERBOT_WEB_BASE_URL": "https://q.example.org"})
    assert loaded.problems == []
    assert (loaded.web.listen, loaded.web.base_url) == ("127.0.0.1:8080", "https://q.example.org")


async def _check_config(config: Path, tmp_path: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot.cli", "check-config", "--config", str(config)),
        env=operator_env(tmp_path / "home", PARTNERBOT_TELEGRAM_TOKEN="123:abc"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=ROOT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_check_config_tries_to_bind_the_listener(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "partnerbot.toml"
        config.write_text(
            f'[bot]\ndata_dir = "{tmp_path / "data"}"\n[telegram]\n'
            f'[web]\nlisten = "127.0.0.1:{port}"\nbase_url = "https://p.example.org"\n'
        )
        code, out = await _check_config(config, tmp_path)
        assert code == 1
        assert f"problem: [web] listen 127.0.0.1:{port} cannot be bound: " in out
    code, out = await _check_config(config, tmp_path)
    assert code == 0, out
    assert f"web site on 127.0.0.1:{port}" in out


async def test_run_serves_the_site_beside_the_platforms(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    port = free_port()
    run: Run | None = None
    try:
        async with homeserver_away("silent") as homeserver:
            config = tmp_path / "partnerbot.toml"
            config.write_text(
                f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n'
                f'[matrix]\nhomeserver = "{homeserver}"\nuser_id = "@partnerbot:test.local"\n\n'
                f'[telegram]\nbase_url = "{fake.url}"\n\n'
                f'[web]\nlisten = "127.0.0.1:{port}"\nbase_url = "http://127.0.0.1:{port}"\n',
                encoding="utf-8",
            )
            env = operator_env(
                tmp_path / "home",
                PARTNERBOT_TELEGRAM_TOKEN=fake.token,
                PARTNERBOT_MATRIX_PASSWORD="secret-password",
            )
            run = await Run(config, tmp_path / "bot.log", env).start()
            await run.says(f"web site on 127.0.0.1:{port}")
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    assert response.status == 404  # serving, while Matrix hangs
                await run.says("Telegram: connected")
                await fake.say(GROUP, ANNA, "/gruenden Klima-Allianz")
                await fake.say(GROUP, ANNA, "/webseite")
                async with fake.changed:
                    await fake.changed.wait_for(lambda: len(fake.sent(GROUP)) >= 2)
                site = links(fake.sent(GROUP)[1])
                assert site, fake.sent(GROUP)
                async with session.get(site[0]) as response:
                    assert response.status == 200
                    assert "Klima-Allianz" in await response.text()
            assert "Matrix: @partnerbot" not in run.output()  # never connected
            code, seconds = await run.terminate()
            assert code == 0 and seconds < 10, run.output()
    finally:
        await fake.release_pollers()
        if run is not None:
            await run.close()
        await fake.close()
