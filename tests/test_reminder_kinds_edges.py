"""Reminder kinds at their edges, pinned where the kinds' tests left a change unnoticed
(found by mutation testing, docs/mutation-results.md): the nudge to schedule (its example
day, overdue from the next period's first day, left-over and old stored nudges), an action
item whose owner is gone, a meeting's address, link and minute-taker, whom the reminder to
end a meeting goes to, the language of every part, example commands as plain text on Matrix
and Telegram, and the final agenda raised for e-mail."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.core.domain_events import AgendaPosted
from bot.core.events import Identity
from bot.core.render import render_html, render_plain
from bot.core.reply import Reply
from bot.i18n import Catalog
from bot.usecases.reminder_kinds import KINDS
from storage.database import Database
from tests.harness import ConsoleBot
from tests.test_reminder_kinds_pinned import SESSION
from tests.test_reminders import SETUP


@pytest.fixture(autouse=True)
def _no_crash(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Sent or dropped by the kind's rule, never by the scheduler's net for a crash."""
    yield
    assert [r.getMessage() for r in caplog.get_records("call") if r.levelno >= logging.ERROR] == []


async def test_the_example_day_is_the_periods_first_day_when_that_is_a_tuesday(
    sqlite_database: Database,
) -> None:
    """Monthly meetings, the last on 2 November: December's nudge comes a week later (9
    November), and 1 December, a Tuesday, is three weeks ahead and the first day it can be."""
    bot = await ConsoleBot.start(sqlite_database, now="2026-10-01 09:00")
    await bot.say(
        SETUP + "@anna: /einstellungen rhythmus monatlich\n@anna: /termin 2.11.2026 10 Uhr\n"
        ":time 2026-11-08 09:00"
    )
    out = await bot.say(":time 2026-11-09 09:00")
    assert [m for m in out if "nächste Treffen" in m] == [
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "Dezember 2026 fällig und noch nicht geplant. Kleve lädt ein.\n"
        "  Bitte einen Termin festlegen, zum Beispiel: /termin 1.12.2026 10 Uhr\n"
        "  An: carla"
    ]


async def test_an_action_item_whose_owner_is_forgotten_is_reminded_to_nobody(
    sqlite_database: Database,
) -> None:
    """Forgotten (GDPR) after its reminders were planned: the owner reads "-", as in the
    list of action items, and the reminder points at nobody."""
    bot = await ConsoleBot.start(sqlite_database)
    session = SESSION.replace(
        "@bernd: /sitzungsende",
        "@bernd: /aufgabe anna Bericht bis 1.12.2026\n@bernd: /sitzungsende",
    )
    await bot.say(SETUP + session)
    async with sqlite_database.uow() as uow:
        anna = await uow.persons.by_identity(Identity("console", "anna"))
        assert anna is not None and await uow.persons.forget(anna.id, "[vergessen]", 1)
        await uow.commit()
    assert "#4 -: Bericht (bis 01.12.2026)" in await bot.text("@bernd: /aufgaben")
    out = await bot.say(":time 2026-11-28 09:00")
    assert [m for m in out if "Aufgabe 4" in m] == [
        "[main] bot: Aufgabe 4 für - ist in 3 Tagen fällig (01.12.2026): Bericht"
    ]


LINK = "https://meet.example.org/klima"


async def test_the_meeting_and_minutes_reminders_name_address_link_and_minute_taker(
    sqlite_database: Database,
) -> None:
    """A meeting with an address, a link and a delegated minute-taker: the reminder the day
    before says all three, and the minutes reminder goes to the minute-taker alone."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + f"@anna: /termin 10.12. 14 Uhr in Rathaus Goch, Markt 2 {LINK}")
    await bot.say("@anna: /protokollant carla")
    out = await bot.say(":time 2026-12-09 14:00")
    assert [m for m in out if "trifft sich" in m] == [
        "[main] bot: Erinnerung: In 14 Tagen trifft sich die Partnerschaft Klima-Allianz "
        "Niederrhein: Do., 10.12.2026, 14:00, Rathaus Goch, Markt 2.\n"
        f"  Gastgeber: Goch. Protokoll: carla.\n  Online: {LINK}",
        "[main] bot: Erinnerung: Morgen trifft sich die Partnerschaft Klima-Allianz "
        "Niederrhein: Do., 10.12.2026, 14:00, Rathaus Goch, Markt 2.\n"
        f"  Gastgeber: Goch. Protokoll: carla.\n  Online: {LINK}",
    ]
    assert [m for m in out if "Tagesordnung für" in m] == [
        "[main] bot: Die Tagesordnung für das Treffen am Do., 10.12.2026, 14:00 (Rathaus Goch) "
        "steht:\n  (noch keine Punkte)"
    ]
    assert await bot.say(":time 2026-12-13 14:00") == [
        "[main] bot: Das Protokoll des Treffens vom Do., 10.12.2026, 14:00 fehlt noch. carla "
        "schreibt es (Gastgeber war Goch), zum Beispiel mit: /protokoll neu Anwesend: Goch, "
        "Kleve …\n  An: carla"
    ]


async def test_the_reminder_to_end_a_meeting_goes_to_its_minute_taker(
    sqlite_database: Database,
) -> None:
    """carla takes the minutes of Goch's meeting, which was started and never ended: the
    minutes reminder asks her to end it, not Goch's contact person."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n@anna: /protokollant carla")
    await bot.say(":time 2026-11-24 10:05\n@anna: /sitzungsbeginn")
    assert await bot.say(":time 2026-11-27 10:00") == [
        "[main] bot: Die Sitzung vom Di., 24.11.2026, 10:00 ist noch nicht beendet, deshalb "
        "gibt es noch kein Protokoll. Wer sie protokolliert hat, beendet sie mit "
        "/sitzungsende; dann wird das Protokoll an alle verschickt.\n  An: carla"
    ]


async def test_a_meeting_is_called_overdue_from_the_first_day_of_the_next_period(
    sqlite_database: Database,
) -> None:
    """Monthly, three weeks ahead, the last meeting on 3 January: February's meeting is due,
    nudged from 11 January weekly; the nudge of 1 February says it is due, the one of
    1 March (the first day after February) says it was."""
    bot = await ConsoleBot.start(sqlite_database, now="2026-12-20 09:00")
    await bot.say(
        SETUP + "@anna: /einstellungen rhythmus monatlich\n"
        "@anna: /einstellungen erinnerungen terminplanung 3\n@anna: /termin 3.1.2027 10 Uhr\n"
        ":time 2027-01-31 12:00"
    )
    said = []
    for when in ("2027-02-01 09:00", "2027-02-28 12:00", "2027-03-01 09:00"):
        said += [m.split("\n")[0] for m in await bot.say(f":time {when}") if "Treffen" in m]
    head = "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein "
    assert said == [
        head + "ist im Februar 2027 fällig und noch nicht geplant. Kleve lädt ein.",
        head + "war im Februar 2027 fällig und ist noch nicht geplant. Kleve lädt ein.",
    ]


async def test_a_left_over_nudge_is_dropped_once_the_meeting_is_planned_and_an_old_one_counts_as_first(
    sqlite_database: Database,
) -> None:
    """A nudge left over for Goch after Goch planned the meeting is dropped; one stored by an
    older version (no number in it) is a first nudge to the host."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@bernd: /termin 10.12. 14 Uhr")
    now = bot.clock.now()
    async with sqlite_database.uow() as uow:
        await uow.reminders.add(1, "schedule_next", "stale", now, {"member": 2, "n": 0}, now)
        await uow.commit()
    assert await bot.say(":time 2026-11-23 10:01") == []
    await bot.say("@anna: /absagen 10.12.\n@anna: /ja")
    now = bot.clock.now()
    async with sqlite_database.uow() as uow:
        await uow.reminders.add(1, "schedule_next", "old", now, {"member": 2}, now)
        await uow.commit()
    assert await bot.say(":time 2026-11-23 10:03") == [
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "4. Quartal 2026 fällig und noch nicht geplant. Goch lädt ein.\n"
        "  Bitte einen Termin festlegen, zum Beispiel: /termin 15.12.2026 10 Uhr\n  An: bernd"
    ]
    async with sqlite_database.uow() as uow:
        rows = await uow.reminders.of_partnership(1)
    assert [(r.key, r.status) for r in rows if r.key in ("stale", "old")] == [
        ("stale", "dropped"),
        ("old", "sent"),
    ]


async def test_a_minute_taker_an_empty_agenda_and_a_meeting_never_ended_in_english(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n"
        "@anna: /member add Goch\n@bernd: /iam Goch\n@anna: /schedule 10 Dec 2pm\n"
        "@anna: /minutetaker anna"
    )
    out = await bot.say(":time 2026-12-03 14:00")
    assert [m for m in out if "meets" in m] == [
        "[main] bot: Reminder: the partnership Climate Alliance meets in 14 days: Thu, 10 Dec "
        "2026, 14:00, Goch.\n  Host: Goch. Minutes: anna."
    ]
    assert [m.split("\n", 1)[1] for m in out if "agenda" in m.lower()] == [
        "  (no items yet)",
        "  (no items yet)",
    ]
    await bot.say(":time 2026-12-10 14:05\n@bernd: /startmeeting")
    assert await bot.say(":time 2026-12-13 14:00") == [
        "[main] bot: The meeting of Thu, 10 Dec 2026, 14:00 has not been ended yet, so there "
        "are no minutes. Whoever took them ends it with /endmeeting; the minutes then go out "
        "to everyone.\n  To: anna"
    ]


async def _html(database: Database, kind: str) -> list[str]:
    """The pending reminders of `kind`, rendered at their time as Matrix would show them."""
    async with database.uow() as uow:
        p = await uow.partnerships.get(1)
        assert p is not None
        rows = [r for r in await uow.reminders.of_partnership(1, ("pending",)) if r.kind == kind]
        notices = [await KINDS[kind].render(uow, Catalog.load(), p, r, r.due_at) for r in rows]
    return [render_html(Reply(tuple(n.blocks))) for n in notices if n is not None]


async def test_the_example_commands_in_reminders_are_plain_not_code(
    sqlite_database: Database,
) -> None:
    """On Matrix and Telegram a suggested command in a reminder is plain text, like the
    sentence around it, not a code span."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(SETUP + "@anna: /termin 24.11. 10 Uhr\n:time 2026-11-24 10:30")
    due = (
        "Das Protokoll des Treffens vom Di., 24.11.2026, 10:00 fehlt noch. Goch hat eingeladen "
        "und schreibt es, zum Beispiel mit: /protokoll neu Anwesend: Goch, Kleve …"
    )
    assert await _html(sqlite_database, "minutes_due") == [due, due]
    assert await _html(sqlite_database, "schedule_next") == [
        "Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im 1. Quartal 2027 "
        "fällig und noch nicht geplant. <b>Kleve</b> lädt ein.\n"
        "Bitte einen Termin festlegen, zum Beispiel: /termin 5.1.2027 10 Uhr"
    ]
    await bot.say("@bernd: /sitzungsbeginn")
    end = (
        "Die Sitzung vom Di., 24.11.2026, 10:00 ist noch nicht beendet, deshalb gibt es noch "
        "kein Protokoll. Wer sie protokolliert hat, beendet sie mit /sitzungsende; dann wird "
        "das Protokoll an alle verschickt."
    )
    assert await _html(sqlite_database, "minutes_due") == [end, end]
    await bot.say("@anna: /termin 10.12. 14 Uhr")
    assert await _html(sqlite_database, "agenda_deadline") == [
        "Noch bis <b>Do., 03.12.2026, 14:00</b> können Tagesordnungspunkte für das Treffen am "
        "Do., 10.12.2026, 14:00 vorgeschlagen werden, zum Beispiel: /tagesordnung neu "
        "Radverkehrskonzept abstimmen #mobilität. Bisher vorgeschlagen:\n(noch keine Punkte)"
    ]


async def test_the_agenda_posted_tells_the_other_channels_the_final_agenda(
    sqlite_database: Database,
) -> None:
    """Besides its message, the agenda reminder raises the final agenda for e-mail: the
    partnership, the meeting, its host and the items, in the partnership's language."""
    bot = await ConsoleBot.start(sqlite_database, lang="en")
    await bot.say(
        ":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve\n"
        "@anna: /member add Goch\n@bernd: /iam Goch\n@anna: /schedule 10 Dec 2pm\n"
        "@bernd: /agenda add Cycling plan #mobility"
    )
    async with sqlite_database.uow() as uow:
        p = await uow.partnerships.get(1)
        assert p is not None
        rows = await uow.reminders.of_partnership(1, ("pending",))
        (posted,) = [r for r in rows if r.kind == "agenda_posted"]
        notice = await KINDS["agenda_posted"].render(uow, Catalog.load(), p, posted, posted.due_at)
    assert notice is not None
    (event,) = notice.events
    assert isinstance(event, AgendaPosted)
    assert (event.partnership.name, event.meeting.id, event.host and event.host.name) == (
        "Climate Alliance",
        1,
        "Goch",
    )
    assert render_plain(Reply(event.blocks)) == "1. Cycling plan (#mobility) — Goch"


async def test_the_final_agenda_of_a_later_meeting_leaves_out_the_next_ones_items(
    sqlite_database: Database,
) -> None:
    """Two meetings two days apart: an item proposed now belongs to the first; the final
        agenda of the second, posted before the first is held, does not list it, neither in the
    rooms nor for e-mail."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(
        SETUP + "@anna: /termin 10.12. 14 Uhr\n@anna: /termin weiteres 12.12. 14 Uhr\n"
        "@bernd: /tagesordnung neu Radverkehr"
    )
    async with sqlite_database.uow() as uow:
        p = await uow.partnerships.get(1)
        assert p is not None
        rows = await uow.reminders.of_partnership(1, ("pending",))
        posted = sorted((r for r in rows if r.kind == "agenda_posted"), key=lambda r: r.due_at)
        render = KINDS["agenda_posted"].render
        notices = [await render(uow, Catalog.load(), p, r, r.due_at) for r in posted]
    events = [e for n in notices if n is not None for e in n.events]
    finals = [render_plain(Reply(e.blocks)) for e in events if isinstance(e, AgendaPosted)]
    assert finals == ["1. Radverkehr — Goch", ""]
    said = [render_plain(Reply(tuple(n.blocks))).split("\n", 1)[1] for n in notices if n]
    assert said == ["1. Radverkehr — Goch", "(noch keine Punkte)"]


async def test_the_nudges_example_takes_the_hosts_last_place_given_not_the_last_meeting(
    sqlite_database: Database,
) -> None:
    """Goch met in the town hall, then once without a place: the example keeps the town hall."""
    bot = await ConsoleBot.start(sqlite_database)
    await bot.say(
        SETUP + "@anna: /termin 24.11. 10 Uhr | Rathaus Goch\n:time 2026-11-25 09:00\n"
        "@anna: /termin 1.12. 10 Uhr\n:time 2026-12-02 09:00\n"
        "@anna: /termin 8.12. 10 Uhr\n:time 2026-12-09 09:00\n"
        "@anna: /termin 15.12. 10 Uhr\n:time 2026-12-16 09:00"
    )
    out = await bot.say(":time 2026-12-23 09:00")
    assert [m for m in out if "nächste Treffen" in m] == [
        "[main] bot: Das nächste Treffen der Partnerschaft Klima-Allianz Niederrhein ist im "
        "1. Quartal 2027 fällig und noch nicht geplant. Goch lädt ein.\n"
        "  Bitte einen Termin festlegen, zum Beispiel: /termin 12.1.2027 10 Uhr | Rathaus Goch\n"
        "  An: bernd"
    ]
