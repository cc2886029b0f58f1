"""Meeting mode and the minutes: who may start and when, surviving a restart, /undo, the
files posted to every room, /minutes add, the archive, and hostile text in every rendering."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from bot.core.render import render_html, render_plain
from bot.core.reply import Reply
from bot.usecases import minutes as svc
from bot.usecases.minutes_render import MinutesDoc, escape_markdown
from storage.database import Database
from storage.models import OutboxRow
from storage.reply_codec import reply_from_json
from tests.harness import ConsoleBot
from tests.snapshot import snapshot

HOSTILE = (
    '**fett** <script>alert(1)</script> @room [x](https://example.org) <a href="https://e.example">'
    "hier</a> _kursiv_ `code` # Überschrift &amp; |a|b|"
)

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
@carla: /tagesordnung neu Radverkehrskonzept #mobilität
@dora: /tagesordnung neu Ladesäulen
"""


async def _bot(database: Database, lang: str = "de") -> ConsoleBot:
    bot = await ConsoleBot.start(database, lang=lang)
    await bot.say(SETUP)
    return bot


async def _sent(database: Database) -> list[Reply]:
    async with database.engine.connect() as connection:
        rows = await connection.execute(select(OutboxRow.payload).order_by(OutboxRow.id))
        return [reply_from_json(r[0]) for r in rows]


async def test_starting_on_the_wrong_day_is_refused_with_a_reason(database: Database) -> None:
    bot = await _bot(database)
    before = await snapshot(database, skip=("presence",))
    text = await bot.text("@bernd: /sitzungsbeginn")
    assert text == (
        "[main] bot: Heute (23.11.2026) ist kein Treffen. Die Sitzung kann erst am Tag des "
        "Treffens beginnen: Do., 10.12.2026, 10:00."
    )
    assert await snapshot(database, skip=("presence",)) == before


async def test_only_the_host_and_coordinators_start(database: Database) -> None:
    bot = await _bot(database)
    await bot.say(":time 2026-12-10 09:00")
    before = await snapshot(database, skip=("presence",))
    text = await bot.text("@carla: /sitzungsbeginn")
    assert "Ansprechpartner*innen des Gastgebers (Emmerich am Rhein)" in text
    assert await snapshot(database, skip=("presence",)) == before
    started = await bot.text("@anna: /sitzungsbeginn")
    assert "Sitzung begonnen (von anna)" in started
    assert "Protokoll: Emmerich am Rhein als Gastgeber" in started  # as the announcement said
    assert "Es läuft schon eine Sitzung" in await bot.text("@bernd: /sitzungsbeginn")


async def test_without_any_meeting_start_says_to_schedule(database: Database) -> None:
    bot = await ConsoleBot.start(database)
    await bot.say(":admin anna\n@anna: /setup Klima-Allianz\n@anna: /mitglied neu Kleve")
    assert "Erst planen: /termin." in await bot.text("@anna: /sitzungsbeginn")


async def test_meeting_mode_survives_a_restart(database: Database) -> None:
    bot = await _bot(database)
    await bot.say(":time 2026-12-10 10:00\n@bernd: /sitzungsbeginn\n@bernd: /thema 1")
    async with database.uow() as uow:
        assert not await svc.has_minutes(uow, 1)
    again = await ConsoleBot.start(database, now="2026-12-10 10:30")
    await again.say("@bernd: /info Nach dem Neustart")
    await again.say("@bernd: /sitzungsende")
    async with database.uow() as uow:
        assert await svc.has_minutes(uow, 1)
    doc = (await _archive(database))[0]
    assert doc.topics[0].title == "Radverkehrskonzept"
    assert doc.topics[0].infos == ["Nach dem Neustart"]


async def _archive(database: Database) -> list[MinutesDoc]:
    async with database.uow() as uow:
        p = await uow.partnerships.get(1)
        assert p is not None
        return [doc for _, doc in await svc.archive(uow, p)]


async def test_undo_reopens_an_agenda_item_and_forgets_attendance(database: Database) -> None:
    bot = await _bot(database)
    await bot.say(":time 2026-12-10 10:00\n@bernd: /sitzungsbeginn\n@bernd: /anwesend")
    undone = await bot.text("@bernd: /rueckgaengig")
    assert undone == "[main] bot: Zurückgenommen (Anwesenheit): Emmerich am Rhein"
    await bot.say("@bernd: /thema 2")
    assert "Punkt 2 („Ladesäulen“) wurde schon behandelt." in await bot.text("@bernd: /thema 2")
    assert "Zurückgenommen (Thema): Ladesäulen" in await bot.text("@bernd: /rueckgaengig")
    assert "Thema: TOP 2 – Ladesäulen" in await bot.text("@bernd: /thema 2")
    await bot.say("@bernd: /rueckgaengig")
    assert "Im Protokoll steht noch nichts" in await bot.text("@bernd: /rueckgaengig")
    await bot.say("@bernd: /sitzungsende")
    doc = (await _archive(database))[0]
    assert doc.present == [] and doc.topics == []
    assert doc.carried == ["Radverkehrskonzept", "Ladesäulen"]


async def test_entries_need_a_running_meeting_and_a_participant(database: Database) -> None:
    bot = await _bot(database)
    assert "Es läuft keine Sitzung" in await bot.text("@bernd: /info zu früh")
    await bot.say(":time 2026-12-10 10:00\n@bernd: /sitzungsbeginn")
    before = await snapshot(database, skip=("presence",))
    assert "Am Protokoll schreiben" in await bot.text("@erik: /info Gast")
    assert "Was soll Goch tun?" in await bot.text("@bernd: /aufgabe Goch")
    assert "weder ein Mitglied noch" in await bot.text("@bernd: /aufgabe Xanten etwas tun")
    assert "liegt in der Vergangenheit" in await bot.text("@bernd: /aufgabe Goch x bis 1.12.2026")
    assert "Sie sprechen für kein Mitglied" in await bot.text("@anna: /anwesend")
    assert "Die Sitzung beenden können" in await bot.text("@carla: /sitzungsende")
    assert await snapshot(database, skip=("presence",)) == before


async def test_end_posts_the_minutes_to_every_room_with_both_files(database: Database) -> None:
    bot = await _bot(database)
    code = re.search(r"Code: ([A-Z0-9]{8})", await bot.text("@anna: /link"))
    assert code is not None
    await bot.say(f":room zweiter\n:admin anna\n@anna: /link {code[1]}")
    await bot.say(f"""
:room main
:time 2026-12-10 10:00
@bernd: /sitzungsbeginn
@bernd: /anwesend
@bernd: /thema 1
@bernd: /beschluss {HOSTILE}
@bernd: /aufgabe carla {HOSTILE} bis 15.1.2027
@bernd: /sitzungsende
""")
    posted = [r for r in await _sent(database) if r.attachments]
    summaries = [r for r in posted if "Sitzung beendet" in render_plain(r)]
    assert len(summaries) == 2  # one per room
    md, html = summaries[0].attachments
    assert (md.filename, md.mimetype) == ("Protokoll-2026-12-10.md", "text/markdown")
    assert (html.filename, html.mimetype) == ("Protokoll-2026-12-10.html", "text/html")
    _assert_literal_markdown(md.data.decode())
    _assert_literal_html(html.data.decode())
    _assert_literal_reply(summaries[0])
    actions = await bot.text("@anna: /aufgaben")
    assert "#1 carla (Goch): **fett** <script>" in actions


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def _assert_literal_html(page: str) -> None:
    parsed = _Text()
    parsed.feed(page)
    assert set(parsed.tags) <= {
        "html",
        "head",
        "meta",
        "title",
        "body",
        "h1",
        "h2",
        "p",
        "ul",
        "ol",
        "li",
        "strong",
    }
    assert HOSTILE in parsed.text


def _assert_literal_markdown(text: str) -> None:
    assert escape_markdown(HOSTILE) in text
    unescaped = re.sub(r"\\.", "", text)
    for raw in ("**fett**", "<script>", "@room", "[x](", "<a href", "_kursiv_", "`code`"):
        assert raw not in unescaped


def _assert_literal_reply(reply: Reply) -> None:
    assert HOSTILE in render_plain(reply)
    html = render_html(reply, line_break="<br>")
    assert "<script>" not in html and "<a href" not in html
    assert "&lt;script&gt;" in html and "**fett**" in html


def test_markdown_escaping_keeps_text_literal() -> None:
    assert escape_markdown("**b** <i> @room [x](y) & _u_ ~s~ |t|") == (
        r"\*\*b\*\* \<i\> \@room \[x\](y) \& \_u\_ \~s\~ \|t\|"
    )
    assert escape_markdown("# Titel\n- Liste\n1. eins\n+ plus") == (
        "\\# Titel\n\\- Liste\n1\\. eins\n\\+ plus"
    )


async def test_minutes_written_elsewhere_can_be_attached(database: Database) -> None:
    bot = await _bot(database)
    assert "kein vergangenes Treffen ohne Protokoll" in await bot.text(
        "@bernd: /protokoll neu Text"
    )
    await bot.say(":time 2026-12-11 09:00")
    before = await snapshot(database, skip=("presence",))
    refused = await bot.text("@carla: /protokoll neu Text")
    assert "Ein Protokoll anhängen können" in refused
    assert await snapshot(database, skip=("presence",)) == before
    added = await bot.text(f"@bernd: /protokoll neu Anwesend: Goch, Kleve\n  {HOSTILE}")
    assert "Protokoll angehängt" in added and "[file: Protokoll-2026-12-10.md" in added
    shown = await bot.text("@anna: /protokoll 1")
    assert "Anwesend: Goch, Kleve\n  " + HOSTILE in shown
    async with database.uow() as uow:
        assert await svc.has_minutes(uow, 1)
    assert "kein vergangenes Treffen ohne Protokoll" in await bot.text(
        "@bernd: /protokoll neu Noch eins"
    )
    text = await bot.text("@anna: /tagesordnung")
    assert "Genehmigung des Protokolls vom 10.12.2026" in text
    assert "Radverkehrskonzept (#mobilität) — Goch — übertragen" in text


async def test_archive_choices_and_export(database: Database) -> None:
    bot = await _bot(database)
    assert "Es gibt noch keine Protokolle." in await bot.text("@anna: /protokoll")
    await bot.say(":time 2026-12-10 10:00\n@bernd: /sitzungsbeginn\n@bernd: /sitzungsende")
    host = "Gastgeber Emmerich am Rhein, Protokoll Emmerich am Rhein als Gastgeber"
    assert f"1. 10.12.2026 – {host}" in await bot.text("@anna: /protokoll")
    assert "Protokoll: Klima-Allianz Niederrhein" in await bot.text("@anna: /protokoll 10.12.")
    assert "Ein Protokoll 2 gibt es nicht; es gibt 1." in await bot.text("@anna: /protokoll 2")
    assert "Für den 11.12.2026 gibt es kein Protokoll." in await bot.text(
        "@anna: /protokoll 11.12.2026"
    )
    assert "weder eine Nummer noch ein Datum" in await bot.text("@anna: /protokoll gestern")
    exported = await bot.text("@anna: /protokoll export")
    assert "Alle Protokolle (1) in einer Datei:\n  [file: Protokolle.md" in exported


async def test_forgetting_a_name_rewrites_the_stored_minutes(database: Database) -> None:
    bot = await _bot(database)
    await bot.say("""
:time 2026-12-10 10:00
@bernd: /sitzungsbeginn
@bernd: /aufgabe carla Entwurf schicken
@bernd: /sitzungsende
""")
    async with database.uow() as uow:
        assert await svc.forget_name(uow, 1, "carla", "[entfernt]") == 1
        await uow.commit()
    doc = (await _archive(database))[0]
    assert doc.topics[0].actions[0].owner == "[entfernt] (Goch)"
    assert "carla" not in doc.to_json()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_minutes_golden_files(lang: str) -> None:
    """The Markdown and HTML renderings of one set of minutes, pinned per language."""
    from pathlib import Path

    from bot.i18n import Catalog
    from bot.usecases.minutes_render import (
        ActionDoc,
        TopicDoc,
        minutes_reply,
        render_html_page,
        render_markdown,
    )

    doc = MinutesDoc(
        lang=lang,
        partnership="Klima-Allianz Niederrhein",
        starts_at="2026-12-10T09:00:00+00:00",
        timezone="Europe/Berlin",
        place="Rathaus Emmerich",
        host="Emmerich am Rhein",
        taker="Bernd Berger",
        present=["Emmerich am Rhein", "Goch", "Kleve"],
        excused=["Kranenburg", "Uedem"],
        topics=[
            TopicDoc(
                "Radverkehrskonzept",
                infos=["Förderaufruf endet am 30.6."],
                decisions=["Gemeinsamer Förderantrag"],
                actions=[ActionDoc(1, "Goch", "Angebote einholen", "2027-01-15")],
            ),
            TopicDoc(
                HOSTILE,
                infos=[HOSTILE],
                actions=[ActionDoc(2, "Carla Conrad (Goch)", HOSTILE)],
            ),
        ],
        carried=["Wärmeplanung", HOSTILE],
    )
    assert MinutesDoc.from_json(doc.to_json()) == doc
    reply = minutes_reply(Catalog.load(), doc)
    golden = Path(__file__).parent / "golden"
    markdown = render_markdown(reply)
    page = render_html_page(reply, lang)
    assert markdown == (golden / f"minutes.{lang}.md").read_text(encoding="utf-8")
    assert page == (golden / f"minutes.{lang}.html").read_text(encoding="utf-8")
    _assert_literal_markdown(markdown)
    _assert_literal_html(page)
    _assert_literal_reply(reply)


async def test_the_minute_taker_is_one_fact_shown_the_same_everywhere(database: Database) -> None:
    """The host writes the minutes unless a person is named; every place says the same."""
    bot = await _bot(database)
    before = "Gastgeber: Emmerich am Rhein – schreibt auch das Protokoll."
    assert before in await bot.text("@anna: /naechstes")
    refused = await bot.text("@carla: /protokollant carla")
    assert "legen die Koordination und die Ansprechpartner*innen von Emmerich" in refused
    told = await bot.text("@bernd: /protokollant carla")
    assert "Das Protokoll des Treffens am Do., 10.12.2026, 10:00 schreibt carla" in told
    assert "Gastgeber: Emmerich am Rhein. Protokoll: carla." in await bot.text("@anna: /naechstes")
    await bot.say(":time 2026-12-10 09:30")
    started = await bot.text("@carla: /sitzungsbeginn")  # the minute-taker may start it
    assert "Protokoll: carla." in started, started
    await bot.say("@carla: /thema Radverkehr\n@carla: /info Alles gut")
    ended = await bot.text("@carla: /sitzungsende")  # and end it
    assert "(Protokoll: carla)" in ended, ended
    assert "Protokoll carla" in await bot.text("@anna: /protokoll")
