"""`partnerbot run` serving Matrix and Telegram from one process: a Bot API that cannot be
reached neither ends the process nor keeps Matrix from answering, and SIGTERM ends it
within 10 s while Telegram's start is still being retried."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.matrix.helpers import Person
from tests.matrix.synapse import Account, Synapse, free_port
from tests.processes import Run, operator_env

STOP_BOUND = 10.0
"""What the operator is promised (issue 15): SIGTERM ends the process within 10 s."""


async def test_matrix_serves_while_the_bot_api_cannot_be_reached(
    synapse: Synapse,
    register: Callable[[str], Account],
    people: Callable[[str], Person],
    tmp_path: Path,
) -> None:
    account = register("partnerbot")
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n'
        f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{account.user_id}"\n'
        'allow_invites_from = ["test.local"]\n\n'
        f'[telegram]\nbase_url = "{nowhere}"\n',
        encoding="utf-8",
    )
    env = operator_env(
        tmp_path / "home",
        PARTNERBOT_MATRIX_PASSWORD=account.password,
        PARTNERBOT_TELEGRAM_TOKEN="123456:unreachable",
    )
    bot = await Run(config, tmp_path / "bot.log", env).start()
    anna = people("anna")
    try:
        await anna.start()
        await bot.says("Telegram: cannot connect")
        await bot.says("Matrix: ")
        room_id = await anna.create_room("Klima-Allianz")
        await anna.client.room_invite(room_id, account.user_id)
        await anna.joined(room_id, account.user_id)
        answer = await anna.ask(room_id, account.user_id, "!gruenden Klima-Allianz")
        assert "ist gegründet" in answer.body
        assert "Telegram: connected" not in bot.output()
        code, seconds = await bot.terminate()
    finally:
        await bot.close()
    print(f"ended {seconds:.2f} s after SIGTERM")  # what -s shows
    assert code == 0, bot.output()
    assert seconds < STOP_BOUND, bot.output()
    assert (tmp_path / "data" / "partnerbot.sqlite3").exists()
    assert account.password not in bot.output()
