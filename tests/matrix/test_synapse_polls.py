"""The bot's polls on the real Synapse: posted as Element posts MSC3381 polls (encrypted in
an encrypted room), votes by real poll response events (unstable and stable names) handed
on as the bot's poll and answer keys, votes cast while the bot was away fetched through
`/relations`, and closing ends the poll with an end event relating to its start."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from nio import MatrixRoom, RoomRedactResponse, RoomSendResponse, UnknownEvent

from bot.adapters.matrix import rooms
from bot.app import App
from bot.core.events import Event, PollVote, RoomRef
from bot.core.reply import Paragraph, Poll, PollAnswer, Reply
from tests.matrix.helpers import BotUnderTest, Person

START = "org.matrix.msc3381.poll.start"
END = "org.matrix.msc3381.poll.end"
TEXT = "org.matrix.msc1767.text"
TIMES = (
    PollAnswer("1", "Di 01.12.2026 10:00"),
    PollAnswer("2", "Mi 02.12.2026 14:00"),
    PollAnswer("3", "Do 03.12.2026 09:30"),
)
QUESTION = "Wann treffen wir uns?"


def poll_reply(closed: bool = False) -> Reply:
    text = "Die Umfrage ist beendet." if closed else "Terminumfrage: bitte bis Freitag abstimmen."
    return Reply((Paragraph.of(text),), poll=Poll("datepoll:3", QUESTION, TIMES, closed=closed))


class PollEvents:
    """What a person's client shows of polls: start and end events (decrypted if need be)."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.events: list[tuple[str, UnknownEvent]] = []
        person.client.add_event_callback(self._on_event, UnknownEvent)

    async def _on_event(self, room: MatrixRoom, event: UnknownEvent) -> None:
        self.events.append((room.room_id, event))
        self.person._changed.set()

    async def wait(self, room_id: str, kind: str) -> UnknownEvent:
        def found() -> UnknownEvent | None:
            return next((e for r, e in self.events if r == room_id and e.type == kind), None)

        event: UnknownEvent = await self.person.wait_until(found)
        return event


@pytest.fixture
def votes(monkeypatch: pytest.MonkeyPatch) -> list[PollVote]:
    """The votes the adapter hands to the app (recorded at that boundary, from the start)."""
    handle = App.handle
    seen: list[PollVote] = []

    async def recording(app: App, event: Event, **kwargs: Any) -> Any:
        if isinstance(event, PollVote):
            seen.append(event)
            return None
        return await handle(app, event, **kwargs)

    monkeypatch.setattr(App, "handle", recording)
    return seen


async def post(bot: BotUnderTest, room_id: str, reply: Reply) -> None:
    assert bot.runtime is not None
    async with bot.runtime.database.uow() as uow:
        await uow.outbox.add(None, RoomRef("matrix", room_id), reply, bot.clock.now())
        await uow.commit()
    bot.runtime.app.outbox_changed.set()


async def respond(
    person: Person, room_id: str, start_id: str, answers: list[str], stable: bool = False
) -> str:
    """A vote as a client sends it (Element: the unstable name; the stable name too)."""
    relates = {"rel_type": "m.reference", "event_id": start_id}
    if stable:
        kind, content = "m.poll.response", {"m.selections": answers, "m.relates_to": relates}
    else:
        kind = "org.matrix.msc3381.poll.response"
        content = {kind: {"answers": answers}, "m.relates_to": relates}
    sent = await person.client.room_send(room_id, kind, content, ignore_unverified_devices=True)
    assert isinstance(sent, RoomSendResponse), sent
    return str(sent.event_id)


async def room_of_three(anna: Person, bernd: Person, bot: BotUnderTest, encrypted: bool) -> str:
    room_id = await anna.create_room("Klima-Allianz", encrypted=encrypted)
    await anna.bring_in(room_id, bernd)
    await anna.client.room_invite(room_id, bot.user_id)
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    return room_id


async def test_votes_in_a_plain_and_an_encrypted_room_reach_the_app_as_the_bots_poll(
    people: Callable[[str], Person], bot: BotUnderTest, votes: list[PollVote]
) -> None:
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    plain = await room_of_three(anna, bernd, bot, encrypted=False)
    secret = await room_of_three(anna, bernd, bot, encrypted=True)
    polls_anna, polls_bernd = PollEvents(anna), PollEvents(bernd)
    await post(bot, plain, poll_reply())
    await post(bot, secret, poll_reply())

    start = await polls_anna.wait(plain, START)
    content = start.source["content"]
    assert content[START]["kind"] == "org.matrix.msc3381.poll.disclosed"
    assert content[START]["max_selections"] == 3
    assert content[START]["question"][TEXT] == QUESTION
    assert [(a["id"], a[TEXT]) for a in content[START]["answers"]] == [
        (a.key, a.text) for a in TIMES
    ]
    assert "bitte bis Freitag" in content[TEXT] and content["body"] == content[TEXT]
    hidden = await polls_bernd.wait(secret, START)
    assert hidden.decrypted  # it went through the room encrypted, like any message
    assert hidden.source["content"][START]["answers"][1][TEXT] == TIMES[1].text

    await respond(anna, plain, start.event_id, ["1", "3"])
    await respond(bernd, secret, hidden.event_id, ["2"], stable=True)
    await respond(anna, plain, start.event_id, ["2"])  # changed her mind: the latest counts
    await respond(bernd, secret, hidden.event_id, ["7"])  # no such answer: spoiled
    # somebody else's poll and its votes are none of the bot's business
    own = await anna.client.room_send(
        plain, START, {START: {"question": {TEXT: "Pizza?"}, "answers": []}, TEXT: "Pizza?"}
    )
    assert isinstance(own, RoomSendResponse)
    await respond(bernd, plain, own.event_id, ["x"])
    await anna.wait_until(lambda: len(votes) >= 4, poll=0.1)
    await asyncio.sleep(1)  # nothing more comes (the foreign vote)
    assert {v.poll_key for v in votes} == {"datepoll:3"} and len(votes) == 4
    by_room = {
        room: [(v.sender.identity.user_id, v.answer_keys) for v in votes if v.room.room_id == room]
        for room in (plain, secret)
    }
    assert by_room == {
        plain: [(anna.user_id, ("1", "3")), (anna.user_id, ("2",))],
        secret: [(bernd.user_id, ("2",)), (bernd.user_id, ())],
    }


async def test_closing_sends_the_end_event_and_the_result_in_reply_to_the_poll(
    people: Callable[[str], Person], bot: BotUnderTest
) -> None:
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    room_id = await room_of_three(anna, bernd, bot, encrypted=True)
    polls = PollEvents(anna)
    await post(bot, room_id, poll_reply())
    start = await polls.wait(room_id, START)
    await post(bot, room_id, poll_reply(closed=True))
    end = await polls.wait(room_id, END)
    assert end.sender == bot.user_id
    assert end.source["content"]["m.relates_to"] == {
        "rel_type": "m.reference",
        "event_id": start.event_id,
    }
    assert "beendet" in end.source["content"][TEXT]
    result = await anna.wait_for(room_id, bot.user_id, "Die Umfrage ist beendet.")
    assert result.content["m.relates_to"]["m.in_reply_to"]["event_id"] == start.event_id
    # the bot's database knows the poll as ended; a second close sends no second end event
    await post(bot, room_id, poll_reply(closed=True))
    await anna.wait_until(
        lambda: (
            len(anna.from_user(room_id, bot.user_id, "notice")) >= 2
            and anna.from_user(room_id, bot.user_id, "notice")[-1].body
            == "Die Umfrage ist beendet."
            and anna.from_user(room_id, bot.user_id, "notice")[-1].event_id != result.event_id
        )
    )
    assert len([e for r, e in polls.events if r == room_id and e.type == END]) == 1


async def test_a_vote_cast_while_the_bot_was_away_is_fetched_through_relations(
    people: Callable[[str], Person],
    bot: BotUnderTest,
    monkeypatch: pytest.MonkeyPatch,
    votes: list[PollVote],
) -> None:
    """More than a sync's worth of chat came after the vote, and the back-fill gives up at
    its page limit (here: at once): the vote still arrives, from the poll's relations."""
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    room_id = await room_of_three(anna, bernd, bot, encrypted=False)
    polls = PollEvents(bernd)
    await post(bot, room_id, poll_reply())
    start = await polls.wait(room_id, START)
    await bot.stop()
    assert votes == []

    await respond(bernd, room_id, start.event_id, ["1"])
    await respond(bernd, room_id, start.event_id, ["3"])
    for n in range(105):
        await anna.say(room_id, f"Nachricht {n}")
    monkeypatch.setattr(rooms, "MAX_BACKFILL_PAGES", 0)
    await bot.start()
    await bernd.wait_until(lambda: len(votes) >= 1, poll=0.1)
    await asyncio.sleep(0.5)
    assert [(v.sender.identity.user_id, v.poll_key, v.answer_keys) for v in votes] == [
        (bernd.user_id, "datepoll:3", ("3",))
    ]
    assert votes[0].maybe_replayed


async def test_a_poll_deleted_in_its_room_is_not_ended_there_and_the_result_still_comes(
    people: Callable[[str], Person], bot: BotUnderTest
) -> None:
    """A room administrator redacts the bot's poll: closing sends no end event to the gone
    poll (nothing to end), and the result still reaches the room."""
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    room_id = await room_of_three(anna, bernd, bot, encrypted=False)
    polls = PollEvents(anna)
    await post(bot, room_id, poll_reply())
    start = await polls.wait(room_id, START)
    deleted = await anna.client.room_redact(room_id, start.event_id, reason="aus Versehen")
    assert isinstance(deleted, RoomRedactResponse), deleted
    assert bot.runtime is not None
    for _ in range(200):  # the bot syncs the redaction and notes the poll as gone there
        async with bot.runtime.database.uow() as uow:
            posted = await uow.poll_messages.find(RoomRef("matrix", room_id), "datepoll:3")
        if posted is not None and posted.closed_at is not None:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the redaction of the poll was not noted")
    await post(bot, room_id, poll_reply(closed=True))
    await anna.wait_for(room_id, bot.user_id, "Die Umfrage ist beendet.")
    assert [e for r, e in polls.events if r == room_id and e.type == END] == []
