"""Action items: reading owner and due date, /actions and /done, and the contract other
features (reminders) rely on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.errors import UsageError
from bot.core.events import Identity
from bot.core.model import Member, Person
from bot.usecases import actions as svc
from storage.database import Database
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

NOW = datetime(2026, 12, 10, 9, tzinfo=UTC)
MEMBERS = [
    Member(1, 1, "Kleve", NOW),
    Member(2, 1, "Emmerich am Rhein", NOW),
    Member(3, 1, "Bedburg-Hau", NOW),
]
PERSONS = [
    Person(7, "Carla Conrad", (Identity("matrix", "@carla:example.org"),)),
    Person(8, "Kleve", (Identity("console", "kleve-person"),)),
]


@pytest.mark.parametrize(
    ("line", "member", "person", "rest"),
    [
        ("Kleve Angebote einholen", "Kleve", None, "Angebote einholen"),
        ("emmerich am rhein Bericht", "Emmerich am Rhein", None, "Bericht"),
        ("Carla Conrad Entwurf schicken", None, "Carla Conrad", "Entwurf schicken"),
        ("@carla Entwurf", None, "Carla Conrad", "Entwurf"),
        ("carla:example.org Entwurf", None, "Carla Conrad", "Entwurf"),
        ("Xanten Bericht", None, None, ""),
    ],
)
def test_the_owner_is_the_longest_name_at_the_start(
    line: str, member: str | None, person: str | None, rest: str
) -> None:
    if member is None and person is None:
        with pytest.raises(UsageError):
            svc.read_owner(MEMBERS, PERSONS, line)
        return
    owner, text = svc.read_owner(MEMBERS, PERSONS, line)
    assert (owner.member.name if owner.member else None) == member
    assert (owner.person.display_name if owner.person else None) == person
    assert text == rest


def test_a_member_wins_over_a_person_of_the_same_name() -> None:
    owner, _ = svc.read_owner(MEMBERS, PERSONS, "Kleve Bericht")
    assert owner.member is not None and owner.person is None


@pytest.mark.parametrize(
    ("line", "text", "due"),
    [
        ("Angebote einholen bis 15.1.2027", "Angebote einholen", date(2027, 1, 15)),
        ("Angebote einholen bis zum 15.01.", "Angebote einholen", date(2027, 1, 15)),
        ("collect offers until 15 January 2027", "collect offers", date(2027, 1, 15)),
        ("Radweg von Kleve bis Goch prüfen", "Radweg von Kleve bis Goch prüfen", None),
        ("Bericht schreiben", "Bericht schreiben", None),
    ],
)
def test_due_dates(line: str, text: str, due: date | None) -> None:
    assert svc.read_due(line, NOW, "Europe/Berlin") == (text, due)


def test_a_past_due_date_is_refused() -> None:
    with pytest.raises(UsageError):
        svc.read_due("Bericht bis 1.12.2026", NOW, "Europe/Berlin")


SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@bernd: /ichbin Goch
@carla: /ichbin Kleve
@anna: /termin 10.12. 10:00
:time 2026-12-10 10:00
@bernd: /sitzungsbeginn
@bernd: /aufgabe Kleve Bericht schreiben
@bernd: /aufgabe carla Fotos sammeln bis 20.12.2026
@bernd: /aufgabe Goch Angebote einholen bis 15.12.2026
@bernd: /sitzungsende
"""


async def test_actions_are_listed_by_due_date_and_closed_by_number(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    await bot.say(":time 2026-12-18 09:00")
    text = await bot.text("@anna: /aufgaben")
    assert text.split("\n")[1:4] == [
        "  • #3 Goch: Angebote einholen (überfällig seit 15.12.2026) – aus dem Treffen vom "
        "10.12.2026",
        "  • #2 carla (Kleve): Fotos sammeln (bis 20.12.2026) – aus dem Treffen vom 10.12.2026",
        "  • #1 Kleve: Bericht schreiben – aus dem Treffen vom 10.12.2026",
    ]
    before = await snapshot(database, skip=("presence",))
    assert "Aufgaben erledigen können" in await bot.text("@erik: /erledigt 1")
    assert "Eine Aufgabe #9 gibt es nicht." in await bot.text("@bernd: /erledigt 9")
    assert "„eins“ ist keine Nummer einer Aufgabe." in await bot.text("@bernd: /erledigt eins")
    assert await snapshot(database, skip=("presence",)) == before
    done = await bot.text("@bernd: /erledigt #2")
    assert done == "[main] bot: Aufgabe #2 erledigt: Fotos sammeln. Noch offen: 2."
    async with database.uow() as uow:
        items = await svc.open_actions(uow, 1)
    assert [(a.number, a.owner_member_id, a.owner_person_id is not None) for a in items] == [
        (1, 1, False),
        (3, 2, False),
    ]
    assert items[1].due == date(2026, 12, 15) and items[1].meeting_id == 1
    await bot.say("@anna: /erledigt 1\n@anna: /erledigt 3")
    assert await bot.text("@anna: /aufgaben") == "[main] bot: Keine offenen Aufgaben."


async def test_english_actions(database: Database) -> None:
    bot = await ConsoleBot.start(database, lang="en")
    await bot.say(
        SETUP.replace("/mitglied neu", "/member add")
        .replace("/ichbin", "/iam")
        .replace("/termin 10.12. 10:00", "/schedule 10 December 10:00")
        .replace("/sitzungsbeginn", "/startmeeting")
        .replace("/aufgabe", "/action")
        .replace(" bis ", " until ")
        .replace("/sitzungsende", "/endmeeting")
    )
    text = await bot.text("@anna: /actions")
    assert "#2 carla (Kleve): Fotos sammeln (until 20 Dec 2026)" in text
    assert "Done? /done <n>" in text
