"""Linking rooms, isolation between partnerships, joins and exits of people."""

from __future__ import annotations

import re

from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.snapshot import snapshot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /member add Kleve
@anna: /member add Goch
"""


def _code(messages: list[str]) -> str:
    match = re.search(r"Code: ([A-Z0-9]{8})", messages[0])
    assert match, messages
    return match.group(1)


async def test_link_attaches_a_second_room_and_announcements_reach_both(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    code = _code(await bot.say("@anna: /link"))
    out = heads(await bot.say(f":room telegram-gruppe\n:admin bernd\n@bernd: /link {code}"))
    assert out == [
        "[telegram-gruppe] bot: Dieser Raum ist jetzt mit der Partnerschaft Klima-Allianz verbunden.",
        "[main] bot: Der Raum telegram-gruppe (Konsole) gehört jetzt auch zur Partnerschaft "
        "Klima-Allianz; verbunden von bernd.",
        "[telegram-gruppe] bot: Der Raum telegram-gruppe (Konsole) gehört jetzt auch zur "
        "Partnerschaft Klima-Allianz; verbunden von bernd.",
    ]
    out = await bot.say("@bernd: /member add Emmerich")
    assert [m.split(" bot:")[0] for m in out] == ["[main]", "[telegram-gruppe]"]
    out = await bot.say("@bernd: /members")
    assert "1. Emmerich" in out[0] and "3. Kleve" in out[0]
    # The code is used up: a third room cannot use it again.
    out = await bot.say(f":room dritter\n:admin carla\n@carla: /link {code}")
    assert "kenne ich nicht" in out[0]
    out = await bot.say(":room telegram-gruppe\n@bernd: /rooms")
    assert "Räume der Partnerschaft Klima-Allianz (2)" in out[0]
    out = (await bot.say("@bernd: /unlink\n@bernd: /ja"))[1:]
    assert out[1] == (
        "[main] bot: Der Raum telegram-gruppe gehört nicht mehr zur Partnerschaft; getrennt von bernd."
    )
    assert (
        out[0]
        == "[telegram-gruppe] bot: Dieser Raum gehört nicht mehr zur Partnerschaft Klima-Allianz."
    )
    out = await bot.say("@bernd: /members")
    assert "gehört noch zu keiner Partnerschaft" in out[0]
    out = await bot.say(":room main\n@anna: /unlink")
    assert "einzige Raum" in out[0]


async def test_link_codes_expire_after_24_hours(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2026-11-23 10:00")
    await bot.say(SETUP)
    code = _code(await bot.say("@anna: /link"))
    await bot.say(":time 2026-11-24 10:01")
    out = await bot.say(f":room zwei\n:admin bernd\n@bernd: /link {code}")
    assert out[0].startswith("[zwei] bot: Diesen Code kenne ich nicht, oder er ist abgelaufen")
    assert "Beispiel: /verbinden" in out[0]


async def test_linking_needs_a_room_administrator(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    code = _code(await bot.say("@anna: /link"))
    out = await bot.say(f":room zwei\n@bernd: /link {code}")
    assert out == ["[zwei] bot: Einen Raum verbinden dürfen nur Administrator*innen dieses Raums."]


async def test_partnerships_do_not_see_or_change_each_other(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    await bot.say(
        ":room nachbar\n:admin zoe\n@zoe: /setup Nachbar-Bündnis\n@zoe: /member add Kleve"
    )
    await bot.say("@zoe: /iam Kleve")
    before = await snapshot(database, skip=("presence",))
    # The neighbour's coordinator cannot touch the first partnership's members...
    out = await bot.say("@zoe: /member remove Goch")
    assert out == ["[nachbar] bot: Ein Mitglied „Goch“ finde ich nicht. /mitglieder zeigt alle."]
    out = await bot.say("@zoe: /members")
    assert "(1)" in out[0] and "Goch" not in out[0]
    # ...and in the first room she has no rights at all.
    out = await bot.say(":room main\n@zoe: /member remove Goch")
    assert out == [
        "[main] bot: Das darf nur die Koordination: anna (und die Administrator*innen der Räume)."
    ]
    assert await snapshot(database, skip=("presence",)) == before
    # Her /iam in the neighbour's room says nothing about the first partnership.
    out = await bot.say("@zoe: /iam")
    assert "noch für kein Mitglied" in out[0]
    out = await bot.say("@anna: /coordinator add zoe")
    assert "kenne ich in dieser Partnerschaft nicht" not in out[0]  # she wrote here just now


async def test_a_room_belongs_to_one_partnership(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    out = await bot.say("@anna: /setup Zweite Allianz")
    assert out == [
        "[main] bot: Dieser Raum gehört schon zu einer Partnerschaft. Ein Raum kann nur zu einer gehören."
    ]


async def test_joins_are_welcomed_and_leaving_contacts_announced(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    out = await bot.say(":join bernd")
    assert out == [
        "[main] bot: Willkommen, bernd! Hier arbeitet die Partnerschaft Klima-Allianz.\n"
        "  Sprechen Sie für ein Mitglied? Dann melden Sie sich an, z. B. mit /ichbin Goch. "
        "/hilfe zeigt alles Weitere."
    ]
    await bot.say("@bernd: /iam Kleve\n:room zwei\n:admin anna")
    code_room = await bot.say(":room main\n@anna: /link")
    await bot.say(f":room zwei\n@anna: /link {_code(code_room)}\n:join bernd")
    # bernd leaves one room: announced, but Kleve still has him in the other room.
    out = await bot.say(":leave bernd")
    assert out == [
        "[main] bot: bernd, Ansprechperson für Kleve, hat den Raum zwei verlassen.",
        "[zwei] bot: bernd, Ansprechperson für Kleve, hat den Raum zwei verlassen.",
    ]
    # He leaves the last room: the coordinators are told that Kleve has nobody left.
    out = await bot.say(":room main\n:leave bernd")
    assert out[-1] == (
        "[zwei] bot: Kleve hat jetzt in keinem Raum der Partnerschaft mehr eine Ansprechperson. "
        "Koordination, bitte kümmern: anna"
    )
    out = await bot.say(":join bernd")
    assert out == ["[main] bot: Willkommen, bernd (Kleve)!"]


async def test_events_in_rooms_without_partnership_are_ignored(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    assert await bot.say(":join bernd\n:leave bernd\n@bernd: Hallo zusammen") == []
    out = await bot.say("@bernd: /members")
    assert out == [
        "[main] bot: Dieser Raum gehört noch zu keiner Partnerschaft. Gründen Sie eine mit "
        "/gruenden <Name> oder verbinden Sie den Raum mit /verbinden <Code>."
    ]


async def test_contacts_are_limited_and_the_refusal_names_them(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@bernd: /iam Kleve\n@carla: /iam Kleve")
    out = await bot.say("@dora: /iam Kleve")
    assert out == [
        "[main] bot: Kleve hat schon 2 Ansprechpartner*innen (bernd, carla), mehr sind nicht "
        "vorgesehen. Die Koordination kann mit /kontakt entfernen Platz machen."
    ]
    await bot.say("@anna: /settings max-contacts 3")
    out = await bot.say("@dora: /iam Kleve")
    assert out == ["[main] bot: dora ist jetzt Ansprechperson für Kleve."]
    out = await bot.say("@anna: /contact remove Kleve carla")
    assert out == [
        "[main] bot: carla ist nicht mehr Ansprechperson für Kleve (ausgetragen von anna)."
    ]
    out = await bot.say("@anna: /contact add Goch | carla")
    assert out == ["[main] bot: carla ist jetzt Ansprechperson für Goch."]
    out = await bot.say("@carla: /iam Kleve")
    assert out == ["[main] bot: carla ist jetzt Ansprechperson für Kleve (vorher für Goch)."]


async def test_coordinators_can_be_granted_and_revoked(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@bernd: /iam Kleve")
    assert await bot.say("@anna: /coordinator add bernd") == [
        "[main] bot: bernd gehört jetzt zur Koordination (eingetragen von anna)."
    ]
    out = await bot.say("@bernd: /member add Xanten\n@bernd: /coordinators")
    assert out[0].startswith("[main] bot: Xanten ist jetzt Mitglied")
    assert "• anna\n  • bernd" in out[1]
    assert await bot.say("@bernd: /coordinator remove anna") == [
        "[main] bot: anna gehört nicht mehr zur Koordination (ausgetragen von bernd)."
    ]
    out = await bot.say("@bernd: /coordinator remove bernd")
    assert "letzte eingetragene Koordination" in out[0]


async def test_rules_and_settings(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    out = await bot.say("@anna: /rules")
    assert "noch keine Geschäftsordnung" in out[0]
    await bot.say(
        "@anna: /rules set Wir treffen uns vierteljährlich.\n  Der Gastgeber schreibt das Protokoll."
    )
    out = await bot.say("@bernd: /regeln")
    assert out == [
        "[main] bot: Geschäftsordnung der Partnerschaft Klima-Allianz:\n"
        "  Wir treffen uns vierteljährlich.\n"
        "  Der Gastgeber schreibt das Protokoll."
    ]
    out = await bot.say("@anna: /einstellungen sprache englisch")
    assert out == ["[main] bot: anna set “Language” to English."]
    out = await bot.say("@anna: /settings timezone America/New_York\n@anna: /settings")
    assert "Time zone: America/New_York" in out[-1]


async def test_a_welcome_is_told_in_the_room_joined_only(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + ":room zwei\n:admin anna")
    code_room = await bot.say(":room main\n@anna: /link")
    await bot.say(f":room zwei\n@anna: /link {_code(code_room)}")
    out = await bot.say(":join carla")
    assert [line.split(":")[0] for line in out] == ["[zwei] bot"]
