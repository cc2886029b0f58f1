"""The reminder kinds pinned: action items (planned at 09:00 three days before and on the
due date, their texts for a person and for a member, switched by their setting), minutes
reminders for every held meeting that lacks minutes (one meeting left out does not stop
the later ones), and the keys the kinds store (a changed key would plan a reminder that was
already sent a second time after an upgrade)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.core.model import Reminder
from storage.database import Database
from tests.harness import ConsoleBot, heads
from tests.test_reminders import SETUP, pending


@pytest.fixture(autouse=True)
def _no_crash(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every reminder is sent or dropped by its kind's rule, never by the scheduler's safety
    net for a reminder that crashes (which logs an error and drops it too)."""
    yield
    assert [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR] == []


SESSION = """
@anna: /termin 24.11. 10 Uhr
:time 2026-11-24 10:00
@bernd: /sitzungsbeginn
@bernd: /aufgabe Goch Angebote einholen bis 15.12.2026
@bernd: /aufgabe carla Entwurf schicken bis 1.12.2026
@bernd: /aufgabe Kleve ohne Datum
@bernd: /sitzungsende
"""
"""A meeting hosted by Goch on 24.11., its minutes written in the session, three action
items: one for the member Goch, one for the person carla, one without a due date."""


async def reminders(database: Database, kind: str) -> list[Reminder]:
    async with database.uow() as uow:
        return [r for r in await uow.reminders.of_partnership(1) if r.kind == kind]


def about(out: list[str], word: str) -> list[str]:
    return [message for message in out if word in message]


async def test_action_items_are_reminded_three_days_before_and_on_the_day(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + SESSION)
    assert [p for p in await pending(sqlite_database) if p[0] == "action_due"] == [
        ("action_due", "28.11.2026 09:00"),
        ("action_due", "01.12.2026 09:00"),
        ("action_due", "12.12.2026 09:00"),
        ("action_due", "15.12.2026 09:00"),
    ]
    assert about(await bot.say(":time 2026-11-28 08:59"), "Aufgabe") == []
    assert about(await bot.say(":time 2026-11-28 09:00"), "Aufgabe") == [
        "[main] bot: Aufgabe 2 für carla ist in 3 Tagen fällig (01.12.2026): Entwurf schicken\n"
        "  An: carla"
    ]
    assert about(await bot.say(":time 2026-12-01 09:00"), "Aufgabe") == [
        "[main] bot: Aufgabe 2 für carla ist heute fällig (01.12.2026): Entwurf schicken\n"
        "  An: carla"
    ]
    assert about(await bot.say(":time 2026-12-12 09:00"), "Aufgabe") == [
        "[main] bot: Aufgabe 1 für Goch ist in 3 Tagen fällig (15.12.2026): Angebote einholen\n"
        "  An: bernd"
    ]
    assert about(await bot.say(":time 2026-12-15 09:00"), "Aufgabe") == [
        "[main] bot: Aufgabe 1 für Goch ist heute fällig (15.12.2026): Angebote einholen\n"
        "  An: bernd"
    ]
    assert {r.status for r in await reminders(sqlite_database, "action_due")} == {"sent"}


async def test_action_reminders_in_english(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Goch\n"
        "@bernd: /iam Goch\n@anna: /schedule 24 Nov 10am\n:time 2026-11-24 10:00\n"
        "@bernd: /startmeeting\n@bernd: /action Goch get offers until 1 Dec 2026\n"
        "@bernd: /endmeeting"
    )
    out = about(await bot.say(":time 2026-12-01 09:00"), "Action item")
    assert heads(out) == [
        "[main] bot: Action item 1 for Goch is due in 3 days (1 Dec 2026): get offers",
        "[main] bot: Action item 1 for Goch is due today (1 Dec 2026): get offers",
    ]


async def test_action_reminders_follow_their_setting(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + SESSION)
    await bot.say("@anna: /einstellungen erinnerungen aufgaben 5, 1")
    assert [p for p in await pending(sqlite_database) if p[0] == "action_due"] == [
        ("action_due", "26.11.2026 09:00"),
        ("action_due", "30.11.2026 09:00"),
        ("action_due", "10.12.2026 09:00"),
        ("action_due", "14.12.2026 09:00"),
    ]
    await bot.say("@anna: /einstellungen erinnerungen aufgaben aus")
    assert [p for p in await pending(sqlite_database) if p[0] == "action_due"] == []
    assert about(await bot.say(":time 2026-12-15 09:00"), "Aufgabe") == []


async def test_a_done_action_item_is_not_reminded(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + SESSION + "@carla: /erledigt 2")
    assert [p for p in await pending(sqlite_database) if p[0] == "action_due"] == [
        ("action_due", "12.12.2026 09:00"),
        ("action_due", "15.12.2026 09:00"),
    ]
    assert about(await bot.say(":time 2026-12-02 09:00"), "Aufgabe") == []


async def test_the_keys_of_the_planned_kinds_stay_as_stored(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + SESSION + "@anna: /termin 10.12. 14 Uhr\n:time 2026-11-24 10:30")
    async with sqlite_database.uow() as uow:
        rows = await uow.reminders.of_partnership(1, ("pending",))
    assert sorted((r.kind, r.key, r.payload) for r in rows if r.kind != "action_due") == [
        ("agenda_deadline", "2@20261203T1300Z-2d", {
            "meeting": 2, "deadline": "20261203T1300Z", "days": 2}),
        ("agenda_posted", "2@20261203T1300Z", {"meeting": 2, "deadline": "20261203T1300Z"}),
        ("attendance_ask", "2@20261210T1300Z", {"meeting": 2, "starts_at": "20261210T1300Z"}),
        ("attendance_count", "2@20261210T1300Z", {"meeting": 2, "starts_at": "20261210T1300Z"}),
        ("checkpoint", "2@20261210T1300Z", {"meeting": 2}),
        ("meeting_ahead", "2@20261210T1300Z-14d", {
            "meeting": 2, "starts_at": "20261210T1300Z", "days": 14}),
        ("meeting_ahead", "2@20261210T1300Z-1d", {
            "meeting": 2, "starts_at": "20261210T1300Z", "days": 1}),
    ]  # fmt: skip
    actions = sorted((r.key, r.payload) for r in rows if r.kind == "action_due")
    assert actions == [
        ("1@2026-12-15-0d", {"action": 1, "due": "2026-12-15", "days": 0}),
        ("1@2026-12-15-3d", {"action": 1, "due": "2026-12-15", "days": 3}),
        ("2@2026-12-01-0d", {"action": 2, "due": "2026-12-01", "days": 0}),
        ("2@2026-12-01-3d", {"action": 2, "due": "2026-12-01", "days": 3}),
    ]


async def test_schedule_and_minutes_keys_stay_as_stored(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30")
    async with sqlite_database.uow() as uow:
        rows = await uow.reminders.of_partnership(1, ("pending",))
    assert sorted((r.kind, r.key, r.payload) for r in rows) == [
        ("minutes_due", "1-10d", {"meeting": 1, "days": 10}),
        ("minutes_due", "1-3d", {"meeting": 1, "days": 3}),
        ("schedule_next", "1/2027-3-0/0/2026-12-01", {"audience": "host", "member": 1, "n": 0}),
    ]


# --- minutes: every held meeting without minutes, whatever comes before it ----------------


async def minutes_pending(database: Database) -> list[tuple[str, str]]:
    return [p for p in await pending(database) if p[0] == "minutes_due"]


async def test_minutes_written_for_one_meeting_still_plans_them_for_the_next(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + SESSION + "@anna: /termin 1.12. 10 Uhr\n:time 2026-12-01 10:30")
    assert await minutes_pending(sqlite_database) == [
        ("minutes_due", "04.12.2026 10:00"),
        ("minutes_due", "11.12.2026 10:00"),
    ]
    out = await bot.say(":time 2026-12-04 10:00")
    assert heads(about(out, "Protokoll")) == [
        "[main] bot: Das Protokoll des Treffens vom Di., 01.12.2026, 10:00 fehlt noch. Kleve hat "
        "eingeladen und schreibt es, zum Beispiel mit: /protokoll neu Anwesend: Goch, Kleve …"
    ]


async def test_an_old_meeting_left_out_still_plans_minutes_for_a_later_one(
    sqlite_database: Database,
) -> None:
    """The first meeting is past the horizon of the latest minutes reminder (10 days)."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30")
    await bot.say("@anna: /termin 8.12. 10 Uhr\n:time 2026-12-08 10:30")
    assert await minutes_pending(sqlite_database) == [
        ("minutes_due", "11.12.2026 10:00"),
        ("minutes_due", "18.12.2026 10:00"),
    ]


async def test_a_host_who_left_still_plans_minutes_for_the_next_host(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(
        SETUP + "@anna: /mitglied neu Xanten\n@anna: /termin 24.11. 10 Uhr\n"
        ":time 2026-11-24 10:30\n@anna: /mitglied entfernen Goch Austritt\n@anna: /ja"
    )
    assert await minutes_pending(sqlite_database) == []
    await bot.say("@anna: /termin 1.12. 10 Uhr\n:time 2026-12-01 10:30")
    assert await minutes_pending(sqlite_database) == [
        ("minutes_due", "04.12.2026 10:00"),
        ("minutes_due", "11.12.2026 10:00"),
    ]


async def test_minutes_reminders_follow_their_setting(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30")
    await bot.say("@anna: /einstellungen erinnerungen protokoll 1, 20")
    assert await minutes_pending(sqlite_database) == [
        ("minutes_due", "25.11.2026 10:00"),
        ("minutes_due", "14.12.2026 10:00"),
    ]
    await bot.say("@anna: /einstellungen erinnerungen protokoll aus")
    assert await minutes_pending(sqlite_database) == []


async def test_minutes_reminders_survive_a_replan_between_their_offsets(
    sqlite_database: Database,
) -> None:
    """Five days after the meeting the 10-day reminder is still wanted: any change re-plans,
    and the horizon is the largest offset, not the smallest."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-29 10:00")
    await bot.say("@anna: /mitglied neu Xanten")
    assert await minutes_pending(sqlite_database) == [("minutes_due", "04.12.2026 10:00")]


# --- the rest of the kinds: texts, weekly repetition, settings -----------------------------


async def test_schedule_next_repeats_weekly_until_a_meeting_is_set(
    sqlite_database: Database,
) -> None:
    """The first nudge a week after the turn changed hands (here: the founding), then
    weekly (tests/test_nudges.py follows the whole sequence)."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + ":time 2026-11-26 09:00")
    assert await pending(sqlite_database) == [("schedule_next", "30.11.2026 09:00")]
    await bot.say(":time 2026-11-30 09:00")
    assert await pending(sqlite_database) == [("schedule_next", "07.12.2026 09:00")]


async def test_a_state_met_exactly_at_a_weekly_slot_plans_the_next_one(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2026-11-26 09:00")
    await bot.say(SETUP)
    assert await pending(sqlite_database) == [("schedule_next", "03.12.2026 09:00")]


async def test_meeting_and_agenda_reminders_say_everything(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 10.12. 14 Uhr im Rathaus Goch")
    out = await bot.say(":time 2026-12-01 14:00")
    assert out == [
        "[main] bot: Erinnerung: In 14 Tagen trifft sich die Partnerschaft Klima-Allianz "
        "Niederrhein: Do., 10.12.2026, 14:00, Rathaus Goch.\n  Gastgeber und Protokoll: Goch.",
        "[main] bot: Noch bis Do., 03.12.2026, 14:00 können Tagesordnungspunkte für das Treffen "
        "am Do., 10.12.2026, 14:00 vorgeschlagen werden, zum Beispiel: /tagesordnung neu "
        "Radverkehrskonzept abstimmen #mobilität. Bisher vorgeschlagen:\n  (noch keine Punkte)",
    ]


async def test_the_settings_show_each_group_and_keep_its_bounds(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    assert await bot.text("@anna: /einstellungen erinnerungen") == (
        "[main] bot: Automatische Erinnerungen:\n"
        "  • Treffen steht an (treffen): 14, 1 Tage vorher\n"
        "  • Frist für die Tagesordnung (tagesordnung): 2 Tage vorher\n"
        "  • Protokoll fehlt (protokoll): 3, 10 Tage danach\n"
        "  • Nächstes Treffen planen (terminplanung): wöchentlich ab 6 Wochen vorher\n"
        "  • Aufgaben fällig (aufgaben): 3, 0 Tage vorher\n"
        "  • Wer kommt, an den Gastgeber (teilnahme): 3 Tage vorher\n"
        "  Ändern (Koordination): /einstellungen erinnerungen <Art> an|aus|<Tage>, zum "
        "Beispiel /einstellungen erinnerungen treffen 14,1"
    )
    refused = {
        "treffen 61": "höchstens 5 Zahlen von 1 bis 60",
        "tagesordnung 0": "höchstens 5 Zahlen von 1 bis 14",
        "tagesordnung 15": "höchstens 5 Zahlen von 1 bis 14",
        "protokoll 0": "höchstens 5 Zahlen von 1 bis 60",
        "protokoll 61": "höchstens 5 Zahlen von 1 bis 60",
        "terminplanung 0": "höchstens 1 Zahlen von 1 bis 26",
        "terminplanung 27": "höchstens 1 Zahlen von 1 bis 26",
        "aufgaben 31": "höchstens 5 Zahlen von 0 bis 30",
        "teilnahme 15": "höchstens 1 Zahlen von 1 bis 14",
    }
    for setting, why in refused.items():
        value = setting.split()[1]
        assert f"„{value}“ geht nicht: {why}." in await bot.text(
            f"@anna: /einstellungen erinnerungen {setting}"
        )
    accepted = ["treffen 60", "tagesordnung 14, 1", "protokoll 60", "terminplanung 26"]
    accepted.append("teilnahme 14")
    for setting in [*accepted, "aufgaben 30, 0"]:
        assert "eingestellt" in await bot.text(f"@anna: /einstellungen erinnerungen {setting}")


async def test_the_schedule_reminder_says_whom_and_how_and_only_to_the_next_host(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP)
    now = bot.clock.now()
    async with sqlite_database.uow() as uow:  # left over for Kleve, who is no longer next
        await uow.reminders.add(1, "schedule_next", "stale", now, {"member": 1}, now)
        await uow.commit()
    assert await bot.say(":time 2026-11-30 09:00") == [
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "4. Quartal 2026 fällig und noch nicht geplant. Goch lädt ein.\n"
        "  Bitte einen Termin festlegen, zum Beispiel: /termin 22.12.2026 10 Uhr\n"
        "  An: bernd"
    ]
    async with sqlite_database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    assert [r.status for r in rows if r.key == "stale"] == ["dropped"]


async def test_every_kind_speaks_the_partnerships_language(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n"
        "@anna: /member add Goch\n@bernd: /iam Goch"
    )
    # (the nudge to schedule, in English too: tests/test_nudges.py)
    said: list[str] = []
    await bot.say("@anna: /schedule 10 Dec 2pm\n@bernd: /agenda add Cycling plan #mobility")
    for when in ("2026-12-01 14:00", "2026-12-03 14:00", "2026-12-13 15:00"):
        said.append(await bot.text(f":time {when}"))
    assert said == [
        "[main] bot: Reminder: the partnership Climate Alliance meets in 14 days: Thu, 10 Dec "
        "2026, 14:00, Goch.\n  Host and minutes: Goch.\n"
        "[main] bot: Agenda items for the meeting on Thu, 10 Dec 2026, 14:00 can be proposed "
        "until Thu, 3 Dec 2026, 14:00, for example: /agenda add Agree on the cycling plan "
        "#mobility. Proposed so far:\n  1. Cycling plan (#mobility) — Goch",
        "[main] bot: The agenda for the meeting on Thu, 10 Dec 2026, 14:00 (Goch) is set:\n"
        "  1. Cycling plan (#mobility) — Goch",
        "[main] bot: For the meeting on Thu, 10 Dec 2026, 14:00 we still need an answer from: "
        "Goch, Kleve. Please answer with /attend 10.12.2026, /decline 10.12.2026 or /maybe "
        "10.12.2026.\n  To: bernd\n"
        "[main] bot: Said they will come to the meeting on Thu, 10 Dec 2026, 14:00 so far: 0 "
        "of 2 members.\n  2 members have not answered yet: Goch, Kleve\n  To: bernd\n"
        "[main] bot: Reminder: the partnership Climate Alliance meets tomorrow: Thu, 10 Dec 2026, "
        "14:00, Goch.\n  Host and minutes: Goch.\n"
        "[main] bot: The minutes of the meeting on Thu, 10 Dec 2026, 14:00 are still missing. "
        "Goch hosted it and writes them, for example with: /minutes add Present: Goch, Kleve …\n"
        "  To: bernd",
    ]


async def test_a_left_over_minutes_reminder_for_a_host_who_left_is_dropped(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(
        SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30\n"
        "@anna: /mitglied entfernen Goch Austritt\n@anna: /ja"
    )
    now = bot.clock.now()
    async with sqlite_database.uow() as uow:
        await uow.reminders.add(1, "minutes_due", "stale", now, {"meeting": 1, "days": 3}, now)
        await uow.commit()
    assert about(await bot.say(":time 2026-11-24 11:00"), "Protokoll") == []
    assert [
        r.status for r in await reminders(sqlite_database, "minutes_due") if r.key == "stale"
    ] == ["dropped"]


async def test_the_agenda_reminder_of_a_later_meeting_lists_only_its_own_items(
    sqlite_database: Database,
) -> None:
    """An item goes to the next meeting; the one after it, reminded while the next is still
    to come, does not list it."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(
        SETUP + "@anna: /termin 10.12. 14 Uhr\n@anna: /termin weiteres 17.12. 14 Uhr\n"
        "@bernd: /tagesordnung neu Radverkehr\n:time 2026-12-07 14:00"
    )
    out = about(await bot.say(":time 2026-12-08 14:00"), "Tagesordnungspunkte")
    assert [m.split("\n")[1:] for m in out] == [["  (noch keine Punkte)"]]
    assert "17.12.2026" in out[0]
