"""Small pure pieces: command parsing, German sorting and matching, text cleaning, rendering."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.core.events import Identity
from bot.core.model import Member
from bot.core.render import render_html, render_plain
from bot.core.reply import Attachment, Bold, BulletList, Code, Link, Mention, Paragraph, Reply
from bot.core.router import parse_command_line
from bot.core.text import clean, din5007_key, match_key
from bot.usecases.members import find_member
from storage.reply_codec import reply_from_json, reply_to_json


def test_commands_with_slash_bang_and_bot_name() -> None:
    for text in ("/members", "!members", "/members@partnerbot", "  /MEMBERS  "):
        parsed = parse_command_line(text)
        assert parsed is not None and parsed.word == "members"
    parsed = parse_command_line("/member@partnerbot add Stadt Kleve")
    assert parsed is not None
    assert (parsed.word, parsed.addressed_to, parsed.rest) == (
        "member",
        "partnerbot",
        "add Stadt Kleve",
    )
    parsed = parse_command_line("/rules set Zeile 1\nZeile 2")
    assert parsed is not None and parsed.rest == "set Zeile 1\nZeile 2"


def test_plain_chat_is_not_a_command() -> None:
    for text in (
        "Hallo zusammen",
        "",
        "/",
        "!",
        "https://example.org/x",
        " / members",
        "a /members",
    ):
        assert parse_command_line(text) is None


def test_din5007_order() -> None:
    names = [
        "Weeze",
        "Übach-Palenberg",
        "Ährental",
        "alpen",
        "Aachen",
        "Straße",
        "Strasburg",
        "Öhringen",
        "Ohne",
    ]
    ordered = sorted(names, key=din5007_key)
    assert ordered == [
        "Aachen",
        "Ährental",
        "alpen",
        "Ohne",
        "Öhringen",
        "Strasburg",
        "Straße",
        "Übach-Palenberg",
        "Weeze",
    ]


def test_match_key_accepts_every_umlaut_spelling() -> None:
    assert (
        match_key("Jüchen") == match_key("juechen") == match_key("JÜCHEN") == match_key(" jüchen ")
    )
    assert match_key("Bedburg-Hau") == match_key("bedburg hau")
    assert match_key("Straße") == match_key("Strasse")
    members = [
        Member(1, 1, "Jüchen", datetime(2026, 1, 1, tzinfo=UTC)),
        Member(2, 1, "Kleve", datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    assert find_member(members, "Juechen") is members[0]
    assert find_member(members, "kle") is members[1]
    assert find_member(members, "") is None


def test_clean_strips_control_characters_only() -> None:
    assert clean("a\x00b\x1b[31mc\x7f  d\n e") == "ab[31mc d e"
    assert clean("Zeile 1\r\nZeile\t2\x00", multiline=True) == "Zeile 1\nZeile\t2"
    assert clean("\u200b\u202eabc 🌍") == "\u200b\u202eabc 🌍"


@given(st.text())
def test_clean_never_leaves_control_characters(text: str) -> None:
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in clean(text))


def test_rendering_escapes_user_text_and_keeps_structure() -> None:
    reply = Reply.of(
        Paragraph((Bold("<b>Fett</b>"), Code("a & b"), Link("<x>", 'https://e.org/?a=1&b="2"'))),
        BulletList(((Mention(Identity("matrix", "@a:e.org"), "Anna <3"),),), ordered=True),
        attachments=(Attachment("p.md", "text/markdown", b"# x"),),
    )
    html = render_html(reply, line_break="<br>")
    assert html == (
        "<b>&lt;b&gt;Fett&lt;/b&gt;</b><code>a &amp; b</code>"
        '<a href="https://e.org/?a=1&amp;b=&quot;2&quot;">&lt;x&gt;</a><br>1. Anna &lt;3'
    )
    assert render_plain(reply) == '<b>Fett</b>a & b<x> (https://e.org/?a=1&b="2")\n1. Anna <3'
    assert reply_from_json(reply_to_json(reply)) == reply
    assert reply.mentions == (Identity("matrix", "@a:e.org"),)
