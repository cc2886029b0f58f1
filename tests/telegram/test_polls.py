"""The bot's polls in Telegram: posted with `sendPoll` (not anonymous, several answers),
votes back as `poll_answer` updates mapped to the bot's poll and answer keys, ended with
`stopPoll`, never posted twice, and still known after a restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import TelegramService
from bot.adapters.telegram.translate import room_of
from bot.config import Secret, TelegramSection
from bot.core.events import Event, PollVote
from bot.core.reply import Paragraph, Poll, PollAnswer, Reply
from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000042
ANNA = user(1001, "Anna", "Albers")
BERND = user(1002, "Bernd", "Bauer")
TIMES = (
    PollAnswer("1", "Di 01.12.2026 10:00"),
    PollAnswer("2", "Mi 02.12.2026 14:00"),
    PollAnswer("3", "Do 03.12.2026 09:30"),
)
QUESTION = "Wann treffen wir uns?"


def poll_reply(
    question: str = QUESTION, answers: tuple[PollAnswer, ...] = TIMES, closed: bool = False
) -> Reply:
    lines = [question, *(f"{a.key}. {a.text}" for a in answers)]
    blocks = tuple(Paragraph.of(line) for line in lines)
    return Reply(blocks, poll=Poll("datepoll:7", question, answers, closed=closed))


def closing() -> Reply:
    return Reply(
        (Paragraph.of("Die Umfrage ist beendet: Mi 02.12.2026 14:00 passt den meisten."),),
        poll=Poll("datepoll:7", QUESTION, TIMES, closed=True),
    )


def votes_of(world: World) -> list[PollVote]:
    """The votes the adapter hands to the app (recorded at that boundary)."""
    seen: list[PollVote] = []
    handle = world.app.handle

    async def recording(event: Event, **kwargs: Any) -> Any:
        if isinstance(event, PollVote):
            seen.append(event)
            return None
        return await handle(event, **kwargs)

    world.app.handle = recording  # type: ignore[method-assign]
    return seen


async def post(world: World, reply: Reply) -> None:
    async with world.database.uow() as uow:
        await uow.outbox.add(None, room_of(GROUP), reply, world.clock.now())
        await uow.commit()
    world.app.outbox_changed.set()
    await world.settle()


def poll_message_id(world: World) -> int:
    (call,) = world.fake.ok_calls("sendPoll")
    return int(call.result["message_id"])


async def test_a_poll_goes_out_by_send_poll_and_votes_come_back_as_the_bots_keys(
    world: World,
) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    seen = votes_of(world)
    await post(world, poll_reply())
    (call,) = world.fake.ok_calls("sendPoll")
    assert call.params["is_anonymous"] is False
    assert call.params["allows_multiple_answers"] is True
    assert call.params["question"] == QUESTION
    assert [o["text"] for o in call.params["options"]] == [a.text for a in TIMES]
    assert world.fake.sent(GROUP) == []  # the poll says it all: no text beside it
    assert "poll_answer" in (world.fake.allowed_updates or [])

    message_id = poll_message_id(world)
    await world.act(world.fake.vote(GROUP, ANNA, message_id, [0, 2]))
    await world.act(world.fake.vote(GROUP, BERND, message_id, [1]))
    await world.act(world.fake.vote(GROUP, ANNA, message_id, [2]))
    await world.act(world.fake.vote(GROUP, BERND, message_id, []))
    assert [(v.sender.identity.user_id, v.poll_key, v.answer_keys) for v in seen] == [
        ("1001", "datepoll:7", ("1", "3")),
        ("1002", "datepoll:7", ("2",)),
        ("1001", "datepoll:7", ("3",)),
        ("1002", "datepoll:7", ()),
    ]
    assert {v.room for v in seen} == {room_of(GROUP)}
    assert seen[0].sender.display_name == "Anna Albers"


async def test_closing_stops_the_poll_and_shows_the_result_under_it(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    await post(world, poll_reply())
    message_id = poll_message_id(world)
    mark = len(world.fake.calls)
    await post(world, closing())
    (stop,) = world.fake.ok_calls("stopPoll")
    assert stop.params["message_id"] == message_id
    assert world.fake.poll_in(GROUP, message_id)["is_closed"] is True
    (result,) = [c for c in world.fake.calls[mark:] if c.method == "sendMessage" and c.ok]
    assert "passt den meisten" in result.result["text"]
    assert result.result["reply_to_message"]["message_id"] == message_id
    # closing once more (a second notice) stops nothing again
    await post(world, closing())
    assert len(world.fake.ok_calls("stopPoll")) == 1
    assert not [c for c in world.fake.calls if c.method == "stopPoll" and not c.ok]


async def test_a_vote_after_a_restart_still_finds_its_poll(world: World, tmp_path: Path) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    await post(world, poll_reply())
    message_id = poll_message_id(world)
    await world.service.stop()
    section = TelegramSection(token=Secret(world.fake.token), base_url=world.fake.url)
    world.service = TelegramService(
        section,
        tmp_path,
        pacer=Pacer(per_chat_interval=0.0, per_second=10_000, per_group_minute=0),
        poll_timeout=2,
    )
    seen = votes_of(world)
    await world.service.start(world.app)
    await world.act(world.fake.vote(GROUP, BERND, message_id, [1, 2]))
    assert [(v.poll_key, v.answer_keys) for v in seen] == [("datepoll:7", ("2", "3"))]


async def test_a_poll_whose_text_telegram_cannot_take_whole_is_shortened_and_shown_in_full(
    world: World,
) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    long_place = "im großen Sitzungssaal des Kreishauses, Nassauerallee 15-23, Eingang B " * 2
    answers = (PollAnswer("1", "Di 01.12.2026 10:00 " + long_place), TIMES[1])
    question = "Wann treffen wir uns zum nächsten Austausch über die Wärmeplanung? " * 6
    await post(world, poll_reply(question, answers))
    (call,) = world.fake.ok_calls("sendPoll")
    assert len(call.params["question"]) <= 300 and call.params["question"].endswith("…")
    first = call.params["options"][0]["text"]
    assert len(first) <= 100 and first.startswith("Di 01.12.2026 10:00 im großen")
    (text,) = world.fake.sent(GROUP)
    assert long_place.strip() in text and question.strip() in text


async def test_a_poll_with_more_answers_than_telegram_takes_goes_out_as_text(
    world: World,
) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    many = tuple(PollAnswer(str(n), f"Termin {n}") for n in range(1, 14))
    await post(world, poll_reply(answers=many))
    assert world.fake.ok_calls("sendPoll") == []
    (text,) = world.fake.sent(GROUP)
    assert "13. Termin 13" in text


async def test_a_failure_after_the_poll_went_out_does_not_post_it_twice(world: World) -> None:
    """The full text beside a shortened poll fails once: the retry sends only the text."""
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    world.fake.fail_next("sendMessage", 500, "Internal Server Error", chat_id=GROUP)
    question = "Wann? " + "Bitte bis Freitag abstimmen, danke. " * 10
    await post(world, poll_reply(question))
    assert len(world.fake.ok_calls("sendPoll")) == 1
    assert world.fake.sent(GROUP) == []
    world.advance(seconds=2)
    await world.act(world.fake._notify())
    assert len(world.fake.ok_calls("sendPoll")) == 1
    assert len(world.fake.sent(GROUP)) == 1


async def test_the_fake_refuses_polls_telegram_refuses(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    assert world.service.messenger.bot is not None
    bot = world.service.messenger.bot
    for options in ([], [f"T{n}" for n in range(13)], ["x" * 101, "y"], ["a", "a"]):
        try:
            await bot.send_poll(GROUP, "Wann?", options, is_anonymous=False)
        except Exception as error:  # telegram.error.BadRequest
            assert "Bad Request" in str(error) or type(error).__name__ == "BadRequest"
        else:
            raise AssertionError(f"Telegram would refuse {options!r}")
    assert world.fake.ok_calls("sendPoll") == []
