"""Reminders through the console: planned from the state, re-planned with every change, fired
once at their time by `:time`, and overdue ones sent late or dropped by their kind's rule."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.scheduler import Scheduler
from storage.database import Database
from tests.harness import ConsoleBot, heads

BERLIN = ZoneInfo("Europe/Berlin")
SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@bernd: /ichbin Goch
@carla: /ichbin Kleve
"""


async def reminder_bot(database: Database, lang: str = "de") -> tuple[ConsoleBot, Scheduler]:
    bot = await ConsoleBot.start(database, lang=lang)
    return bot, bot.scheduler


async def pending(database: Database, partnership_id: int = 1) -> list[tuple[str, str]]:
    """(kind, local due time) of the pending reminders, checkpoints left out."""
    async with database.uow() as uow:
        rows = await uow.reminders.of_partnership(partnership_id, ("pending",))
    return [
        (r.kind, r.due_at.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M"))
        for r in rows
        if r.kind != "checkpoint"
    ]


async def statuses(database: Database, kind: str) -> dict[str, str]:
    async with database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    return {r.key: r.status for r in rows if r.kind == kind}


async def test_a_scheduled_meeting_plans_its_reminders(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    assert await pending(database) == [("schedule_next", "30.11.2026 09:00")]
    await bot.say("@anna: /termin 10.12. 14 Uhr")
    assert await pending(database) == [
        ("meeting_ahead", "26.11.2026 14:00"),
        ("agenda_deadline", "01.12.2026 14:00"),
        ("agenda_posted", "03.12.2026 14:00"),
        ("attendance_ask", "05.12.2026 09:00"),
        ("attendance_count", "07.12.2026 09:00"),
        ("meeting_ahead", "09.12.2026 14:00"),
    ]


async def test_each_fires_once_at_its_time_in_order(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n@bernd: /tagesordnung neu Radverkehr")
    out = await bot.say(":time 2026-12-14 12:00")
    assert heads(out) == [
        "[main] bot: Erinnerung: In 14 Tagen trifft sich die Partnerschaft Klima-Allianz "
        "Niederrhein: Do., 10.12.2026, 14:00, Goch.",
        "[main] bot: Noch bis Do., 03.12.2026, 14:00 können Tagesordnungspunkte für das Treffen "
        "am Do., 10.12.2026, 14:00 vorgeschlagen werden, zum Beispiel: /tagesordnung neu "
        "Radverkehrskonzept abstimmen #mobilität. Bisher vorgeschlagen:",
        "[main] bot: Die Tagesordnung für das Treffen am Do., 10.12.2026, 14:00 (Goch) steht:",
        "[main] bot: Zum Treffen am Do., 10.12.2026, 14:00 fehlt noch die Antwort von: Goch, "
        "Kleve. Bitte sagen Sie zu oder ab: /zusage 10.12.2026, /absage 10.12.2026 oder "
        "/vielleicht 10.12.2026.",
        "[main] bot: Zusagen zum Treffen am Do., 10.12.2026, 14:00 bisher: 0 von 2 Mitgliedern.",
        "[main] bot: Erinnerung: Morgen trifft sich die Partnerschaft Klima-Allianz Niederrhein: "
        "Do., 10.12.2026, 14:00, Goch.",
        "[main] bot: Das Protokoll des Treffens vom Do., 10.12.2026, 14:00 fehlt noch. Goch hat "
        "eingeladen und schreibt es, zum Beispiel mit: /protokoll neu Anwesend: Goch, Kleve …",
    ]
    assert "  1. Radverkehr — Goch" in out[2].split("\n")
    assert out[6].endswith("An: bernd")
    assert await bot.say(":time 2026-12-14 18:00") == []


async def test_moving_a_meeting_replans(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n@anna: /verschieben 17.12. 10:00")
    assert [p for p in await pending(database) if p[0] == "meeting_ahead"] == [
        ("meeting_ahead", "03.12.2026 10:00"),
        ("meeting_ahead", "16.12.2026 10:00"),
    ]
    out = await bot.say(":time 2026-12-17 09:00")
    meeting_lines = [line for line in heads(out) if "trifft sich" in line]
    assert len(meeting_lines) == 2
    assert all("17.12.2026, 10:00" in line for line in meeting_lines)


async def test_moving_after_a_reminder_was_sent_reminds_again_for_the_new_date(
    database: Database,
) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n:time 2026-12-09 15:00")
    assert [s for s in (await statuses(database, "meeting_ahead")).values()] == ["sent", "sent"]
    await bot.say("@anna: /verschieben 12.12. 14 Uhr")
    assert [p for p in await pending(database) if p[0] == "meeting_ahead"] == [
        ("meeting_ahead", "11.12.2026 14:00")
    ]


async def test_cancelling_a_meeting_cancels_its_reminders(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n@anna: /absagen\n@anna: /ja")
    assert await pending(database) == [("schedule_next", "30.11.2026 09:00")]
    out = await bot.say(":time 2026-12-11 12:00")
    assert not any("trifft sich" in line or "Tagesordnung" in line for line in out)


async def test_a_member_leaving_replans_whom_the_bot_asks_to_schedule(
    database: Database,
) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    before = [k for k, s in (await statuses(database, "schedule_next")).items() if s == "pending"]
    await bot.say("@anna: /mitglied entfernen Goch Austritt\n@anna: /ja")
    after = await statuses(database, "schedule_next")
    assert len(before) == 1
    assert after[before[0]] == "cancelled"
    out = await bot.say(":time 2026-11-30 10:00")
    assert heads(out) == [
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "4. Quartal 2026 fällig und noch nicht geplant. Kleve lädt ein."
    ]
    assert out[0].endswith("An: carla")


async def test_the_host_leaving_drops_the_minutes_reminders(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 1.12. 14 Uhr\n:time 2026-12-02 12:00")
    assert ("minutes_due", "04.12.2026 14:00") in await pending(database)
    await bot.say("@anna: /mitglied entfernen Goch Austritt\n@anna: /ja")
    assert not [p for p in await pending(database) if p[0] == "minutes_due"]


async def test_setting_changes_replan(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr")
    out = await bot.say("@anna: /einstellungen erinnerungen treffen 7, 2")
    assert heads(out) == [
        "[main] bot: anna hat die Erinnerung „Treffen steht an“ eingestellt: 7, 2 Tage vorher."
    ]
    assert [p for p in await pending(database) if p[0] == "meeting_ahead"] == [
        ("meeting_ahead", "03.12.2026 14:00"),
        ("meeting_ahead", "08.12.2026 14:00"),
    ]
    await bot.say("@anna: /einstellungen erinnerungen treffen aus")
    assert not [p for p in await pending(database) if p[0] == "meeting_ahead"]
    await bot.say("@anna: /einstellungen erinnerungen treffen an")
    assert len([p for p in await pending(database) if p[0] == "meeting_ahead"]) == 2
    await bot.say("@anna: /einstellungen erinnerungen terminplanung aus")
    await bot.say("@anna: /einstellungen erinnerungen tagesordnung aus")
    await bot.say("@anna: /einstellungen erinnerungen teilnahme aus")
    assert {kind for kind, _ in await pending(database)} == {"meeting_ahead"}


async def test_reminder_settings_refuse_bad_values_and_others(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    out = await bot.text(
        "@anna: /einstellungen erinnerungen wetter an\n"
        "@anna: /einstellungen erinnerungen treffen 0\n"
        "@anna: /einstellungen erinnerungen terminplanung 2 4\n"
        "@anna: /einstellungen erinnerungen treffen vielleicht\n"
        "@bernd: /einstellungen erinnerungen treffen aus"
    )
    assert "„wetter“ ist keine Art von Erinnerung" in out
    assert "„0“ geht nicht: höchstens 5 Zahlen von 1 bis 60." in out
    assert "„2 4“ geht nicht: höchstens 1 Zahlen von 1 bis 26." in out
    assert "„vielleicht“ verstehe ich nicht" in out
    assert "Koordination" in out.split("\n")[-1]
    async with database.uow() as uow:
        assert await uow.reminders.settings(1) == []


async def test_remind_sets_lists_fires_and_cancels(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    out = await bot.say(
        "@bernd: /erinnern morgen 10 Uhr Bericht an den Kreis schicken\n"
        "@bernd: /erinnern übermorgen Förderantrag <b>einreichen</b>\n"
        "@carla: /erinnern 15.3. 10:00 | Haushaltsmittel beantragen"
    )
    assert heads(out) == [
        "[main] bot: Erinnerung #1 gesetzt für Di., 24.11.2026, 10:00: "
        "Bericht an den Kreis schicken",
        "[main] bot: Erinnerung #2 gesetzt für Mi., 25.11.2026, 09:00: "
        "Förderantrag <b>einreichen</b>",
        "[main] bot: Erinnerung #3 gesetzt für Mo., 15.03.2027, 10:00: Haushaltsmittel beantragen",
    ]
    listing = (await bot.say("@carla: /erinnerungen"))[0].split("\n")
    assert listing[:4] == [
        "[main] bot: Gesetzte Erinnerungen (3):",
        "  • #1 Di., 24.11.2026, 10:00 – Bericht an den Kreis schicken (von bernd, Raum main)",
        "  • #2 Mi., 25.11.2026, 09:00 – Förderantrag <b>einreichen</b> (von bernd, Raum main)",
        "  • #3 Mo., 15.03.2027, 10:00 – Haushaltsmittel beantragen (von carla, Raum main)",
    ]
    refused = await bot.text("@carla: /erinnerungen loeschen 2")
    assert "Erinnerung #2 hat bernd gesetzt" in refused
    assert await bot.text("@bernd: /erinnerungen loeschen 2") == (
        "[main] bot: Erinnerung #2 gelöscht: Förderantrag <b>einreichen</b>"
    )
    assert "keine gesetzte Erinnerung #9" in await bot.text("@bernd: /erinnerungen loeschen 9")
    out = await bot.say(":time 2026-11-30 12:00")
    assert heads(out) == [
        "[main] bot: Erinnerung von bernd: Bericht an den Kreis schicken",
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "4. Quartal 2026 fällig und noch nicht geplant. Goch lädt ein.",
    ]


async def test_remind_goes_to_the_room_it_was_set_in(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    code = (await bot.say("@anna: /link"))[0]
    token = next(word for word in code.split() if word.isupper() and len(word) >= 6)
    await bot.say(f":room other\n:admin anna\n@anna: /link {token}")
    await bot.say("@anna: /erinnern morgen 10 Uhr nur hier")
    out = await bot.say(":time 2026-11-24 11:00")
    assert out == ["[other] bot: Erinnerung von anna: nur hier"]


async def test_remind_refuses_bad_input_and_keeps_nothing(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP)
    out = await bot.say(
        "@bernd: /erinnern\n"
        "@bernd: /erinnern Kaffee\n"
        "@bernd: /erinnern morgen 10 Uhr\n"
        "@bernd: /erinnern gestern 10 Uhr etwas\n"
        "@bernd: /erinnern irgendwann mal etwas\n"
        "@bernd: /erinnern morgen 10 Uhr " + "x" * 5000
    )
    assert len(out) == 6
    assert all("Beispiel: /erinnern 15.3. 10:00" in message for message in out)
    async with database.uow() as uow:
        assert [r for r in await uow.reminders.of_partnership(1) if r.kind == "adhoc"] == []


async def test_an_overdue_meeting_reminder_is_dropped_once_the_meeting_started(
    database: Database,
) -> None:
    """The bot was down from before the 1-day reminder until after the meeting started."""
    bot, scheduler = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n:time 2026-12-08 12:00")
    bot.clock.set(bot.clock.now() + timedelta(days=3))
    await scheduler.fire_all()
    await bot.delivery.deliver_due()
    assert list((await statuses(database, "meeting_ahead")).values()) == ["sent", "dropped"]


async def test_an_overdue_reminder_that_still_makes_sense_is_sent_late_once(
    database: Database,
) -> None:
    bot, scheduler = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr\n@anna: /erinnern morgen 10 Uhr Bericht")
    await bot.say("@anna: /erinnern 26.11. 10:00 zu spät")
    bot.clock.set(bot.clock.now() + timedelta(days=3, hours=5))
    await scheduler.fire_all()
    await bot.delivery.deliver_due()
    late = [m for m in bot.output if "verspätet" in m]
    assert [m.split("\n")[0] for m in late] == [
        "[main] bot: Erinnerung von anna: zu spät",
        "[main] bot: Erinnerung: In 14 Tagen trifft sich die Partnerschaft Klima-Allianz "
        "Niederrhein: Do., 10.12.2026, 14:00, Goch.",
    ]
    assert late[0].endswith("(verspätet – fällig war Do., 26.11.2026, 10:00)")
    assert (await statuses(database, "adhoc")) == {"1": "dropped", "2": "sent"}
    await scheduler.fire_all()
    await bot.delivery.deliver_due()
    assert len([m for m in bot.output if "verspätet" in m]) == 2


async def test_english(database: Database) -> None:
    bot, _ = await reminder_bot(database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n"
        "@anna: /schedule 10 Dec 2pm\n@anna: /remind tomorrow 10:00 send the report"
    )
    out = await bot.say(":time 2026-11-26 15:00")
    assert heads(out) == [
        "[main] bot: Reminder from anna: send the report",
        "[main] bot: Reminder: the partnership Climate Alliance meets in 14 days: "
        "Thu, 10 Dec 2026, 14:00, Kleve.",
    ]
    assert "Meeting ahead (meeting): 14, 1 days before" in await bot.text(
        "@anna: /settings reminders"
    )


async def test_partnerships_do_not_see_each_others_reminders(database: Database) -> None:
    bot, _ = await reminder_bot(database)
    await bot.say(SETUP + "@anna: /erinnern morgen 10 Uhr geheim")
    await bot.say(":room zwei\n:admin zoe\n@zoe: /setup Andere Allianz\n@zoe: /erinnerungen")
    assert "geheim" not in "\n".join(bot.output[-1:])
    # anna's reminder #1 does not exist for zoe's partnership: the same answer as for any
    # number that was never set, and it stays pending.
    assert await bot.text("@zoe: /erinnerungen loeschen 1") == (
        "[zwei] bot: Es gibt keine gesetzte Erinnerung #1; /erinnerungen zeigt alle."
    )
    async with database.uow() as uow:
        assert [r.status for r in await uow.reminders.of_partnership(1) if r.kind == "adhoc"] == [
            "pending"
        ]
