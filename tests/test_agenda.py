"""The agenda through the console and the services: proposals, deadline, order, permissions,
standing items and carrying over, fields of action; repositories on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.core.errors import UsageError
from bot.core.model import ActionItem, AgendaItem, MinuteEntry, Minutes
from bot.i18n import Catalog
from bot.usecases import agenda as svc
from storage.database import Database
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Emmerich am Rhein
@bernd: /ichbin Emmerich am Rhein
@carla: /ichbin Goch
@dora: /ichbin Kleve
@anna: /termin 10.12. 10:00 im Rathaus Emmerich
"""


async def _bot(database: Database, lang: str = "de") -> ConsoleBot:
    bot = await ConsoleBot.start(database, lang=lang)
    await bot.say(SETUP)
    return bot


@pytest.mark.parametrize(
    ("tag", "field"),
    [
        ("#mobilität", "mobility"),
        ("#Mobilitaet", "mobility"),
        ("#mobility", "mobility"),
        ("#wärme", "heat"),
        ("#waerme", "heat"),
        ("#gebäude", "buildings"),
        ("#klimaanpassung", "adaptation"),
        ("#beschaffung", "procurement"),
        ("#öffentlichkeitsarbeit", "outreach"),
        ("#outreach", "outreach"),
        ("#energie", "energy"),
        ("#abfall", "waste"),
        ("#wasser", "water"),
    ],
)
def test_fields_of_action_are_read_in_german_and_english(tag: str, field: str) -> None:
    assert svc.read_field(f"Radwege prüfen {tag}") == ("Radwege prüfen", field)


def test_text_without_a_tag_stays_as_it_is() -> None:
    assert svc.read_field("C# lernen, Punkt #1") == ("C# lernen, Punkt #1", "")


def test_unknown_or_two_fields_are_refused() -> None:
    with pytest.raises(UsageError) as unknown:
        svc.read_field("Radwege #radfahren")
    assert unknown.value.params == {"tag": "#radfahren"}
    with pytest.raises(UsageError):
        svc.read_field("Radwege #mobilität #energie")


def test_every_field_has_a_name_in_both_languages() -> None:
    catalog = Catalog.load()
    for key in svc.FIELDS:
        assert catalog.text("de", f"field.{key}").startswith("#")
        assert catalog.text("en", f"field.{key}").startswith("#")


async def test_agenda_numbers_items_with_their_member(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("""
@carla: /tagesordnung neu Radverkehrskonzept #mobilität
@dora: /tagesordnung neu Ladesäulen gemeinsam beschaffen
""")
    text = await bot.text("@anna: /tagesordnung")
    assert "1. Radverkehrskonzept (#mobilität) — Goch" in text
    assert "2. Ladesäulen gemeinsam beschaffen — Kleve" in text
    assert "Vorschläge bitte bis Do., 03.12.2026, 10:00." in text
    assert "Tagesordnung: bisher 2 Punkte" in await bot.text("@anna: /naechstes")


async def test_only_contact_persons_and_coordinators_propose(database: Database) -> None:
    bot = await _bot(database)
    before = await snapshot(database, skip=("presence",))
    text = await bot.text("@erik: /tagesordnung neu Etwas")
    assert "Punkte vorschlagen können Ansprechpartner*innen und die Koordination" in text
    assert await snapshot(database, skip=("presence",)) == before


async def test_removing_someone_elses_item_is_refused_with_a_reason(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("@dora: /tagesordnung neu Ladesäulen")
    before = await snapshot(database, skip=("presence",))
    text = await bot.text("@carla: /tagesordnung entfernen 1")
    assert text == (
        "[main] bot: „Ladesäulen“ kann nur streichen, wer ihn vorgeschlagen hat (dora), "
        "oder die Koordination."
    )
    assert await snapshot(database, skip=("presence",)) == before
    assert "Gestrichen: „Ladesäulen“" in await bot.text("@dora: /tagesordnung entfernen 1")
    await bot.say("@dora: /tagesordnung neu Noch einmal")
    assert "Gestrichen" in await bot.text("@anna: /tagesordnung entfernen 1")
    assert "Noch keine Vorschläge" in await bot.text("@anna: /tagesordnung")


async def test_moving_is_for_coordinators_and_the_host(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("""
@carla: /tagesordnung neu Erstens
@dora: /tagesordnung neu Zweitens
@dora: /tagesordnung neu Drittens
""")
    before = await snapshot(database, skip=("presence",))
    refused = await bot.text("@carla: /tagesordnung verschieben 3 1")
    assert "Gastgebers (Emmerich am Rhein)" in refused
    assert await snapshot(database, skip=("presence",)) == before
    moved = await bot.text("@bernd: /tagesordnung verschieben 3 1")
    assert "1. Drittens — Kleve\n  2. Erstens — Goch\n  3. Zweitens — Kleve" in moved
    await bot.say("@anna: /tagesordnung verschieben 1 3")
    text = await bot.text("@anna: /tagesordnung")
    assert "1. Erstens — Goch\n  2. Zweitens — Kleve\n  3. Drittens — Kleve" in text


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("/tagesordnung neu", "Bitte geben Sie an, was auf die Tagesordnung soll."),
        ("/tagesordnung neu #mobilität", "Bitte geben Sie an, was auf die Tagesordnung soll."),
        ("/tagesordnung neu " + "x" * 301, "höchstens 300 Zeichen lang sein (dieser: 301)"),
        ("/tagesordnung entfernen", "Bitte geben Sie die Nummer des Punktes an"),
        ("/tagesordnung entfernen zwei", "„zwei“ ist keine Nummer"),
        (
            "/tagesordnung entfernen 7",
            "Einen Punkt 7 gibt es nicht; die Tagesordnung hat nur 1 Punkt.",
        ),
        ("/tagesordnung verschieben 1", "Nummer des Punktes und seine neue Position"),
        ("/tagesordnung verschieben 1 5", "„5“ ist keine Position zwischen 1 und 1."),
        ("/tagesordnung blabla", "„blabla“ kenne ich bei der Tagesordnung nicht"),
        ("/einstellungen agenda-frist viele", "„viele“ ist keine Anzahl Tage zwischen 0 und 60."),
        ("/einstellungen agenda-frist 61", "„61“ ist keine Anzahl Tage"),
    ],
)
async def test_bad_input_is_refused_and_changes_nothing(
    database: Database, line: str, reason: str
) -> None:
    bot = await _bot(database)
    await bot.say("@dora: /tagesordnung neu Ladesäulen")
    before = await snapshot(database, skip=("presence",))
    text = await bot.text(f"@anna: {line}")
    assert reason in text
    assert text.count("\n") == 0
    assert await snapshot(database, skip=("presence",)) == before


async def test_late_proposals_go_to_the_following_meeting(database: Database) -> None:
    bot = await _bot(database)
    await bot.say(":time 2026-12-04 09:00")
    late = await bot.text("@carla: /tagesordnung neu Starkregenkarten #klimaanpassung")
    assert "Die Frist für das nächste Treffen ist am Do., 03.12.2026, 10:00 abgelaufen." in late
    assert "kommt deshalb auf das folgende Treffen (noch nicht geplant)" in late
    assert "Punkt 1 für das Treffen" in await bot.text("@bernd: /tagesordnung neu Haushalt")
    assert "Punkt 2 für das Treffen" in await bot.text("@anna: /tagesordnung neu Termine")
    text = await bot.text("@anna: /tagesordnung")
    assert "Starkregenkarten" not in text
    assert "Für das folgende Treffen vorgemerkt: 1." in text
    assert "die Frist für Vorschläge ist am Do., 03.12.2026, 10:00 abgelaufen" in await bot.text(
        "@anna: /naechstes"
    )
    await bot.say("@anna: /termin weiteres 11.3.2027 10:00")
    later = await bot.text("@carla: /tagesordnung neu Noch später")
    assert (
        "„Noch später“ steht deshalb auf der Tagesordnung des folgenden Treffens am Do., "
        "11.03.2027, 10:00." in later
    )


async def test_the_deadline_is_a_setting(database: Database) -> None:
    bot = await _bot(database)
    changed = await bot.text("@anna: /einstellungen agenda-frist 3")
    assert "Frist für die Tagesordnung" in changed and "3 Tage vor dem Treffen" in changed
    assert "Frist für die Tagesordnung: 3 Tage vor dem Treffen" in await bot.text(
        "@anna: /einstellungen"
    )
    await bot.say(":time 2026-12-05 09:00")
    assert "Punkt 1 für das Treffen" in await bot.text("@carla: /tagesordnung neu Rechtzeitig")
    refused = await bot.text("@carla: /einstellungen agenda-frist 10")
    assert "Koordination" in refused


async def test_a_cancelled_meeting_passes_its_items_on(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("""
@carla: /tagesordnung neu Radwege
@anna: /termin weiteres 11.3.2027 10:00
@anna: /absagen 10.12. Hochwasser
@anna: /ja
""")
    text = await bot.text("@anna: /tagesordnung")
    assert "Tagesordnung für das Treffen am Do., 11.03.2027, 10:00" in text
    assert "1. Radwege — Goch" in text
    assert "übertragen" not in text


async def test_english_agenda(database: Database) -> None:
    bot = await ConsoleBot.start(database, lang="en")
    await bot.say(
        SETUP.replace("/mitglied neu", "/member add")
        .replace("/ichbin", "/iam")
        .replace("/termin 10.12. 10:00 im Rathaus Emmerich", "/schedule 10 December 10:00")
    )
    added = await bot.text("@carla: /agenda add Cycling plan #mobilität")
    assert added == '[main] bot: Item 1 for the meeting on Thu, 10 Dec 2026, 10:00: "Cycling plan"'
    text = await bot.text("@anna: /agenda")
    assert "1. Cycling plan (#mobility) — Goch" in text


async def test_partnerships_do_not_see_each_others_agenda(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("@carla: /tagesordnung neu Geheim")
    other = await bot.text("""
:room other
:admin zoe
@zoe: /setup Klima-Partner Lörrach
@zoe: /mitglied neu Lörrach
@zoe: /tagesordnung
""")
    assert "Geheim" not in other
    assert "Noch kein Treffen geplant und noch keine Vorschläge gesammelt." in other


async def test_repositories_keep_what_they_are_given(database: Database) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", now)
        q = await uow.partnerships.add("B", "de", "Europe/Berlin", now)
        assert p.agenda_deadline_days == 7
        p.agenda_deadline_days = 10
        await uow.partnerships.save(p)
        meeting = await uow.meetings.add(p.id, "uid-1", now, "", now)
        item = await uow.agenda.add(
            AgendaItem(0, p.id, "Radwege", "mobility", None, None, 1, now, not_before=now)
        )
        item.status = "done"
        item.meeting_id = meeting.id
        await uow.agenda.save(item)
        removed = await uow.agenda.add(AgendaItem(0, p.id, "weg", "", None, None, 2, now))
        removed.status = "removed"
        await uow.agenda.save(removed)
        first = await uow.actions.add(
            ActionItem(0, p.id, 0, "a", None, None, date(2027, 1, 15), meeting.id, now)
        )
        second = await uow.actions.add(ActionItem(0, p.id, 0, "b", None, None, None, None, now))
        elsewhere = await uow.actions.add(ActionItem(0, q.id, 0, "c", None, None, None, None, now))
        record = await uow.minutes.add(Minutes(0, p.id, meeting.id, "open", "meeting", now, None))
        await uow.minutes.add_entry(MinuteEntry(0, record.id, "info", "x", None, now))
        gone = await uow.minutes.add_entry(MinuteEntry(0, record.id, "action", "y", None, now))
        await uow.minutes.remove_entry(gone.id)
        await uow.commit()
    async with database.uow() as uow:
        stored = await uow.partnerships.get(p.id)
        assert stored is not None and stored.agenda_deadline_days == 10
        items = await uow.agenda.of_partnership(p.id)
        assert [(i.text, i.status, i.meeting_id, i.not_before) for i in items] == [
            ("Radwege", "done", meeting.id, now)
        ]
        assert [a.number for a in await uow.actions.of_partnership(p.id)] == [1, 2]
        assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
        assert (await uow.actions.of_partnership(p.id))[0].due == date(2027, 1, 15)
        found = await uow.minutes.for_meeting(meeting.id)
        assert found is not None and found.open
        assert [e.text for e in await uow.minutes.entries(record.id)] == ["x"]
        assert await uow.agenda.of_partnership(q.id) == []


async def test_hostile_agenda_text_stays_literal_on_every_rendering(database: Database) -> None:
    from bot.core.render import render_html, render_plain
    from bot.core.reply import Reply

    hostile = '**fett** <script>alert(1)</script> @room [x](https://e.example) <a href="y">z</a>'
    bot = await _bot(database)
    await bot.say(f"@carla: /tagesordnung neu {hostile}")
    async with database.uow() as uow:
        p = await uow.partnerships.get(1)
        assert p is not None
        meeting = (await uow.meetings.of_partnership(1))[0]
        items = await svc.agenda_for(uow, p, meeting)
    reply = Reply.of(*svc.agenda_blocks(Catalog.load(), "de", items))
    assert render_plain(reply) == f"1. {hostile} — Goch"
    html = render_html(reply, line_break="<br>")
    assert "<script>" not in html and "<a " not in html
    assert "&lt;script&gt;" in html and "**fett**" in html and "@room" in html
    assert reply.mentions == ()


async def test_the_migration_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    database = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    await database.upgrade()
    try:
        async with database.engine.connect() as connection:
            diff = await connection.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await database.close()
    mine = ("agenda_item", "minutes", "minute_entry", "action_item", "agenda_deadline_days")
    assert [d for d in diff if any(name in str(d) for name in mine)] == []
