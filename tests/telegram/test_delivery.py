"""Direct replies are delivered with the outbox's care: a transient error is retried and the
reply arrives once; what is too long for Telegram is cut at line ends into a few messages,
or sent as a file; a message Telegram keeps refusing is parked, the group's next message
still goes out, and the coordinators hear of it."""

from __future__ import annotations

import asyncio

from bot.adapters.telegram.translate import room_of
from bot.core.events import Identity, MessageEvent, Sender
from bot.core.parts import MAX_PARTS
from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000007
ANNA = user(1001, "Anna", "Albers")
LIMIT = 4096


async def founded(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")
    await world.say(GROUP, ANNA, "/mitglied neu Kleve")


async def retried(world: World) -> list[str]:
    """What goes out once the outbox's first retry (a second later) falls due."""
    world.advance(seconds=1)
    return await world.act(asyncio.sleep(0))


async def minutes_with(world: World, decisions: int) -> None:
    """A held meeting with this many long decisions, each a real /beschluss (answered
    nowhere, to keep the test short: only the minutes are looked at)."""
    await world.say(GROUP, ANNA, "/termin 23.11.2026 18:00")
    await world.say(GROUP, ANNA, "/sitzungsbeginn")
    anna = Sender(Identity("telegram", "1001"), "Anna Albers", is_room_admin=True)
    filler = "Die Partnerschaft beschließt nach Aussprache einstimmig " * 4
    for n in range(1, decisions + 1):
        text = f"/beschluss B{n:03d}: {filler}".strip()
        await world.app.handle(MessageEvent(room_of(GROUP), anna, text), deliver=False)
    await world.say(GROUP, ANNA, "/sitzungsende")


def documents(world: World, since: int) -> dict[str, bytes]:
    """The files sent since a mark, by name."""
    return dict(
        c.files["document"] for c in world.fake.calls[since:] if c.method == "sendDocument" and c.ok
    )


async def test_a_transient_500_on_a_direct_reply_is_retried_and_it_arrives_once(
    world: World,
) -> None:
    await founded(world)
    world.fake.fail_next("sendMessage", 500, "Internal Server Error", chat_id=GROUP)
    assert await world.say(GROUP, ANNA, "/mitglieder") == []
    out = await retried(world)
    assert len(out) == 1 and "Kleve" in out[0]
    assert sum("1. Kleve" in text for text in world.fake.sent(GROUP)) == 1


async def test_a_transient_500_on_send_document_is_retried_and_the_file_arrives_once(
    world: World,
) -> None:
    """/kalender's file was lost for good when sendDocument failed once."""
    await founded(world)
    await world.say(GROUP, ANNA, "/termin 10.12.2026 14:00")
    mark = len(world.fake.calls)
    world.fake.fail_next("sendDocument", 500, "Internal Server Error", chat_id=GROUP)
    await world.say(GROUP, ANNA, "/kalender")
    assert documents(world, mark) == {}
    text = await retried(world)
    assert text == []  # the text went out before: only the file is sent again
    (name,) = documents(world, mark)
    assert name.endswith(".ics") and b"BEGIN:VCALENDAR" in documents(world, mark)[name]


async def test_long_minutes_are_cut_into_a_few_messages_that_fit(world: World) -> None:
    await founded(world)
    await minutes_with(world, 40)
    mark = len(world.fake.calls)
    out = await world.say(GROUP, ANNA, "/protokoll 1")
    assert 2 <= len(out) <= MAX_PARTS
    assert all(len(text) <= LIMIT for text in out)
    joined = "\n".join(out)
    assert [f"B{n:03d}:" in joined for n in range(1, 41)] == [True] * 40
    assert joined.index("B001:") < joined.index("B040:")
    # cut at line ends: every decision is whole in one message
    assert sum(text.count("B0") for text in out) == 40
    assert documents(world, mark)  # the minutes' own files still come along


async def test_minutes_of_200_decisions_come_as_a_file_with_a_short_message(
    world: World,
) -> None:
    """They were 605 messages."""
    await founded(world)
    await minutes_with(world, 200)
    mark = len(world.fake.calls)
    out = await world.say(GROUP, ANNA, "/protokoll 1")
    assert len(out) == 1 and len(out[0]) < 1000
    assert "angehängten Datei" in out[0]
    files = documents(world, mark)
    assert "nachricht.txt" in files and any(name.endswith(".md") for name in files)
    text = files["nachricht.txt"].decode()
    assert all(f"B{n:03d}:" in text for n in range(1, 201))


async def test_a_message_telegram_refuses_is_parked_and_the_group_goes_on(
    world: World,
) -> None:
    await founded(world)
    world.fake.fail_next("sendMessage", 400, "Bad Request: message is too long", chat_id=GROUP)
    out = await world.say(GROUP, ANNA, "/mitglieder")
    assert len(out) == 1 and "zurückgestellt" in out[0] and "Anna Albers" in out[0]
    out = await world.say(GROUP, ANNA, "/mitglied neu Goch")
    assert any("Goch ist jetzt Mitglied" in text for text in out)
    async with world.database.uow() as uow:
        (parked,) = await uow.outbox.parked()
    assert parked.kind == "reply" and "too long" in parked.last_error


async def test_a_parked_notice_about_a_parked_message_tells_nobody_again(
    world: World,
) -> None:
    await founded(world)
    for _ in range(2):
        world.fake.fail_next("sendMessage", 400, "Bad Request: message is too long")
    assert await world.say(GROUP, ANNA, "/mitglieder") == []
    async with world.database.uow() as uow:
        assert [m.kind for m in await uow.outbox.parked()] == ["reply", "notice"]
        assert await uow.outbox.pending() == []
    out = await world.say(GROUP, ANNA, "/mitglied neu Goch")
    assert any("Goch ist jetzt Mitglied" in text for text in out)


async def test_a_message_that_keeps_failing_is_parked_after_a_few_attempts(
    world: World,
) -> None:
    await founded(world)
    world.delivery.max_attempts = 3
    for _ in range(3):
        world.fake.fail_next("sendMessage", 500, "Internal Server Error", chat_id=GROUP)
    assert await world.say(GROUP, ANNA, "/mitglieder") == []
    world.advance(seconds=1)
    assert await world.act(asyncio.sleep(0)) == []
    world.advance(seconds=2)
    out = await world.act(asyncio.sleep(0))
    assert len(out) == 1 and "nach 3 Versuchen" in out[0]
    out = await world.say(GROUP, ANNA, "/mitglied neu Goch")
    assert any("Goch ist jetzt Mitglied" in text for text in out)
