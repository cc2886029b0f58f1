"""Matrix <-> neutral translation: pure functions, no I/O.

Everything here works on matrix-nio's own event and room objects (which are plain data) and
on the neutral types of `bot.core`; the service in `service.py` does the talking to the
homeserver. Keeping the two apart lets these rules be tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape
from typing import Any

from nio import Event as NioEvent
from nio import MatrixRoom, RoomCreateEvent, RoomMemberEvent, RoomMessageText

from bot.core.events import Event, Identity, JoinEvent, LeaveEvent, MessageEvent, RoomRef, Sender
from bot.core.messenger import DeliveryError
from bot.core.render import render_html, render_plain
from bot.core.reply import Attachment, BulletList, Mention, Reply

PLATFORM = "matrix"
COMMAND_PREFIX = "!"
"""How commands are written in Matrix: Element takes a leading `/` for its own commands."""
COORDINATOR_LEVEL = 50
"""Moderators (50) and administrators (100) count as room administrators for the bot."""

TIMELINE_LIMIT = 100
"""Synapse never returns more than 100 timeline events per room in one sync anyway."""

SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {
        "timeline": {"limit": TIMELINE_LIMIT},
        "ephemeral": {"not_types": ["*"]},
        "account_data": {"not_types": ["*"]},
        "state": {"lazy_load_members": False},
    },
}
"""The sync filter: the timeline with its full limit, no presence, receipts or typing noise."""

FIRST_SYNC_FILTER: dict[str, Any] = {
    **SYNC_FILTER,
    "room": {**SYNC_FILTER["room"], "timeline": {"limit": 1}},
}
"""The very first sync of a new bot account: room state only; the history is not answered."""

_NUMERIC_VERSION = re.compile(r"^\d+$")


def creators_privileged(room_version: str | None) -> bool:
    """Room versions in which the creators outrank every power level (12 and later)."""
    if not room_version:
        return False
    if _NUMERIC_VERSION.match(room_version):
        return int(room_version) >= 12
    return room_version.startswith("org.matrix.hydra")


def creators_of(event: RoomCreateEvent) -> frozenset[str]:
    """The `m.room.create` sender plus the `additional_creators` of its content."""
    content = event.source.get("content", {}) if isinstance(event.source, dict) else {}
    extra = content.get("additional_creators", [])
    found = {event.sender}
    if isinstance(extra, list):
        found.update(u for u in extra if isinstance(u, str))
    return frozenset(found)


def is_room_admin(room: MatrixRoom, user_id: str, creators: Iterable[str] = ()) -> bool:
    """Power level >= 50, or a creator of a room version where creators have unlimited power.

    matrix-nio reads only `m.room.power_levels`, where version-12 creators are not listed
    (their level is "infinite"), so it reports 0 for them; the creators are checked first.
    """
    if creators_privileged(room.room_version) and user_id in set(creators):
        return True
    return int(room.power_levels.get_user_level(user_id)) >= COORDINATOR_LEVEL


def display_name(room: MatrixRoom, user_id: str, content: dict[str, Any] | None = None) -> str:
    """The name the room shows for a user; the localpart when there is none."""
    if content and isinstance(content.get("displayname"), str) and content["displayname"]:
        return str(content["displayname"])
    user = room.users.get(user_id)
    if user is not None and user.display_name:
        return str(user.display_name)
    return user_id[1:].split(":", 1)[0] if user_id.startswith("@") else user_id


def sender(
    room: MatrixRoom,
    user_id: str,
    creators: Iterable[str] = (),
    content: dict[str, Any] | None = None,
) -> Sender:
    return Sender(
        Identity(PLATFORM, user_id),
        display_name(room, user_id, content),
        is_room_admin(room, user_id, creators),
    )


def is_own_join(event: NioEvent, own_user_id: str) -> bool:
    return (
        isinstance(event, RoomMemberEvent)
        and event.state_key == own_user_id
        and event.membership == "join"
        and event.prev_membership != "join"
    )


def is_own_leave(event: NioEvent, own_user_id: str) -> bool:
    return (
        isinstance(event, RoomMemberEvent)
        and event.state_key == own_user_id
        and event.membership in ("leave", "ban")
    )


def to_neutral(
    room: MatrixRoom,
    event: NioEvent,
    own_user_id: str,
    creators: Iterable[str] = (),
    maybe_replayed: bool = False,
) -> Event | None:
    """A timeline event as the neutral event the core understands, or None to ignore it.

    Text messages become MessageEvents (edits are ignored, so an edited command does not run
    twice); first joins and leaves of other people become JoinEvent/LeaveEvent. Everything
    the bot itself did, notices of other bots, and display-name changes are ignored.
    `maybe_replayed`: the event came before the saved sync position (see `Event`).
    """
    ref = RoomRef(PLATFORM, room.room_id)
    event_id = str(event.event_id)
    if isinstance(event, RoomMessageText):
        if event.sender == own_user_id:
            return None
        relates = event.source.get("content", {}).get("m.relates_to", {})
        if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
            return None
        return MessageEvent(
            ref,
            sender(room, event.sender, creators),
            event.body,
            room.display_name,
            event_id,
            maybe_replayed,
        )
    if isinstance(event, RoomMemberEvent):
        user = event.state_key
        if user == own_user_id:
            return None
        if event.membership == "join" and event.prev_membership != "join":
            joined = sender(room, user, creators, event.content)
            return JoinEvent(ref, joined, event_id, maybe_replayed)
        if event.membership in ("leave", "ban") and event.prev_membership == "join":
            left = sender(room, user, creators, event.prev_content)
            return LeaveEvent(ref, left, event_id, maybe_replayed)
    return None


def events_after_own_join(events: list[NioEvent], own_user_id: str) -> list[NioEvent]:
    """Drop what happened before the bot joined: history is never answered."""
    for index in range(len(events) - 1, -1, -1):
        if is_own_join(events[index], own_user_id):
            return events[index + 1 :]
    return events


def matrix_to(user_id: str) -> str:
    return "https://matrix.to/#/" + user_id


def reply_content(reply: Reply) -> dict[str, Any] | None:
    """The message content of a reply's text: plain `body`, escaped HTML, `m.mentions`.

    A reply that addresses people (a reminder to the host, "your turn") is an `m.text` whose
    `m.mentions` lists them, and their mentions are pills (matrix.to links): Synapse's
    default push rules put `.m.rule.suppress_notices` before the mention rule, so a
    mention in an `m.notice` would notify nobody. Every other reply is an `m.notice`, which
    notifies nobody, and carries no `m.mentions`: Synapse checks that field against a JSON
    schema on every event, which cost it 3-4 ms of CPU per reply in
    `bench/matrix_latency.py`, about 15 % of the whole round trip. Returns None for a reply
    that consists of attachments only.
    """
    if not reply.blocks:
        return None
    names: dict[str, str] = {}
    for user_id, name in _matrix_mentions(reply):
        names.setdefault(user_id, name)
    users = list(names)
    pills = {
        f"{PLATFORM}:{user}": (
            f'<a href="{escape(matrix_to(user), quote=True)}">'
            f"{escape(names.get(user, user), quote=False)}</a>"
        )
        for user in users
    }
    content: dict[str, Any] = {
        "msgtype": "m.text" if users else "m.notice",
        "body": render_plain(reply, COMMAND_PREFIX),
        "format": "org.matrix.custom.html",
        "formatted_body": render_html(
            reply, line_break="<br>", mention_html=pills, prefix=COMMAND_PREFIX
        ),
    }
    if users:
        content["m.mentions"] = {"user_ids": users}
    return content


def _matrix_mentions(reply: Reply) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for block in reply.blocks:
        lines = block.items if isinstance(block, BulletList) else (block.spans,)
        for spans in lines:
            for span in spans:
                if isinstance(span, Mention) and span.identity.platform == PLATFORM:
                    found.append((span.identity.user_id, span.name))
    return found


def file_content(
    attachment: Attachment, url: str | None, file: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An `m.file` message for an uploaded attachment (`file` instead of `url` when encrypted)."""
    content: dict[str, Any] = {
        "msgtype": "m.file",
        "body": attachment.filename,
        "filename": attachment.filename,
        "info": {"mimetype": attachment.mimetype, "size": len(attachment.data)},
    }
    if file is not None:
        content["file"] = file
    else:
        content["url"] = url
    return content


def in_reply_to(content: dict[str, Any], event_id: str | None) -> dict[str, Any]:
    """The content as a Matrix reply to the command event (`m.in_reply_to`): the thread says
    what answers what, also after other messages came in between."""
    if not event_id:
        return content
    return {**content, "m.relates_to": {"m.in_reply_to": {"event_id": event_id}}}


def part_txn_id(txn_id: str, part: int) -> str:
    """Part 0 is the text; parts 1.. are the attachments."""
    return txn_id if part == 0 else f"{txn_id}.{part}"


def invite_allowed(inviter: str, allow: Iterable[str], own_user_id: str) -> bool:
    """Whether to accept an invite. Entries are user ids (`@anna:example.org`) or server
    names (`example.org`, also written `:example.org` or `*:example.org`). An empty list
    allows the users of the bot's own homeserver only."""
    entries = [a.strip() for a in allow if a.strip()]
    if not entries:
        entries = [own_user_id.split(":", 1)[1]] if ":" in own_user_id else []
    server = inviter.split(":", 1)[1] if ":" in inviter else ""
    for entry in entries:
        if entry.startswith("@"):
            if entry == inviter:
                return True
            continue
        if entry.removeprefix("*").removeprefix(":").casefold() == server.casefold() and server:
            return True
    return False


def delivery_error(
    status_code: str | None, message: str, retry_after_ms: int | None
) -> DeliveryError:
    """An error answer of the homeserver to a send, classified for the outbox."""
    code = status_code or "unknown"
    reason = f"{code}: {message}" if message else code
    if code == "M_LIMIT_EXCEEDED":
        seconds = (retry_after_ms if retry_after_ms is not None else 5000) / 1000
        return DeliveryError(reason, retry_after=seconds)
    if code in ("M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON"):
        # This message will never be accepted; the room is fine: the outbox parks it.
        return DeliveryError(reason, rejected=True)
    if code == "M_FORBIDDEN":
        # Not (or no longer) in the room: this will never work.
        return DeliveryError(reason, permanent=True)
    return DeliveryError(reason)
