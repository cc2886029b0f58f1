"""An update the bot handled but had not confirmed before it stopped (a crash between the
change and the next getUpdates) comes again after the start: it is answered with the stored
reply and not applied twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import TelegramService
from bot.adapters.telegram.translate import room_of
from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000001
ANNA = user(1001, "Anna", "Albers")


async def test_an_update_delivered_again_after_a_restart_is_not_applied_twice(
    world: World, tmp_path: Path
) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")
    pushed: list[dict[str, Any]] = []
    push = world.fake.push

    async def remembering(kind: str, payload: dict[str, Any]) -> int:
        update_id = await push(kind, payload)
        pushed.append({"update_id": update_id, kind: payload})
        return update_id

    world.fake.push = remembering  # type: ignore[method-assign]
    answer = await world.say(GROUP, ANNA, "/tagesordnung neu Radwege")
    assert any("Radwege" in text for text in answer)

    await world.fake.release_pollers()
    await world.service.stop()
    world.fake._closing = False
    world.fake.updates.extend(pushed)  # as if the offset had never been confirmed
    service = TelegramService(
        world.service.section,
        tmp_path,
        pacer=Pacer(per_chat_interval=0.0, per_second=10_000),
        poll_timeout=2,
    )
    world.service = service
    await service.start(world.app)
    assert service.replayable_until == pushed[-1]["update_id"]
    again = await world.act(world.fake.say(GROUP, ANNA, "/tagesordnung"))

    async with world.database.uow() as uow:
        room = await uow.rooms.find(room_of(GROUP))
        assert room is not None
        items = await uow.agenda.of_partnership(room.partnership_id)
    assert [item.text for item in items] == ["Radwege"]
    assert any("Radwege" in text for text in again)
    # The replay is answered with the reply stored with the change (Telegram has no
    # idempotent send, so the answer shows twice; the change happened once).
    answers = [text for text in world.fake.sent(GROUP) if text.startswith("Vorgemerkt")]
    assert len(answers) == 2 and answers[0] == answers[1]
