"""Replies to a meeting invitation through the whole bot (console): answers per person,
counted per member, kept in the database (SQLite and PostgreSQL), reset when the meeting
moves, dropped when a person leaves, and refused with a reason when they cannot be."""

from __future__ import annotations

from datetime import datetime

from bot.core.attendance import MeetingReply
from bot.core.events import Identity
from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.test_reminders import pending

SETUP = """
:admin anna
@anna: /gruenden Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Emmerich am Rhein
@anna: /ichbin Kleve
@bernd: /ichbin Goch
@carla: /ichbin Goch
@dora: /ichbin Emmerich am Rhein
"""
MEETING = "@anna: /termin 10.12.2026 10 Uhr im Rathaus Emmerich\n"
WHEN = "Do., 10.12.2026, 10:00"


async def stored(database: Database) -> list[MeetingReply]:
    async with database.uow() as uow:
        ids = [m.id for m in await uow.meetings.of_partnership(1)]
        return await uow.replies.of_meetings(ids)


async def test_answers_count_per_member_and_survive_a_restart(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + MEETING)
    out = await bot.say(
        "@carla: /absage\n@bernd: /vielleicht 10.12.\n@anna: /absage 1\n"
        "@anna: /zusage\n@erik: /vielleicht\n@carla: /zusage"
    )
    assert heads(out) == [
        f"[main] bot: Danke, carla: Ihre Absage für das Treffen am {WHEN} ist notiert.",
        f"[main] bot: Danke, bernd: Sie kommen vielleicht zum Treffen am {WHEN}. Bitte sagen "
        "Sie zu oder ab, sobald Sie es wissen.",
        f"[main] bot: Danke, anna: Ihre Absage für das Treffen am {WHEN} ist notiert.",
        f"[main] bot: Danke, anna: Ihre Zusage für das Treffen am {WHEN} ist notiert.",
        f"[main] bot: Danke, erik: Sie kommen vielleicht zum Treffen am {WHEN}. Bitte sagen "
        "Sie zu oder ab, sobald Sie es wissen.",
        f"[main] bot: Danke, carla: Ihre Zusage für das Treffen am {WHEN} ist notiert.",
    ]
    assert out[3].endswith("Ihre frühere Antwort (Absage) gilt damit nicht mehr.")
    assert "Sie sprechen für kein Mitglied" in out[4]
    expected = (
        f"[main] bot: Teilnahme am Treffen am {WHEN}\n"
        "  Das Treffen findet im Rathaus Emmerich statt; Gastgeber ist Emmerich am Rhein.\n"
        "  Zugesagt haben 2 Mitglieder:\n"
        "  • Goch – bernd (vielleicht), carla (Zusage)\n"
        "  • Kleve – anna\n"
        "  Noch nicht geantwortet hat 1 Mitglied: Emmerich am Rhein\n"
        "  Außerdem haben geantwortet (ohne Mitglied, zählt nicht mit):\n"
        "  • erik: vielleicht"
    )
    assert await bot.text("@dora: /teilnahme") == expected
    # one row per person: the latest answer replaced the earlier one
    rows = await stored(database)
    assert sorted(r.answer for r in rows) == ["maybe", "maybe", "yes", "yes"]
    # a restart: a new bot on the same database says the same
    again = await ConsoleBot.start(database)
    assert await again.text("@dora: /teilnahme 10.12.2026") == expected


async def test_in_english(database: Database) -> None:
    bot = await ConsoleBot.start(database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n"
        "@anna: /member add Goch\n@anna: /iam Kleve\n@bernd: /iam Goch"
    )
    out = await bot.text("@anna: /schedule 10 Dec 2026 10am")
    assert "Will you come? Please answer with /attend 10.12.2026, /decline 10.12.2026 or " in out
    out = await bot.text("@anna: /attend\n@bernd: /maybe\n@bernd: /decline 1")
    assert out.split("\n") == [
        "[main] bot: Thank you, anna: you are down as coming to the meeting on Thu, 10 Dec "
        "2026, 10:00.",
        "[main] bot: Thank you, bernd: you may come to the meeting on Thu, 10 Dec 2026, 10:00. "
        "Please say yes or no once you know.",
        "[main] bot: Thank you, bernd: you are down as not coming to the meeting on Thu, 10 Dec "
        "2026, 10:00.",
        "  Your earlier answer (maybe) no longer counts.",
    ]
    assert await bot.text("@anna: /attendance") == (
        "[main] bot: Attendance at the meeting on Thu, 10 Dec 2026, 10:00\n"
        "  The meeting takes place at Goch; the host is Goch.\n"
        "  1 member is coming:\n"
        "  • Kleve – anna\n"
        "  1 member is not coming:\n"
        "  • Goch – bernd"
    )
    assert "„" not in await bot.text("@anna: /attend tomorrow")


async def test_bad_input_is_refused_and_nothing_is_stored(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP)
    assert await bot.text("@bernd: /zusage") == (
        "[main] bot: Es ist kein Treffen geplant, zu dem Sie zu- oder absagen könnten."
    )
    await bot.say(
        "@anna: /termin 24.11.2026 10 Uhr\n@anna: /termin weiteres 10.12.2026 10 Uhr\n"
        "@anna: /termin weiteres 17.12.2026 10 Uhr\n@anna: /absagen 17.12.2026\n@anna: /ja\n"
        ":time 2026-11-24 12:00"
    )
    said = {
        "/zusage 5": "Ein Treffen Nr. 5 gibt es nicht (geplante Treffen: 1).",
        "/absage 24.11.2026": "Das Treffen am Di., 24.11.2026, 10:00 hat schon begonnen oder "
        "ist vorbei; zu- oder absagen können Sie nur für kommende Treffen.",
        "/vielleicht 17.12.": "Das Treffen am Do., 17.12.2026, 10:00 ist abgesagt; dazu "
        "können Sie nicht mehr zu- oder absagen.",
        "/zusage morgen früh": "„morgen früh“ nennt kein Treffen. Nennen Sie seine Nummer aus "
        "/treffen oder seinen Tag, oder lassen Sie es weg für das nächste Treffen. "
        "Beispiel: /zusage 10.12.2026",
        "/teilnahme <b>x</b>": "„<b>x</b>“ nennt kein Treffen.",
        "/zusage " + "1" * 300: "Der Text ist 300 Zeichen lang; erlaubt sind höchstens 100.",
        "/zusage 1.1.2027": "Am 1.1.2027 ist kein Treffen geplant",
    }
    for command, answer in said.items():
        out = await bot.text(f"@bernd: {command}")
        assert answer in out, (command, out)
    assert await stored(database) == []
    async with database.uow() as uow:
        actions = [e.action for e in await uow.audit.of_partnership(1)]
    assert "attendance.reply" not in actions
    # the one coming meeting is still open to answers
    assert "ist notiert" in await bot.text("@bernd: /zusage 1")
    assert [r.answer for r in await stored(database)] == ["yes"]


async def test_a_move_asks_again_and_a_place_alone_keeps_the_answers(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + MEETING + "@bernd: /zusage\n@anna: /absage")
    out = await bot.text("@anna: /verschieben 10.12.2026 10 Uhr in Stadthalle Emmerich")
    assert "gelten nicht mehr" not in out
    assert "Zugesagt hat 1 Mitglied:" in await bot.text("@anna: /teilnahme")
    out = await bot.text("@anna: /verschieben 17.12.2026 14 Uhr")
    assert (
        "  Zusagen und Absagen für den alten Termin gelten nicht mehr; bitte antworten Sie für "
        "den neuen Termin noch einmal.\n"
        "  Kommen Sie? Bitte antworten Sie mit /zusage 17.12.2026, /absage 17.12.2026 oder "
        "/vielleicht 17.12.2026."
    ) in out
    shown = await bot.text("@anna: /teilnahme")
    assert "Noch nicht geantwortet haben 3 Mitglieder: Emmerich am Rhein, Goch, Kleve" in shown
    assert "Zugesagt" not in shown and "Abgesagt" not in shown
    # the old day names no meeting any more
    assert "Am 10.12.2026 ist kein Treffen geplant" in await bot.text("@bernd: /zusage 10.12.2026")


async def test_a_person_who_leaves_no_longer_counts(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + MEETING + "@carla: /zusage\n@bernd: /absage")
    assert "Zugesagt hat 1 Mitglied:\n  • Goch – bernd (Absage), carla (Zusage)" in (
        await bot.text("@anna: /teilnahme")
    )
    await bot.say("@anna: /kontakt entfernen Goch carla")
    shown = await bot.text("@anna: /teilnahme")
    assert "Abgesagt hat 1 Mitglied:\n  • Goch – bernd" in shown
    assert "ohne Mitglied, zählt nicht mit):\n  • carla: Zusage" in shown
    await bot.say(":leave carla")
    shown = await bot.text("@anna: /teilnahme")
    assert "carla" not in shown and "Goch – bernd" in shown


async def test_meeting_mode_starts_from_the_answers_and_the_minutes_show_the_excused(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + MEETING + "@bernd: /zusage\n@anna: /absage\n@dora: /zusage")
    out = await bot.text(":time 2026-12-10 09:55\n@dora: /sitzungsbeginn")
    assert (
        "Als anwesend vermerkt (Gastgeber, wer die Sitzung begonnen hat, und wer zugesagt "
        "hat): Emmerich am Rhein, Goch. Wer fehlt oder dazukommt: /abwesend oder /anwesend."
    ) in out
    out = await bot.text("@dora: /abwesend Goch\n@dora: /abwesend Goch\n@bernd: /abwesend")
    assert out.split("\n") == [
        "[main] bot: Goch ist nicht anwesend. Anwesend (1): Emmerich am Rhein",
        "[main] bot: Goch ist gar nicht als anwesend vermerkt.",
        "[main] bot: Goch ist gar nicht als anwesend vermerkt.",
    ]
    await bot.say("@dora: /anwesend Goch\n@dora: /thema Radverkehr\n@dora: /sitzungsende")
    minutes = await bot.text("@dora: /protokoll 1")
    assert "  Anwesend: Emmerich am Rhein, Goch\n  Entschuldigt: Kleve\n" in minutes, minutes


async def test_reminders_ask_the_missing_once_and_give_the_host_the_count(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + MEETING)
    assert [p for p in await pending(database) if p[0].startswith("attendance")] == [
        ("attendance_ask", "05.12.2026 09:00"),
        ("attendance_count", "07.12.2026 09:00"),
    ]
    await bot.say("@bernd: /zusage")
    out = [m for m in await bot.say(":time 2026-12-05 09:00") if "Antwort von" in m]
    assert out == [
        f"[main] bot: Zum Treffen am {WHEN} fehlt noch die Antwort von: Emmerich am Rhein, "
        "Kleve. Bitte sagen Sie zu oder ab: /zusage 10.12.2026, /absage 10.12.2026 oder "
        "/vielleicht 10.12.2026.\n  An: dora, anna"
    ]
    await bot.say("@anna: /absage")
    out = [m for m in await bot.say(":time 2026-12-07 09:00") if "Zusagen zum Treffen" in m]
    assert out == [
        f"[main] bot: Zusagen zum Treffen am {WHEN} bisher: 1 von 3 Mitgliedern.\n"
        "  Zugesagt hat 1 Mitglied:\n  • Goch – bernd\n"
        "  Abgesagt hat 1 Mitglied:\n  • Kleve – anna\n"
        "  Noch nicht geantwortet hat 1 Mitglied: Emmerich am Rhein\n"
        "  An: dora"
    ]
    later = await bot.say(":time 2026-12-09 18:00")
    assert not [m for m in later if "Antwort von" in m or "bisherigen Antworten" in m]


async def test_a_meeting_planned_at_short_notice_asks_the_next_morning(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 26.11.2026 14 Uhr")
    assert [p for p in await pending(sqlite_database) if p[0].startswith("attendance")] == [
        ("attendance_ask", "24.11.2026 09:00"),
    ]
    # planned for tomorrow: the invitation itself is the last word
    bot2 = await ConsoleBot.start(sqlite_database, now="2026-11-27 10:00")
    await bot2.say("@anna: /termin weiteres 28.11.2026 09 Uhr")
    found = [p for p in await pending(sqlite_database) if p[0].startswith("attendance")]
    assert found == []


async def test_a_cancelled_meeting_drops_its_reminders_and_refuses_answers(
    database: Database,
) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(SETUP + MEETING + "@bernd: /zusage")
    await bot.say("@anna: /absagen\n@anna: /ja")
    assert not [p for p in await pending(database) if p[0].startswith("attendance")]
    out = await bot.text(":time 2026-12-07 09:00\n@bernd: /zusage 10.12.2026")
    assert "Antwort von" not in out and "bisherigen Antworten" not in out
    assert out.endswith(
        f"Das Treffen am {WHEN} ist abgesagt; dazu können Sie nicht mehr zu- oder absagen."
    )


def test_the_day_names_the_meeting_not_its_number() -> None:
    """Buttons name the day: a number in /treffen changes once an earlier meeting is held."""
    from bot.core.model import Meeting
    from bot.i18n import Catalog
    from bot.i18n.attendance import answer_buttons

    at = datetime.fromisoformat("2026-12-09T23:30:00+00:00")
    meeting = Meeting(1, 1, "u", at, "", "scheduled", 0, at, at)
    buttons = answer_buttons(Catalog.load(), "de", meeting, "Europe/Berlin")
    assert [(b.label, b.command) for b in buttons] == [
        ("Zusage", "/zusage 10.12.2026"),
        ("Absage", "/absage 10.12.2026"),
        ("Vielleicht", "/vielleicht 10.12.2026"),
    ]


async def test_a_person_who_is_forgotten_takes_their_answers_along(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + MEETING + "@erik: /zusage\n@bernd: /zusage")
    async with sqlite_database.uow() as uow:
        erik = await uow.persons.by_identity(Identity("console", "erik"))
        assert erik is not None
        record = await uow.persons.record(erik.id, 1)
    assert [r["answer"] for r in record["meeting_reply"]] == ["yes"]  # /meinedaten has it
    await bot.say("@erik: /vergissmich\n@erik: /ja")
    rows = await stored(sqlite_database)
    assert len(rows) == 1
    assert "erik" not in await bot.text("@anna: /teilnahme")
