"""Answering a meeting invitation with one tap in Telegram: the buttons under the
announcement send the answer as the presser, stay for everyone, and the presser gets the
answer as a notice (through python-telegram-bot and the fake Bot API)."""

from __future__ import annotations

from datetime import timedelta

from tests.telegram.conftest import World
from tests.telegram.test_confirmations import CARLA
from tests.telegram.test_scenarios import ANNA, BERND, GROUP, founded


async def test_pressing_the_buttons_under_the_announcement_answers(world: World) -> None:
    await founded(world)
    world.fake.set_status(GROUP, BERND, "member")
    world.fake.set_status(GROUP, CARLA, "member")
    for line in ("/mitglied neu Goch", "/mitglied neu Kleve", "/ichbin Goch"):
        await world.say(GROUP, ANNA, line)
    await world.say(GROUP, BERND, "/ichbin Kleve")
    day = (world.clock.now() + timedelta(days=20)).date()
    await world.say(GROUP, ANNA, f"/termin {day:%d.%m.%Y} 10:00 im Rathaus Goch")
    announcement = next(
        m
        for m in reversed(world.fake.messages.values())
        if m["chat"]["id"] == GROUP and "Neues Treffen" in m.get("text", "")
    )
    assert "/zusage " + f"{day:%d.%m.%Y}" in announcement["text"]
    labels = world.fake.keyboard(GROUP, announcement["message_id"])
    assert labels == ["Zusage", "Absage", "Vielleicht"]

    for person, label in (
        (BERND, "Absage"),
        (ANNA, "Zusage"),
        (BERND, "Zusage"),
        (CARLA, "Vielleicht"),
    ):
        mark = len(world.fake.calls)
        await world.settle(await world.fake.press(GROUP, person, announcement["message_id"], label))
        calls = world.fake.calls[mark:]
        (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.ok and answer.params["text"].startswith("Danke, " + person["first_name"])
        assert not [c for c in calls if c.method in ("sendMessage", "editMessageReplyMarkup")]
    # the buttons stay for everyone
    assert world.fake.keyboard(GROUP, announcement["message_id"]) == labels

    out = "\n".join(await world.say(GROUP, ANNA, "/teilnahme"))
    assert "Zugesagt haben 2 Mitglieder:\n• Goch – Anna Albers\n• Kleve – Bernd Brand" in out, out
    assert (
        "Außerdem haben geantwortet (ohne Mitglied, zählt nicht mit):\n• Carla Claßen: vielleicht"
        in out
    )
