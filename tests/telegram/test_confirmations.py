"""Confirmations with an inline keyboard: pressing a button is the presser typing its command."""

from __future__ import annotations

import re
from typing import Any

from bot.adapters.matrix.translate import reply_content
from bot.adapters.telegram.translate import MAX_CALLBACK_DATA, TextPart, keyboard, outgoing
from bot.adapters.telegram.translate import room_of as telegram_room
from bot.core.events import Identity, MessageEvent, Sender
from bot.core.reply import Button, Paragraph, Reply
from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000001
OTHER = -1001000000002
ANNA = user(1001, "Anna", "Albers")
BERND = user(1002, "Bernd", "Brand")
CARLA = user(1003, "Carla", "Claßen")


async def members(world: World) -> list[str]:
    async with world.database.uow() as uow:
        room = await uow.rooms.find(telegram_room(GROUP))
        assert room is not None
        found = await uow.members.of_partnership(room.partnership_id)
        return sorted(m.name for m in found if m.active)


async def asked(world: World, person: dict[str, Any], command: str) -> dict[str, Any]:
    """`person` types a destructive command; returns the bot's question (with its buttons)."""
    out = await world.say(GROUP, person, command)
    assert out[-1].startswith("Bitte bestätigen:"), out
    return world.fake.last_sent(GROUP)


async def press(world: World, person: dict[str, Any], question: dict[str, Any], label: str) -> int:
    mark = len(world.fake.calls)
    await world.settle(await world.fake.press(GROUP, person, question["message_id"], label))
    return mark


async def partnership_with_kleve(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    world.fake.set_status(GROUP, BERND, "member")
    world.fake.set_status(GROUP, CARLA, "administrator")
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")
    await world.say(GROUP, ANNA, "/member add Kleve")
    await world.say(GROUP, ANNA, "/member add Goch")


async def test_the_question_carries_yes_and_no_buttons(world: World) -> None:
    await partnership_with_kleve(world)
    question = await asked(world, ANNA, "/member remove Kleve")
    rows = question["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[0]] == ["Ja, ausführen", "Nein"]
    yes, no = (b["callback_data"] for b in rows[0])
    assert yes.startswith("/ja ") and no.startswith("/nein ")
    assert yes.split()[1] == no.split()[1]
    # the text alone still says what to type
    assert "/ja" in world.fake.sent(GROUP)[-1]
    assert question["reply_to_message"]["from"]["id"] == ANNA["id"]


async def test_the_asker_presses_yes(world: World) -> None:
    await partnership_with_kleve(world)
    question = await asked(world, ANNA, "/member remove Kleve")
    mark = await press(world, ANNA, question, "Ja, ausführen")
    assert await members(world) == ["Goch"]
    calls = world.fake.calls[mark:]
    (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answer.ok and not answer.params.get("text")
    (edit,) = [c for c in calls if c.method == "editMessageReplyMarkup"]
    assert edit.ok and edit.params["message_id"] == question["message_id"]
    assert world.fake.keyboard(GROUP, question["message_id"]) == []
    out = world.fake.sent(GROUP, since=mark)
    assert any(t.startswith("Kleve ist aus der Partnerschaft ausgetreten") for t in out), out
    assert all(q for q in world.fake.queries.values()), "every press is answered"


async def test_the_asker_presses_no(world: World) -> None:
    await partnership_with_kleve(world)
    question = await asked(world, ANNA, "/mitglied entfernen Kleve")
    mark = await press(world, ANNA, question, "Nein")
    assert await members(world) == ["Goch", "Kleve"]
    out = world.fake.sent(GROUP, since=mark)
    assert out == ["Abgebrochen: /mitglied entfernen Kleve wird nicht ausgeführt."]
    reply = next(c for c in world.fake.calls[mark:] if c.method == "sendMessage")
    assert reply.params["reply_parameters"]["message_id"] == question["message_id"]
    assert world.fake.keyboard(GROUP, question["message_id"]) == []


async def test_someone_else_pressing_is_refused(world: World) -> None:
    await partnership_with_kleve(world)
    question = await asked(world, ANNA, "/member remove Kleve")
    for other in (BERND, CARLA):  # a member, and even another administrator
        mark = await press(world, other, question, "Ja, ausführen")
        calls = world.fake.calls[mark:]
        (answer,) = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.ok
        assert answer.params["text"] == (
            "Das kann nur Anna Albers bestätigen, der die Frage gestellt wurde."
        )
        assert not [c for c in calls if c.method in ("sendMessage", "editMessageReplyMarkup")]
    assert await members(world) == ["Goch", "Kleve"]
    # the question is still open for the asker
    assert world.fake.keyboard(GROUP, question["message_id"]) == ["Ja, ausführen", "Nein"]
    await press(world, ANNA, question, "Ja, ausführen")
    assert await members(world) == ["Goch"]


async def test_a_typed_answer_then_a_stale_button(world: World) -> None:
    await partnership_with_kleve(world)
    question = await asked(world, ANNA, "/member remove Kleve")
    await world.say(GROUP, ANNA, "/ja")
    assert await members(world) == ["Goch"]
    mark = await press(world, ANNA, question, "Ja, ausführen")
    out = world.fake.sent(GROUP, since=mark)
    assert out == ["Es gibt hier nichts, was Sie bestätigen könnten."]
    assert world.fake.keyboard(GROUP, question["message_id"]) == []
    assert await members(world) == ["Goch"]


async def test_an_anonymous_administrators_question(world: World) -> None:
    await partnership_with_kleve(world)
    mark = len(world.fake.calls)
    await world.act(world.fake.say_anonymously(GROUP, "/member remove Kleve"))
    assert world.fake.sent(GROUP, since=mark)[0].startswith("Bitte bestätigen:")
    question = world.fake.last_sent(GROUP)
    # a plain member cannot answer for the anonymous administrators
    await press(world, BERND, question, "Ja, ausführen")
    assert await members(world) == ["Goch", "Kleve"]
    # an administrator can: they pressed as the group's anonymous administration asked
    await press(world, CARLA, question, "Ja, ausführen")
    assert await members(world) == ["Goch"]
    assert world.fake.keyboard(GROUP, question["message_id"]) == []


async def test_unlinking_a_group_is_confirmed_by_button(world: World) -> None:
    await partnership_with_kleve(world)
    out = await world.say(GROUP, ANNA, "/link")
    code = re.search(r"Code: (\S+)", out[0])
    assert code is not None
    world.fake.group(OTHER, "Klima-Allianz (Telegram 2)", BERND)
    await world.say(OTHER, BERND, f"/link {code.group(1)}")
    out = await world.say(OTHER, BERND, "/unlink")
    assert out[-1].startswith("Bitte bestätigen:")
    question = world.fake.last_sent(OTHER)
    await world.settle(
        await world.fake.press(OTHER, BERND, question["message_id"], "Ja, ausführen")
    )
    async with world.database.uow() as uow:
        assert await uow.rooms.find(telegram_room(OTHER)) is None
        assert await uow.rooms.find(telegram_room(GROUP)) is not None
    assert world.fake.keyboard(OTHER, question["message_id"]) == []


def test_buttons_only_on_the_last_part_and_within_the_data_limit() -> None:
    long_command = "/ja " + "x" * MAX_CALLBACK_DATA
    reply = Reply.of(
        *(Paragraph.of("Zeile " + "z" * 90) for _ in range(100)),
        buttons=(Button("Ja", "/ja abc"), Button("Zu lang", long_command)),
    )
    parts = outgoing(reply)
    texts = [p for p in parts if isinstance(p, TextPart)]
    assert len(texts) == 3
    assert [p.keyboard is not None for p in texts] == [False, False, True]
    markup = texts[-1].keyboard
    assert markup is not None
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["/ja abc"]]
    assert keyboard([Button("Zu lang", long_command)]) is None


async def test_matrix_has_no_buttons_and_the_text_says_what_to_type(world: World) -> None:
    await partnership_with_kleve(world)
    sender = Sender(Identity("telegram", str(ANNA["id"])), "Anna Albers", is_room_admin=True)
    question = await world.app.handle(
        MessageEvent(telegram_room(GROUP), sender, "/member remove Kleve", "Klima-Allianz")
    )
    assert question is not None and question.buttons
    content = reply_content(question)
    assert content is not None
    assert "!ja" in content["body"] and "!nein" in content["body"]  # Element eats a leading /
    assert "!ja" in content["formatted_body"] and "!nein" in content["formatted_body"]
    assert "Ja, ausführen" not in str(content)
