"""One date poll in a Matrix room (real Synapse) and a Telegram group (fake Bot API): it is
posted as each platform's own poll, a Matrix vote and a Telegram vote are merged into one
count by member, and closing ends the poll on both platforms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from nio import MatrixRoom, RoomSendResponse, UnknownEvent

from tests.crossplatform.conftest import BothPlatforms
from tests.crossplatform.test_matrix_and_telegram import GROUP, linked
from tests.matrix.helpers import Person
from tests.telegram.fake_api import user

CARLA = user(2002, "Carla", "Claßen")
START = "org.matrix.msc3381.poll.start"
END = "org.matrix.msc3381.poll.end"


async def test_a_matrix_vote_and_a_telegram_vote_count_in_one_poll(
    both: BothPlatforms, people: Callable[[str], Person]
) -> None:
    rooms = await linked(both, people)
    anna = rooms.anna
    polls: list[tuple[str, UnknownEvent]] = []

    async def on_poll(room: MatrixRoom, event: UnknownEvent) -> None:
        polls.append((room.room_id, event))

    anna.client.add_event_callback(on_poll, UnknownEvent)
    await rooms.matrix_says("!mitglied neu Kleve", "Kleve ist jetzt Mitglied")
    await rooms.matrix_says("!mitglied neu Goch", "Goch ist jetzt Mitglied")
    await rooms.matrix_says("!ichbin Kleve", "Ansprechperson für Kleve")
    await both.fake.join(GROUP, CARLA)
    await rooms.telegram_says(CARLA, "/ichbin Goch")

    berlin = ZoneInfo("Europe/Berlin")
    first = (both.clock.now() + timedelta(days=30)).astimezone(berlin)
    second = first + timedelta(days=1)
    deadline = first - timedelta(days=10)
    await anna.say(
        rooms.room_id,
        f"!terminumfrage {first:%d.%m.%Y} 14 Uhr; {second:%d.%m.%Y} 10 Uhr; "
        f"bis {deadline:%d.%m.%Y}",
    )
    start = await anna.wait_until(
        lambda: next((e for r, e in polls if r == rooms.room_id and e.type == START), None)
    )
    await both.settle()
    (sent,) = both.fake.ok_calls("sendPoll")
    assert sent.params["chat_id"] == GROUP and sent.params["is_anonymous"] is False
    assert sent.params["allows_multiple_answers"] is True
    answers = start.source["content"][START]["answers"]
    assert [o["text"] for o in sent.params["options"]] == [
        a["org.matrix.msc1767.text"] for a in answers
    ]

    # Anna (Kleve) votes for the first time in Element's way, Carla (Goch) for both in Telegram
    vote = await anna.client.room_send(
        rooms.room_id,
        "org.matrix.msc3381.poll.response",
        {
            "org.matrix.msc3381.poll.response": {"answers": [answers[0]["id"]]},
            "m.relates_to": {"rel_type": "m.reference", "event_id": start.event_id},
        },
    )
    assert isinstance(vote, RoomSendResponse)
    await both.fake.vote(GROUP, CARLA, sent.result["message_id"], [0, 1])
    await both.settle()

    state = ""
    for _ in range(20):  # the Matrix vote is handled with the bot's next sync
        state = await rooms.matrix_says("!terminumfrage", "Terminumfrage")
        if "2 von 2 Mitgliedern können: Goch, Kleve" in state:
            break
    assert "2 von 2 Mitgliedern können: Goch, Kleve" in state, state
    assert "1 von 2 Mitgliedern kann: Goch" in state, state

    # closing ends both polls and shows the result in both rooms
    await anna.say(rooms.room_id, "!terminumfrage schliessen")
    end = await anna.wait_until(
        lambda: next((e for r, e in polls if r == rooms.room_id and e.type == END), None)
    )
    assert end.source["content"]["m.relates_to"]["event_id"] == start.event_id
    await both.settle()
    (stop,) = both.fake.ok_calls("stopPoll")
    assert stop.params["message_id"] == sent.result["message_id"]
    assert both.fake.poll_in(GROUP, sent.result["message_id"])["is_closed"] is True
    assert any("hat die Terminumfrage geschlossen" in t for t in rooms.telegram())

    # deciding schedules the meeting as /termin does: announced once in both rooms
    await anna.say(rooms.room_id, "!terminumfrage festlegen")
    await rooms.in_both_once("Neues Treffen:")
