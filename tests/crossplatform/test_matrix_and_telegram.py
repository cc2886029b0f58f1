"""One partnership in a Matrix room and a Telegram group: everything announced reaches both, once.

The bot runs both real adapters and the real Delivery loop; people use a real Synapse and
python-telegram-bot talks to the fake Bot API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.crossplatform.conftest import BothPlatforms
from tests.matrix.helpers import Person
from tests.telegram.fake_api import user

GROUP = -1001000000077
BERND = user(2001, "Bernd", "Brand")
CARLA = user(2002, "Carla", "Claßen")


class Rooms:
    """The two rooms of the partnership and what the bot said in each."""

    def __init__(self, both: BothPlatforms, anna: Person, room_id: str) -> None:
        self.both = both
        self.anna = anna
        self.room_id = room_id

    def matrix(self, kind: str | None = None) -> list[str]:
        return [s.body for s in self.anna.from_user(self.room_id, self.both.user_id, kind)]

    def telegram(self) -> list[str]:
        return self.both.fake.sent(GROUP)

    def telegram_files(self) -> list[str]:
        return [
            c.files["document"][0]
            for c in self.both.fake.ok_calls("sendDocument")
            if c.params["chat_id"] == GROUP
        ]

    async def in_both_once(self, text: str) -> None:
        """`text` starts exactly one message of the bot in each room, and nothing repeats it."""
        await self.both.settle()
        await self.anna.wait_for(self.room_id, self.both.user_id, text)
        await self.both.settle()
        in_matrix = [b for b in self.matrix() if b.startswith(text)]
        in_telegram = [t for t in self.telegram() if t.startswith(text)]
        assert len(in_matrix) == 1, self.matrix()
        assert len(in_telegram) == 1, self.telegram()
        # the same text, each platform writing commands with its own prefix
        assert re.sub(r"(?<![\w!/])!(?=\w)", "/", in_matrix[0]) == in_telegram[0]

    async def telegram_says(self, person: dict[str, object], text: str) -> None:
        await self.both.fake.say(GROUP, person, text)
        await self.both.settle()

    async def matrix_says(self, text: str, answer: str) -> str:
        before = len(self.matrix())
        await self.anna.say(self.room_id, text)
        seen = await self.anna.wait_for(self.room_id, self.both.user_id, answer, after=before)
        return seen.body


async def linked(both: BothPlatforms, people: Callable[[str], Person]) -> Rooms:
    """Anna founds the partnership in Matrix; Bernd links his Telegram group with the code."""
    anna = people("anna")
    await anna.start()
    room_id = await anna.create_room("Klima-Allianz Kleve")
    await anna.client.room_invite(room_id, both.user_id)
    await anna.joined(room_id, both.user_id)
    rooms = Rooms(both, anna, room_id)
    await rooms.matrix_says("!setup Klima-Allianz Kreis Kleve", "gegründet")
    answer = await rooms.matrix_says("!link", "Code:")
    code = re.search(r"Code: (\S+)", answer)
    assert code is not None
    both.fake.group(GROUP, "Klima-Allianz Kleve", BERND)
    await rooms.telegram_says(BERND, f"/link {code.group(1)}")
    assert any("Dieser Raum ist jetzt mit der Partnerschaft" in t for t in rooms.telegram())
    await anna.wait_for(room_id, both.user_id, "gehört jetzt auch zur Partnerschaft")
    return rooms


async def test_one_partnership_in_matrix_and_telegram(
    both: BothPlatforms, people: Callable[[str], Person]
) -> None:
    rooms = await linked(both, people)

    # a member joins, entered in Matrix
    await rooms.anna.say(rooms.room_id, "!mitglied neu Kleve")
    await rooms.in_both_once("Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von")
    await rooms.anna.say(rooms.room_id, "!mitglied neu Goch")
    await rooms.in_both_once("Goch ist jetzt Mitglied der Partnerschaft")

    # a Matrix user and a Telegram user speak for the same member
    await rooms.matrix_says("!ichbin Kleve", "Ansprechperson für Kleve")
    await both.fake.join(GROUP, CARLA)
    await rooms.telegram_says(CARLA, "/ichbin Kleve")
    assert rooms.telegram()[-1] == "Carla Claßen ist jetzt Ansprechperson für Kleve."
    await rooms.telegram_says(CARLA, "/mitglieder")
    listing = rooms.telegram()[-1]
    kleve = next(
        line for line in listing.split("\n") if "Kleve" in line and "Mitglieder" not in line
    )
    assert "Carla Claßen" in kleve and rooms.anna.user_id.split(":")[0][1:] in kleve
    matrix_listing = await rooms.matrix_says("!mitglieder", "Carla Claßen")
    assert "Goch" in matrix_listing

    # a meeting, scheduled from Telegram by the group's administrator: text and .ics in both
    day = (both.clock.now() + timedelta(days=30)).astimezone(ZoneInfo("Europe/Berlin"))
    await rooms.telegram_says(BERND, f"/termin {day:%d.%m.%Y} 14:00 im Rathaus Kleve")
    await rooms.in_both_once("Neues Treffen:")
    ics = await rooms.anna.wait_until(
        lambda: [b for b in rooms.matrix("file") if b.endswith(".ics")]
    )
    assert len(ics) == 1
    assert len([f for f in rooms.telegram_files() if f.endswith(".ics")]) == 1

    # a member leaves, entered in Telegram and confirmed with the button
    await rooms.telegram_says(BERND, "/mitglied entfernen Goch")
    question = both.fake.last_sent(GROUP)
    assert both.fake.keyboard(GROUP, question["message_id"]) == ["Ja, ausführen", "Nein"]
    await both.fake.press(GROUP, BERND, question["message_id"], "Ja, ausführen")
    await rooms.in_both_once("Goch ist aus der Partnerschaft ausgetreten")

    # a contact person leaves the Telegram group: the Matrix room hears of it too
    await both.fake.leave(GROUP, CARLA)
    await rooms.in_both_once("Carla Claßen, Ansprechperson für Kleve, hat den Raum")

    # the scheduler's reminder two weeks before the meeting reaches both rooms, once
    berlin = ZoneInfo("Europe/Berlin")
    meeting_starts = datetime(day.year, day.month, day.day, 14, tzinfo=berlin)
    both.clock.set(meeting_starts - timedelta(days=14) + timedelta(minutes=5))
    await both.app.fire_timers()
    await rooms.in_both_once("Erinnerung: In 14 Tagen trifft sich die Partnerschaft")
    await both.app.fire_timers()
    await rooms.in_both_once("Erinnerung: In 14 Tagen trifft sich die Partnerschaft")

    # nothing was sent twice anywhere
    await both.settle()
    for said in (rooms.matrix("notice"), rooms.telegram()):
        announcements = [s for s in said if "Partnerschaft" in s or "Treffen" in s]
        assert len(announcements) == len(set(announcements)), said
