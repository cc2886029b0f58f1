"""Meetings and rotation commands through the console: refusals, permissions, English,
and a past that later changes of the membership never rewrite."""

from __future__ import annotations

import pytest

from storage.database import Database
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
"""

EXAMPLE = " Beispiel: /termin Donnerstag 14 Uhr im Rathaus Kleve"
BAD = [
    ("/termin", "Bitte sagen Sie, wann das Treffen ist – mit Datum und Uhrzeit." + EXAMPLE),
    (
        "/termin " + "x" * 400,
        "Die Angabe ist zu lang (400 Zeichen); ein Datum passt in 200 Zeichen." + EXAMPLE,
    ),
    ("/termin blabla", "„blabla“ verstehe ich nicht als Datum mit Uhrzeit."),
    (
        "/termin 15.3.",
        "Ich habe Montag, 15. März 2027 verstanden, aber keine Uhrzeit. Bitte nennen Sie auch "
        "die Uhrzeit, etwa „14 Uhr“." + EXAMPLE,
    ),
    (
        "/termin gestern 10 Uhr",
        "Ich habe So., 22.11.2026, 10:00 verstanden – das liegt in der Vergangenheit." + EXAMPLE,
    ),
    (
        "/termin 28.3.2027 2:30",
        "02:30 Uhr gibt es am 28.03.2027 nicht: In dieser Nacht wird die Uhr von 2 auf 3 Uhr "
        "vorgestellt. Bitte wählen Sie eine andere Uhrzeit." + EXAMPLE,
    ),
    (
        "/termin 15.3. 10:00 in " + "R" * 120,
        "Der Ort ist zu lang (120 Zeichen, höchstens 100)." + EXAMPLE,
    ),
    (
        "/gastgeber setzen Atlantis",
        "Ein Mitglied „Atlantis“ finde ich nicht. /mitglieder zeigt alle. "
        "Beispiel: /gastgeber setzen Kleve",
    ),
    (
        "/gastgeber tauschen Kleve | Atlantis",
        "Ein Mitglied „Atlantis“ finde ich nicht. /mitglieder zeigt alle. "
        "Beispiel: /gastgeber tauschen Goch | Kleve",
    ),
    ("/gastgeber tauschen Kleve", "Darin erkenne ich nicht zwei Mitglieder"),
    (
        "/gastgeber tauschen Kleve | kleve",
        "Bitte nennen Sie zwei verschiedene Mitglieder, nicht zweimal Kleve.",
    ),
    ("/gastgeber setzen Goch", "Goch ist ohnehin als Nächstes an der Reihe."),
    ("/verschieben morgen 10 Uhr", "Es ist kein Treffen geplant."),
    ("/absagen", "Es ist kein Treffen geplant."),
    ("/einstellungen rhythmus wöchentlich", "„wöchentlich“ kenne ich nicht als Rhythmus"),
]


@pytest.mark.parametrize(("line", "reply"), BAD, ids=[b[0][:30] for b in BAD])
async def test_bad_input_gets_one_line_and_changes_nothing(
    sqlite_database: Database, line: str, reply: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    before = await snapshot(sqlite_database, skip=("presence",))
    out = await bot.say(f"@anna: {line}")
    assert len(out) == 1
    assert "\n" not in out[0]
    assert out[0].startswith("[main] bot: " + reply)
    assert await snapshot(sqlite_database, skip=("presence",)) == before


async def test_host_overrides_are_for_coordinators_only(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@bernd: /ichbin Goch")
    for line in ("/gastgeber ueberspringen", "/gastgeber tauschen Goch | Kleve", "/host set Kleve"):
        out = await bot.say(f"@bernd: {line}")
        assert out == [
            "[main] bot: Das darf nur die Koordination: anna (und die "
            "Administrator*innen der Räume)."
        ]


async def test_the_next_hosts_contacts_may_schedule_others_may_not(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@carla: /ichbin Kleve")
    refused = await bot.say("@carla: /termin 15.3. 10:00")
    assert refused == [
        "[main] bot: Dieses Treffen planen die Koordination und die Ansprechpartner*innen "
        "von Goch, das dann einlädt."
    ]
    await bot.say("@bernd: /ichbin Goch")
    out = await bot.say("@bernd: /termin 15.3. 10:00")
    assert out[0].startswith("[main] bot: Neues Treffen: Mo., 15.03.2027, 10:00 in Goch")
    assert (await bot.say("@carla: /verschieben 16.3. 10:00"))[0].startswith(
        "[main] bot: Dieses Treffen verschieben die Koordination"
    )
    assert (await bot.say("@carla: /absagen"))[0].startswith(
        "[main] bot: Dieses Treffen absagen können"
    )
    # Kleve's contact may plan Kleve's meeting, the one after Goch's
    out = await bot.say("@carla: /termin weiteres 14.6. 10:00")
    assert "Gastgeber: Kleve" in out[0]


async def test_english(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve")
    assert await bot.say("@anna: /next") == [
        "[main] bot: No meeting is scheduled yet. Next in line to host is Kleve, expected in "
        "Q4 2026.\n  Schedule it with /schedule <when> [at <place>], for example /schedule "
        "Thursday 2pm at Kleve town hall"
    ]
    out = await bot.say("@anna: /schedule this Thursday 2pm at the town hall\n@anna: /next")
    assert out[0].startswith("[main] bot: New meeting: Thu, 26 Nov 2026, 14:00 at the town hall")
    assert out[1].startswith("[main] bot: Next meeting: Thu, 26 Nov 2026, 14:00 at the town hall.")
    assert "Host: Kleve – also writes the minutes." in out[1]
    out = await bot.say("@anna: /schedule yesterday 10am")
    assert out == [
        "[main] bot: I understood Sun, 22 Nov 2026, 10:00 – that is in the past. "
        "Example: /schedule Thursday 2pm at Kleve town hall"
    ]


async def test_the_past_stays_when_members_leave_and_return(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 10 Uhr\n:time 2026-12-11 09:00")
    await bot.say("@anna: /mitglied entfernen Goch\n@anna: /ja")
    out = await bot.say("@anna: /mitglied neu Goch\n@anna: /reihenfolge\n@anna: /naechstes")
    assert "Als Nächstes lädt weiterhin Kleve ein." in out[0]
    assert "• 10.12.2026: Goch" in out[1]
    # Goch hosted this round already: it does not get a second turn before Kleve
    assert "1. Kleve — erwartet im 1. Quartal 2027\n  2. Goch" in out[1]
    assert "Als Nächstes lädt Kleve ein, erwartet im 1. Quartal 2027." in out[2]


async def test_the_cadence_sets_the_expected_periods(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    out = await bot.say("@anna: /einstellungen rhythmus monatlich\n@anna: /reihenfolge")
    assert (
        out[0] == "[main] bot: anna hat die Einstellung „Treffen-Rhythmus“ auf monatlich gesetzt."
    )
    assert "1. Goch — erwartet im November 2026\n  2. Kleve — erwartet im Dezember 2026" in out[1]
    out = await bot.say("@anna: /einstellungen rhythmus jährlich\n@anna: /reihenfolge")
    assert "1. Goch — erwartet im Jahr 2026\n  2. Kleve — erwartet im Jahr 2027" in out[1]


async def test_announcements_reach_every_room(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    code = (await bot.say("@anna: /link"))[0].split("Ihr Code: ")[1][:8]
    await bot.say(f":room other\n:admin anna\n@anna: /link {code}\n:room main")
    out = await bot.say("@anna: /termin 15.3. 10:00\n@anna: /gastgeber ueberspringen")
    rooms = sorted(line.split("]")[0] + "]" for line in out)
    assert rooms == ["[main]", "[main]", "[other]", "[other]"]
    assert any(line.startswith("[other] bot: Neues Treffen") and "[file: " in line for line in out)
