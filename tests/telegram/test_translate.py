"""The pure halves of the adapter, without any server."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Message, Update
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.adapters.telegram.messenger import delivery_error
from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.split import split_html, strip_tags, utf16_len
from bot.adapters.telegram.translate import (
    DocumentPart,
    PresenceTracker,
    TextPart,
    command_menus,
    message_event,
    outgoing,
    presence_from_chat_member,
    presence_from_message,
    reply_html,
)
from bot.core.events import Identity, JoinEvent, LeaveEvent
from bot.core.render import render_html
from bot.core.reply import Attachment, Bold, Mention, Paragraph, Reply, Text
from bot.i18n import Catalog
from handlers import build_router
from tests.telegram.fake_api import ANONYMOUS_ADMIN, parse_html, user

CHAT = {"id": -100123, "type": "supergroup", "title": "Klima & Co"}
ANNA = user(1, "Anna", "Albers")


def message(**fields: Any) -> Message:
    data = {"message_id": 5, "date": 1_795_000_000, "chat": CHAT, "from": ANNA, **fields}
    result = Message.de_json(data, None)
    assert result is not None
    return result


def update(**fields: Any) -> Update:
    result = Update.de_json({"update_id": 1, **fields}, None)
    assert result is not None
    return result


def member(person: dict[str, Any], status: str) -> dict[str, Any]:
    data: dict[str, Any] = {"status": status, "user": person}
    if status == "kicked":
        data["until_date"] = 0
    return data


# -- messages -----------------------------------------------------------------------------


def test_message_from_an_administrator() -> None:
    event = message_event(message(text="/members"), {1}, "anon")
    assert event is not None
    assert event.room.platform == "telegram" and event.room.room_id == "-100123"
    assert event.sender.identity == Identity("telegram", "1")
    assert event.sender.display_name == "Anna Albers"
    assert event.sender.is_room_admin
    assert event.room_name == "Klima & Co"


def test_message_from_a_member_and_without_known_admins() -> None:
    for admins in (set[int](), None):
        event = message_event(message(text="/members"), admins, "anon")
        assert event is not None and not event.sender.is_room_admin


def test_anonymous_administrator_has_a_stable_identity() -> None:
    one = message_event(
        message(text="/x", sender_chat=CHAT, **{"from": ANONYMOUS_ADMIN}), None, "A"
    )
    two = message_event(
        message(text="/y", sender_chat=CHAT, **{"from": ANONYMOUS_ADMIN}), None, "A"
    )
    assert one is not None and two is not None
    assert (
        one.sender.identity
        == two.sender.identity
        == Identity("telegram", "anonymous-admin:-100123")
    )
    assert one.sender.is_room_admin and one.sender.display_name == "A"


def test_a_channel_posting_in_the_group_is_no_administrator() -> None:
    channel = {"id": -100999, "type": "channel", "title": "Kreisnachrichten"}
    event = message_event(message(text="/setup x", sender_chat=channel), None, "A")
    assert event is not None and not event.sender.is_room_admin
    assert event.sender.display_name == "Kreisnachrichten"


def test_private_chat_means_administrator() -> None:
    private = {"id": 1, "type": "private", "first_name": "Anna"}
    event = message_event(message(text="/setup x", chat=private), None, "A")
    assert event is not None and event.sender.is_room_admin and event.room_name == "Anna"


def test_messages_without_text_are_no_events() -> None:
    assert message_event(message(new_chat_members=[ANNA]), None, "A") is None


# -- joins and leaves ---------------------------------------------------------------------


def test_join_seen_both_ways_is_one_event() -> None:
    tracker = PresenceTracker()
    bernd = user(2, "Bernd")
    change = {
        "chat": CHAT,
        "from": bernd,
        "date": 1_795_000_000,
        "old_chat_member": member(bernd, "left"),
        "new_chat_member": member(bernd, "member"),
    }
    via_update = presence_from_chat_member(update(chat_member=change).chat_member)  # type: ignore[arg-type]
    (via_message,) = presence_from_message(message(new_chat_members=[bernd]))
    assert via_update is not None
    first = tracker.event(via_update)
    assert isinstance(first, JoinEvent) and first.sender.identity.user_id == "2"
    assert tracker.event(via_message) is None
    (left,) = presence_from_message(message(left_chat_member=bernd))
    assert isinstance(tracker.event(left), LeaveEvent)
    assert tracker.event(left) is None
    assert isinstance(tracker.event(via_message), JoinEvent)


def test_promotion_is_no_join_and_bots_are_ignored() -> None:
    bernd = user(2, "Bernd")
    promoted = {
        "chat": CHAT,
        "from": ANNA,
        "date": 1_795_000_000,
        "old_chat_member": member(bernd, "member"),
        "new_chat_member": {**member(bernd, "member"), "status": "member"},
    }
    assert presence_from_chat_member(update(chat_member=promoted).chat_member) is None  # type: ignore[arg-type]
    robot = {"id": 77, "is_bot": True, "first_name": "Other"}
    assert presence_from_message(message(new_chat_members=[robot])) == []
    kicked = {**promoted, "new_chat_member": member(bernd, "kicked")}
    change = presence_from_chat_member(update(chat_member=kicked).chat_member)  # type: ignore[arg-type]
    assert change is not None and change.present is False


# -- replies ------------------------------------------------------------------------------


def test_reply_html_escapes_and_links_mentions() -> None:
    reply = Reply.of(
        Paragraph.of("<script>&", Bold("<b>"), Mention(Identity("telegram", "42"), "<Eve>")),
        Paragraph.of(Mention(Identity("matrix", "@x:y"), "Matrix <X>")),
    )
    html = reply_html(reply)
    assert html == (
        '&lt;script&gt;&amp;<b>&lt;b&gt;</b><a href="tg://user?id=42">&lt;Eve&gt;</a>\n'
        "Matrix &lt;X&gt;"
    )
    assert parse_html(html) == "<script>&<b><Eve>\nMatrix <X>"


def test_outgoing_text_then_documents() -> None:
    ics = Attachment("treffen.ics", "text/calendar", b"BEGIN:VCALENDAR")
    parts = outgoing(Reply.of(Paragraph.of("Hallo"), attachments=(ics,)))
    assert parts == [TextPart("Hallo"), DocumentPart(ics)]
    assert outgoing(Reply.of(attachments=(ics,))) == [DocumentPart(ics)]


def test_split_prefers_line_breaks_and_keeps_tags_balanced() -> None:
    lines = [f"<b>Zeile {n}</b> &amp; mehr" for n in range(400)]
    html = "\n".join(lines)
    parts = split_html(html, 1000)
    assert len(parts) > 1
    for part in parts:
        assert utf16_len(part) <= 1000
        parse_html(part)
    assert "\n".join(parts) == html


def test_split_inside_a_long_bold_span_reopens_it() -> None:
    html = "<b>" + "wort " * 500 + "</b>"
    parts = split_html(html, 300)
    for part in parts:
        assert part.startswith("<b>") and part.endswith("</b>")
        assert utf16_len(part) <= 300
        parse_html(part)
    assert " ".join(strip_tags(p) for p in parts).split() == strip_tags(html).split()


def test_split_without_any_space_never_cuts_an_entity() -> None:
    html = "&amp;" * 1000 + "😀" * 300
    parts = split_html(html, 97)
    assert all(utf16_len(p) <= 97 for p in parts)
    assert "".join(strip_tags(p) for p in parts) == strip_tags(html)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["t", "b", "code", "nl"]), st.text(min_size=0, max_size=60)),
        max_size=80,
    ),
    st.integers(min_value=60, max_value=400),
)
def test_split_any_reply(pieces: list[tuple[str, str]], limit: int) -> None:
    spans = [
        Bold(t) if kind == "b" else Text("\n" + t if kind == "nl" else t) for kind, t in pieces
    ]
    html = render_html(Reply.of(Paragraph(tuple(spans))))
    parts = split_html(html, limit)
    for part in parts:
        assert utf16_len(part) <= limit
        parse_html(part)
    # nothing lost but the blank a part was cut at
    assert "".join("".join(strip_tags(p).split()) for p in parts) == "".join(
        strip_tags(html).split()
    )


# -- menus --------------------------------------------------------------------------------


def test_command_menus_are_valid_for_telegram() -> None:
    menus = command_menus(build_router(), Catalog.load())
    assert {(m.scope, m.language_code) for m in menus} == {
        (s, lang) for s in ("default", "all_chat_administrators") for lang in ("", "de", "en")
    }
    for menu in menus:
        assert 0 < len(menu.entries) <= 100
        for entry in menu.entries:
            assert entry.command.isascii() and entry.command.islower()
            assert 1 <= len(entry.description) <= 256
    admins_en = next(m for m in menus if m.scope != "default" and m.language_code == "en")
    member = next(e for e in admins_en.entries if e.command == "member")
    assert member.description.startswith("add: ")


# -- pace and failures --------------------------------------------------------------------


async def test_pacer_spaces_messages_per_chat_and_overall() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds

    pacer = Pacer(per_chat_interval=1.0, per_second=4, monotonic=lambda: now[0], sleep=sleep)

    async def send(chat: int) -> None:
        await pacer.wait(chat)
        pacer.sent(chat)  # answered at once

    await send(1)
    await send(1)
    assert slept == [1.0]
    slept.clear()
    for chat in (2, 3, 4, 5, 6):
        await send(chat)
    # five different chats, 4 a second overall: four at once (the window holds the second
    # send of chat 1), the fifth when the first of the window is a second old
    assert sum(slept) == pytest.approx(1.0)
    pacer.hold(7, 30)
    slept.clear()
    await send(7)
    assert slept == [30.0]


async def test_pacer_keeps_telegrams_windows_even_for_slow_answers() -> None:
    """Thirty a second in all and twenty a minute to a group: a send counts until it is
    answered, so however late requests arrive, no window ever holds more."""
    now = [0.0]

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    pacer = Pacer(per_chat_interval=0.0, monotonic=lambda: now[0], sleep=sleep)
    started: list[float] = []
    for n in range(90):
        await pacer.wait(-100 - n)
        started.append(now[0])
        pacer.sent(-100 - n)
    assert started[29] == 0.0 and started[30] == pytest.approx(1.0)
    assert max(sum(1 for t in started if s <= t < s + 1.0) for s in started) == 30
    group: list[float] = []
    for _ in range(21):
        await pacer.wait(-1)
        group.append(now[0])
        pacer.sent(-1)
    assert group[20] - group[0] >= 60.0
    # a send not yet answered holds its place: the thirty-first waits for an answer
    now[0] += 100
    for n in range(30):
        await pacer.wait(n + 1)
    assert pacer.delay(99) > 0
    pacer.sent(1)
    assert pacer.delay(99) == pytest.approx(1.0)


async def test_a_free_place_goes_to_the_chat_that_waited_longest() -> None:
    """First come, first served: a chat that comes to the window later does not take the
    place of one already waiting for it (in a fan-out, a group's first message would
    otherwise be left to the last window, and its calendar file a second after that)."""
    now = [0.0]
    gate = asyncio.Event()

    async def sleep(seconds: float) -> None:  # asleep until the test opens the gate
        await gate.wait()
        await asyncio.sleep(0)
        now[0] += seconds

    pacer = Pacer(per_chat_interval=0.0, per_second=1, monotonic=lambda: now[0], sleep=sleep)
    await pacer.wait(-9)
    pacer.sent(-9)  # the window is full for a second
    order: list[int] = []

    async def send(chat: int) -> None:
        await pacer.wait(chat)
        order.append(chat)
        pacer.sent(chat)

    first = asyncio.create_task(send(-1))
    await asyncio.sleep(0)  # waits for the window, asleep
    now[0] = 1.5  # the place is free, but the first chat has not woken yet
    second = asyncio.create_task(send(-2))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert order == [-1, -2]


@pytest.mark.parametrize(
    ("error", "permanent", "retry_after"),
    [
        (RetryAfter(12), False, 12.0),
        (RetryAfter(timedelta(seconds=3)), False, 3.0),
        (Forbidden("Forbidden: bot was kicked from the group chat"), True, None),
        (BadRequest("Bad Request: chat not found"), True, None),
        (ChatMigrated(-100777), True, None),
        (BadRequest("Bad Request: message is too long"), False, None),
        (TimedOut(), False, None),
        (NetworkError("connection reset"), False, None),
    ],
)
def test_failures_become_delivery_errors(
    error: Exception, permanent: bool, retry_after: float | None
) -> None:
    result = delivery_error(error)  # type: ignore[arg-type]
    assert result.permanent is permanent
    assert result.retry_after == retry_after
