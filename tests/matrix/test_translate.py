"""Matrix <-> neutral translation, without a server: real nio event and room objects."""

from __future__ import annotations

from typing import Any

from nio import Event as NioEvent
from nio import MatrixRoom, PowerLevelsEvent, RoomCreateEvent

from bot.adapters.matrix import translate as t
from bot.core.events import Identity, JoinEvent, LeaveEvent, MessageEvent
from bot.core.reply import Attachment, Bold, BulletList, Mention, Paragraph, Reply, Text

BOT = "@partnerbot:example.org"
ANNA = "@anna:example.org"
BERND = "@bernd:other.example"
ROOM = "!room:example.org"

_counter = iter(range(1_000_000))


def parse(kind: str, content: dict[str, Any], sender: str = ANNA, **extra: Any) -> NioEvent:
    source = {
        "type": kind,
        "content": content,
        "sender": sender,
        "event_id": f"$e{next(_counter)}",
        "origin_server_ts": 1,
        **extra,
    }
    return NioEvent.parse_event(source)


def member(user: str, membership: str, before: str | None = None, name: str = "") -> NioEvent:
    content: dict[str, Any] = {"membership": membership}
    if name:
        content["displayname"] = name
    unsigned = {"prev_content": {"membership": before, "displayname": name}} if before else {}
    return parse("m.room.member", content, sender=user, state_key=user, unsigned=unsigned)


def room(version: str = "11", levels: dict[str, int] | None = None) -> MatrixRoom:
    matrix_room = MatrixRoom(ROOM, BOT)
    matrix_room.handle_event(parse("m.room.create", {"room_version": version}, state_key=""))
    matrix_room.handle_event(
        parse("m.room.power_levels", {"users": levels or {}, "users_default": 0}, state_key="")
    )
    matrix_room.handle_membership(member(ANNA, "join", name="Anna"))
    return matrix_room


def test_text_messages_become_message_events_with_the_sender_and_room() -> None:
    event = t.to_neutral(
        room(levels={ANNA: 100}),
        parse("m.room.message", {"msgtype": "m.text", "body": "!mitglieder"}),
        BOT,
    )
    assert isinstance(event, MessageEvent)
    assert event.text == "!mitglieder"
    assert event.room.platform == "matrix" and event.room.room_id == ROOM
    assert event.sender.identity == Identity("matrix", ANNA)
    assert event.sender.display_name == "Anna"
    assert event.sender.is_room_admin


def test_events_carry_their_id_and_whether_they_may_be_replayed() -> None:
    r = room()
    command = parse("m.room.message", {"msgtype": "m.text", "body": "!mitglieder"})
    fresh = t.to_neutral(r, command, BOT)
    assert fresh is not None and fresh.event_id == command.event_id
    assert not fresh.maybe_replayed
    replayed = t.to_neutral(r, member(BERND, "join", name="Bernd"), BOT, maybe_replayed=True)
    assert isinstance(replayed, JoinEvent) and replayed.event_id.startswith("$e")
    assert replayed.maybe_replayed


def test_own_messages_edits_and_notices_are_ignored() -> None:
    r = room()
    own = parse("m.room.message", {"msgtype": "m.text", "body": "/x"}, sender=BOT)
    edit = parse(
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "* /member add X",
            "m.new_content": {"msgtype": "m.text", "body": "/member add X"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$old"},
        },
    )
    notice = parse("m.room.message", {"msgtype": "m.notice", "body": "/member add X"})
    assert t.to_neutral(r, own, BOT) is None
    assert t.to_neutral(r, edit, BOT) is None
    assert t.to_neutral(r, notice, BOT) is None


def test_power_level_50_is_an_administrator_and_below_is_not() -> None:
    r = room(levels={ANNA: 50, BERND: 49})
    assert t.is_room_admin(r, ANNA)
    assert not t.is_room_admin(r, BERND)


def test_version_12_creators_count_although_nio_reports_level_0() -> None:
    create = parse(
        "m.room.create",
        {"room_version": "12", "additional_creators": [BERND]},
        state_key="",
    )
    assert isinstance(create, RoomCreateEvent)
    creators = t.creators_of(create)
    assert creators == {ANNA, BERND}
    r = room(version="12")
    assert r.power_levels.get_user_level(ANNA) == 0
    assert t.is_room_admin(r, ANNA, creators)
    assert t.is_room_admin(r, BERND, creators)
    assert not t.is_room_admin(r, "@carla:example.org", creators)
    # In version 11 the creator's power comes from power_levels only.
    assert not t.is_room_admin(room(version="11"), ANNA, creators)


def test_creator_rule_applies_from_version_12_on() -> None:
    assert not t.creators_privileged(None)
    assert not t.creators_privileged("11")
    assert t.creators_privileged("12")
    assert t.creators_privileged("13")
    assert t.creators_privileged("org.matrix.hydra.11")


def test_member_events_become_joins_and_leaves_of_other_people_only() -> None:
    r = room()
    joined = t.to_neutral(r, member(BERND, "join", name="Bernd"), BOT)
    assert isinstance(joined, JoinEvent) and joined.sender.display_name == "Bernd"
    left = t.to_neutral(r, member(BERND, "leave", before="join", name="Bernd"), BOT)
    assert isinstance(left, LeaveEvent) and left.sender.display_name == "Bernd"
    banned = t.to_neutral(r, member(BERND, "ban", before="join"), BOT)
    assert isinstance(banned, LeaveEvent)
    assert t.to_neutral(r, member(BERND, "join", before="join", name="B."), BOT) is None
    assert t.to_neutral(r, member(BERND, "invite"), BOT) is None
    assert t.to_neutral(r, member(BERND, "leave", before="invite"), BOT) is None
    assert t.to_neutral(r, member(BOT, "join"), BOT) is None


def test_history_before_the_bots_own_join_is_dropped() -> None:
    old = parse("m.room.message", {"msgtype": "m.text", "body": "/setup Alt"})
    new = parse("m.room.message", {"msgtype": "m.text", "body": "/setup Neu"})
    events = [old, member(BOT, "join"), new]
    assert t.events_after_own_join(events, BOT) == [new]
    assert t.events_after_own_join([old, new], BOT) == [old, new]
    assert t.is_own_leave(member(BOT, "leave", before="join"), BOT)


def test_reply_content_is_escaped_and_mentions_make_it_a_text_that_notifies() -> None:
    reply = Reply.of(
        Paragraph.of(Bold("<Kleve>"), " & ", Mention(Identity("matrix", ANNA), "Anna <3")),
        BulletList(((Text("a<b"),), (Text("c"),)), ordered=True),
        Paragraph.of(Mention(Identity("telegram", "42"), "Tele")),
    )
    content = t.reply_content(reply)
    assert content is not None
    assert content["msgtype"] == "m.text", "an m.notice would notify nobody"
    assert content["body"] == "<Kleve> & Anna <3\n1. a<b\n2. c\nTele"
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == (
        "<b>&lt;Kleve&gt;</b> &amp; "
        f'<a href="https://matrix.to/#/{ANNA}">Anna &lt;3</a>'
        "<br>1. a&lt;b<br>2. c<br>Tele"
    )
    assert content["m.mentions"] == {"user_ids": [ANNA]}
    plain = t.reply_content(Reply.of(Paragraph.of("Hallo")))
    assert plain is not None and "m.mentions" not in plain  # costly for Synapse; see docstring
    assert plain["msgtype"] == "m.notice"
    elsewhere = t.reply_content(Reply.of(Paragraph.of(Mention(Identity("telegram", "42"), "T"))))
    assert elsewhere is not None and elsewhere["msgtype"] == "m.notice"
    assert (
        t.reply_content(Reply.of(attachments=(Attachment("a.ics", "text/calendar", b"x"),))) is None
    )


def test_file_content_plain_and_encrypted() -> None:
    attachment = Attachment("protokoll.pdf", "application/pdf", b"%PDF")
    plain = t.file_content(attachment, "mxc://example.org/abc")
    assert plain == {
        "msgtype": "m.file",
        "body": "protokoll.pdf",
        "filename": "protokoll.pdf",
        "info": {"mimetype": "application/pdf", "size": 4},
        "url": "mxc://example.org/abc",
    }
    secret = t.file_content(attachment, None, {"url": "mxc://example.org/abc", "v": "v2"})
    assert "url" not in secret and secret["file"]["v"] == "v2"


def test_transaction_ids_are_stable() -> None:
    assert t.part_txn_id("row-1", 0) == "row-1"
    assert t.part_txn_id("row-1", 2) == "row-1.2"


def test_invite_allow_list_by_user_or_server() -> None:
    allow = ["@anna:example.org", "partner.example", ":third.example", "*:fourth.example"]
    assert t.invite_allowed(ANNA, allow, BOT)
    assert not t.invite_allowed("@eve:example.org", allow, BOT)
    assert t.invite_allowed("@x:partner.example", allow, BOT)
    assert t.invite_allowed("@x:third.example", allow, BOT)
    assert t.invite_allowed("@x:FOURTH.example", allow, BOT)
    assert not t.invite_allowed("@x:evil.example", allow, BOT)
    assert not t.invite_allowed("", allow, BOT)
    # Nothing configured: the bot's own homeserver only.
    assert t.invite_allowed("@x:example.org", [], BOT)
    assert not t.invite_allowed(BERND, [], BOT)


def test_homeserver_errors_are_classified_for_the_outbox() -> None:
    limited = t.delivery_error("M_LIMIT_EXCEEDED", "Too Many Requests", 2500)
    assert limited.retry_after == 2.5 and not limited.permanent
    assert t.delivery_error("M_LIMIT_EXCEEDED", "", None).retry_after == 5.0
    assert t.delivery_error("M_FORBIDDEN", "not in room", None).permanent
    other = t.delivery_error("M_UNKNOWN", "boom", None)
    assert not other.permanent and other.retry_after is None


def test_power_level_events_parse_as_nio_sees_them() -> None:
    event = parse("m.room.power_levels", {"users": {ANNA: 100}}, state_key="")
    assert isinstance(event, PowerLevelsEvent)


def test_a_direct_reply_names_the_command_it_answers() -> None:
    content = {"msgtype": "m.notice", "body": "Hallo"}
    answer = t.in_reply_to(content, "$command")
    assert answer["m.relates_to"] == {"m.in_reply_to": {"event_id": "$command"}}
    assert answer["body"] == "Hallo" and "m.relates_to" not in content
    assert t.in_reply_to(content, None) is content
