"""A partnership with one of every kind of record moves SQLite -> every backend, and every
read command answers the same before and after; so do the reminders that fall due later.

The source database holds another partnership first, so the moved one's ids change on the
way (the target gives new ids): whatever refers to an id (a reminder's payload, say) must
follow.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from storage.database import Database
from storage.transfer import export_from, import_into
from tests.harness import ConsoleBot

OTHER = """
:room nebenan
:admin zoe
@zoe: /setup Andere Allianz
@zoe: /mitglied neu Xanten
@zoe: /ichbin Xanten
@zoe: /termin am 3.2.2027 um 10 in Xanten
@zoe: /tagesordnung neu Nur hier
@zoe: /terminumfrage 10.2.2027 10 Uhr; 12.2.2027 10 Uhr
:room main
"""

FOUND = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Kalkar
@anna: /mitglied neu Emmerich
@bernd: /ichbin Goch
@carla: /ichbin Kleve
@anna: /ichbin Kalkar
:join erik
@anna: /koordinator neu bernd
@anna: /regeln setzen Wir treffen uns reihum.
@anna: /einstellungen agenda-frist 5
@anna: /einstellungen erinnerungen aufgaben 5,1
@anna: /einstellungen rhythmus halbjährlich
@anna: /link
"""

MEETING = """
:room zweiter
:admin dora
@dora: /link {code}
:room main
@anna: /termin am 20.1.2027 um 10 in Rathaus Goch
@bernd: /tagesordnung neu Radverkehr abstimmen #mobilität
@carla: /tagesordnung neu Solardächer #energie
@anna: /erinnern 15.1.2027 09:00 Unterlagen lesen
@anna: /erinnern 30.6.2027 09:00 Klimabericht einreichen
:time 2027-01-20 09:55
@bernd: /sitzungsbeginn
@bernd: /anwesend
@bernd: /anwesend Kleve
@bernd: /thema 1
@bernd: /info Das Konzept liegt vor.
@bernd: /beschluss Konzept beauftragen
@bernd: /aufgabe Kalkar Kontakt ADFC bis 30.4.2027
@bernd: /aufgabe carla Angebote einholen
@bernd: /aufgabe Goch Förderantrag stellen bis 15.3.2027
@bernd: /sitzungsende
:time 2027-01-21 09:00
@anna: /gastgeber ueberspringen Umbau im Rathaus
@anna: /termin am 20.5.2027 um 14 in Stadthalle
@anna: /tagesordnung neu Wärmeplanung #wärme
@anna: /erledigt 2
@anna: /mitglied entfernen Emmerich Austritt
@anna: /ja
:time 2027-02-01 09:00
@anna: /terminumfrage 1.6.2027 10 Uhr; 8.6.2027 10 Uhr
@bernd: /abstimmen 1
@carla: /abstimmen 1 2
"""

READS = """
@anna: /mitglieder
@anna: /koordinatoren
@anna: /regeln
@anna: /einstellungen
@anna: /einstellungen erinnerungen
@anna: /raeume
@anna: /ichbin
@bernd: /ichbin
@anna: /naechstes
@anna: /treffen
@anna: /reihenfolge
@anna: /tagesordnung
@anna: /protokoll
@anna: /protokoll 1
@anna: /protokoll export
@anna: /aufgaben
@anna: /erinnerungen
@anna: /kalender
@anna: /terminumfrage
:room zweiter
@dora: /mitglieder
@dora: /naechstes
:room main
"""

LATER = """
:time 2027-05-21 09:00
@anna: /aufgaben
@anna: /erinnerungen
@anna: /reihenfolge
"""


async def _source(path: Path) -> tuple[list[str], list[str], dict[str, object]]:
    source = Database(f"sqlite:///{path}")
    await source.upgrade()
    try:
        bot = await ConsoleBot.start(source, now="2027-01-10 09:00")
        await bot.say(OTHER)
        founded = await bot.text(FOUND)
        code = re.search(r"Ihr Code: (\w+)", founded)
        assert code, founded
        built = await bot.text(MEETING.format(code=code[1]))
        assert "mit der Partnerschaft" in built or "verbunden" in built, built
        assert "Kontakt ADFC (bis 30.04.2027)" in built
        reads = await bot.say(READS)
        data = await export_from(source, "Klima-Allianz Niederrhein")
        later = [m for m in await bot.say(LATER) if not m.startswith("[nebenan]")]
    finally:
        await source.close()
    return reads, later, data


async def test_every_kind_of_record_survives_the_move(tmp_path: Path, database: Database) -> None:
    # The exports are taken at 2027-02-01; the later replies come from the source moved on.
    reads, later, data = await _source(tmp_path / "source.sqlite3")
    tables = data["tables"]
    assert isinstance(tables, dict)
    for kind in (
        "action_item",
        "agenda_item",
        "minutes",
        "minute_entry",
        "reminder",
        "reminder_setting",
        "rotation_override",
        "presence",
        "coordinator",
        "contact",
        "date_poll",
        "date_poll_option",
        "date_poll_vote",
    ):
        assert tables[kind], f"the build made no {kind}"
    assert len(tables["room"]) == 2
    assert any(row["due"] == "2027-04-30" for row in tables["action_item"])

    moved = json.loads(json.dumps(data))  # what a file holds
    new_id = await import_into(database, moved)
    target = await ConsoleBot.start(database, now="2027-02-01 09:00")
    assert await target.say(READS) == reads
    assert await target.say(LATER) == later
    assert any("Kontakt ADFC" in message for message in later), "the action reminder fired"
    assert any("Die Frist der Terminumfrage ist abgelaufen" in m for m in later), "poll closed"
    assert new_id >= 1
