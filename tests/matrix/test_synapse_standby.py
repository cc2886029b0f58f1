"""Two `partnerbot run` serving one Matrix account from one data_dir: the second waits as a
standby without syncing, and takes over when the first is killed; every reply once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.matrix.helpers import Person
from tests.matrix.synapse import Account, Synapse
from tests.processes import Run, operator_env


async def test_the_standby_takes_over_the_room_and_answers_everything_once(
    synapse: Synapse,
    register: Callable[[str], Account],
    people: Callable[[str], Person],
    tmp_path: Path,
) -> None:
    account = register("partnerbot")
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n\n'
        f'[matrix]\nhomeserver = "{synapse.url}"\nuser_id = "{account.user_id}"\n'
        'allow_invites_from = ["test.local"]\n',
        encoding="utf-8",
    )
    env = operator_env(tmp_path / "home", PARTNERBOT_MATRIX_PASSWORD=account.password)
    first = await Run(config, tmp_path / "first.log", env).start()
    second = Run(config, tmp_path / "second.log", env)
    anna = people("anna")
    try:
        await anna.start()
        await first.says("is connected to")
        await second.start()
        await second.says("standby: another partnerbot is active")
        room_id = await anna.create_room("Klima-Allianz")
        await anna.client.room_invite(room_id, account.user_id)
        await anna.joined(room_id, account.user_id)
        await anna.ask(room_id, account.user_id, "!gruenden Klima-Allianz")
        await anna.say(room_id, "!mitglied neu Kleve")
        await anna.wait_for(room_id, account.user_id, "Kleve ist jetzt Mitglied")

        # Killed once the command was handled, whether or not its reply went out.
        await anna.say(room_id, "!mitglied neu Moers")
        await first.says("command=mitglied", times=2)
        first.kill()
        await anna.say(room_id, "!mitglied neu Xanten")  # while nobody serves
        await second.says("active: this process holds the instance lock")
        await anna.wait_for(room_id, account.user_id, "Xanten ist jetzt Mitglied")
        members = await anna.ask(room_id, account.user_id, "!mitglieder")
        code, _ = await second.terminate()
    finally:
        await first.close()
        await second.close()
    assert code == 0, second.output()
    assert "sync" not in second.output().split("active: this process")[0].lower()
    for town in ("Kleve", "Moers", "Xanten"):
        replies = [
            s for s in anna.from_user(room_id, account.user_id) if f"{town} ist jetzt" in s.body
        ]
        assert len(replies) == 1, (town, [s.body for s in anna.seen])
        assert members.body.count(town) == 1, members.body
