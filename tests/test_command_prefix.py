"""Commands the bot suggests are written with the prefix of the room's platform: `/` in
Telegram (privacy mode delivers nothing else to a group bot) and the console, `!` in Matrix
(Element takes a leading `/` for itself). Catalog templates say `/befehl`; the adapter
decides when it renders."""

from __future__ import annotations

from bot.adapters.console.adapter import format_output
from bot.adapters.matrix.translate import reply_content
from bot.adapters.telegram.translate import reply_html
from bot.core.render import render_plain
from bot.core.reply import Bold, Code, Command, Paragraph, Reply, command_or_code
from bot.i18n import Catalog
from storage.reply_codec import reply_from_json, reply_to_json

CATALOG = Catalog.load()


def next_steps() -> Reply:
    return Reply.of(CATALOG.para("de", "setup.next_steps"))


def test_commands_in_templates_become_command_spans() -> None:
    spans = CATALOG.para("de", "setup.next_steps").spans
    assert Command("mitglied") in spans and Command("ichbin") in spans
    assert Command("verbinden") in spans
    zone = CATALOG.para("de", "settings.bad_timezone", value="Europe/Paris").spans
    assert not [s for s in zone if isinstance(s, Command)], "Europe/Berlin is no command"
    assert render_plain(next_steps()) == CATALOG.text("de", "setup.next_steps")


def test_each_platform_writes_its_prefix() -> None:
    matrix = reply_content(next_steps())
    assert matrix is not None
    assert "mit !mitglied neu <Name>" in matrix["body"] and "mit !ichbin" in matrix["body"]
    assert "/mitglied" not in matrix["body"] and "/ichbin" not in matrix["formatted_body"]
    assert "!verbinden." in matrix["formatted_body"]
    telegram = reply_html(next_steps())
    assert "mit /mitglied neu &lt;Name&gt;" in telegram and "!" not in telegram
    assert "/verbinden." in format_output("main", next_steps())


def test_command_lines_in_code_and_bold_keep_their_look() -> None:
    reply = Reply.of(
        Paragraph.of(
            command_or_code("/link K7M2Q9XA"),
            " ",
            command_or_code("K7M2Q9XA"),
            " ",
            Command("hilfe", "bold"),
        )
    )
    matrix = reply_content(reply)
    assert matrix is not None
    assert matrix["formatted_body"] == (
        "<code>!link K7M2Q9XA</code> <code>K7M2Q9XA</code> <b>!hilfe</b>"
    )
    assert reply_html(reply) == "<code>/link K7M2Q9XA</code> <code>K7M2Q9XA</code> <b>/hilfe</b>"
    assert command_or_code("K7M2Q9XA") == Code("K7M2Q9XA")
    assert command_or_code("/ 3") == Code("/ 3")


def test_user_text_keeps_its_slashes() -> None:
    reply = Reply.of(CATALOG.para("de", "link.done", name="/mitglied <b>"))
    matrix = reply_content(reply)
    assert matrix is not None and "/mitglied &lt;b&gt;" in matrix["formatted_body"]
    assert Bold("/mitglied <b>") in reply.blocks[0].spans  # type: ignore[union-attr]


def test_an_announcement_in_the_outbox_keeps_its_commands() -> None:
    reply = next_steps()
    stored = reply_from_json(reply_to_json(reply))
    assert stored == reply
    matrix = reply_content(stored)
    assert matrix is not None and "!ichbin" in matrix["body"]


def test_examples_and_reminders_suggest_the_platforms_prefix() -> None:
    example = CATALOG.command("de", "cmd.remind.example")
    assert isinstance(example, Command) and example.style == "code"
    assert example.text.startswith("erinnern ")
    reply = Reply.of(CATALOG.para("de", "reminder.schedule_how", example=example))
    matrix = reply_content(reply)
    assert matrix is not None and "!erinnern" in matrix["body"]
