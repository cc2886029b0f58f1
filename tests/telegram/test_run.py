"""`partnerbot run` with a `[telegram]` section serves a group (the fake Bot API stands in)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.telegram.fake_api import FakeBotAPI, user

GROUP = -1001000000009
ANNA = user(1001, "Anna", "Albers")


async def test_partnerbot_run_serves_telegram(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path}"\n\n[telegram]\nmode = "polling"\nbase_url = "{fake.url}"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PARTNERBOT_TELEGRAM_TOKEN": fake.token,
        "PARTNERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        "--config",
        str(config),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_for(lambda: bool(fake.ok_calls("getUpdates")))
        await fake.say(GROUP, ANNA, "/setup Klima-Allianz")
        await fake.wait_for(lambda: bool(fake.sent(GROUP)))
        assert fake.sent(GROUP)[0].startswith("Die Partnerschaft Klima-Allianz ist gegründet.")
        await fake.say(GROUP, ANNA, "/mitglied neu Kleve")
        await fake.wait_for(lambda: len(fake.sent(GROUP)) >= 2)
        assert fake.sent(GROUP)[1].startswith("Kleve ist jetzt Mitglied")
    finally:
        await fake.release_pollers()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 30)
        await fake.close()
    log = output.decode()
    assert process.returncode == 0, log
    assert "Telegram: connected as @PartnerTestBot" in log
    assert fake.token not in log
