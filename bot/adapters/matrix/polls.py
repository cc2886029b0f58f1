"""MSC3381 polls <-> the bot's polls: the events as Element sends them, votes read back
(unstable `org.matrix.msc3381.*` and stable `m.poll.*` names), and the votes of a sync gap
fetched through `/relations` of each open poll.

matrix-nio has no poll types: polls are sent with `room_send` and arrive as `UnknownEvent`
(in encrypted rooms too: nio parses a decrypted event of an unknown type as one). The
answer ids are the bot's answer keys. MSC3381's rules for a response: only a person's
latest counts; one naming an answer the poll does not have is spoiled (counts as no vote).
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nio import AsyncClient, MatrixRoom, MegolmEvent, RedactionEvent, UnknownEvent
from nio import Event as NioEvent
from nio.api import RelationshipType

from bot.adapters.matrix.translate import PLATFORM, sender
from bot.core.clock import Clock
from bot.core.events import PollVote, RoomRef
from bot.core.poll_messages import PollFit, PollMessage
from bot.core.render import render_plain
from bot.core.reply import Poll, Reply
from bot.poll_book import PollBook

log = logging.getLogger(__name__)

START = "org.matrix.msc3381.poll.start"
END = "org.matrix.msc3381.poll.end"
RESPONSES = ("org.matrix.msc3381.poll.response", "m.poll.response")
DISCLOSED = "org.matrix.msc3381.poll.disclosed"
TEXT = "org.matrix.msc1767.text"
MIN_ANSWERS = 2
MAX_ANSWERS = 20
"""MSC3381 allows at most 20 answers."""
COMMAND_PREFIX = "!"


def poll_fit(poll: Poll) -> PollFit:
    return "whole" if MIN_ANSWERS <= len(poll.answers) <= MAX_ANSWERS else "none"


def fallback_text(poll: Poll, fallback: Reply) -> str:
    """The text clients without polls show: the reply's own text, else Element's form."""
    if fallback.blocks:
        return render_plain(Reply(fallback.blocks), COMMAND_PREFIX)
    lines = [poll.question, *(f"{n}. {a.text}" for n, a in enumerate(poll.answers, 1))]
    return "\n".join(lines)


def start_content(poll: Poll, fallback: Reply) -> dict[str, Any]:
    """`org.matrix.msc3381.poll.start` as Element sends it: a disclosed poll (results shown
    while it runs), as many selections as answers when several are allowed."""
    text = fallback_text(poll, fallback)
    return {
        START: {
            "question": {TEXT: poll.question, "body": poll.question},
            "kind": DISCLOSED,
            "max_selections": len(poll.answers) if poll.multiple else 1,
            "answers": [{"id": a.key, TEXT: a.text} for a in poll.answers],
        },
        TEXT: text,
        "body": text,
    }


def end_content(start_event_id: str, fallback: Reply) -> dict[str, Any]:
    text = render_plain(Reply(fallback.blocks), COMMAND_PREFIX) if fallback.blocks else "—"
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": start_event_id},
        END: {},
        TEXT: text,
        "body": text,
    }


@dataclass(frozen=True)
class Response:
    """One poll response event."""

    start_id: str
    user_id: str
    selections: tuple[str, ...]
    event_id: str
    timestamp: int


def response_of(event: NioEvent) -> Response | None:
    """A poll response (either name, decrypted or not), or None for any other event."""
    if not isinstance(event, UnknownEvent) or event.type not in RESPONSES:
        return None
    content = event.source.get("content", {}) if isinstance(event.source, dict) else {}
    relates = content.get("m.relates_to")
    if not isinstance(relates, dict) or relates.get("rel_type") != "m.reference":
        return None
    start_id = relates.get("event_id")
    if not isinstance(start_id, str):
        return None
    block = content.get(RESPONSES[0]) or content.get(RESPONSES[1])
    chosen = block.get("answers") if isinstance(block, dict) else content.get("m.selections")
    if not isinstance(chosen, list):
        chosen = []
    return Response(
        start_id,
        str(event.sender),
        tuple(str(c) for c in chosen),
        str(event.event_id),
        int(event.server_timestamp or 0),
    )


def answer_keys(response: Response, posted: PollMessage) -> tuple[str, ...]:
    """The keys voted for; () when withdrawn or spoiled (an answer the poll does not have)."""
    if any(s not in posted.answer_keys for s in response.selections):
        return ()
    return tuple(dict.fromkeys(response.selections))


def vote_of(
    room: MatrixRoom,
    response: Response,
    posted: PollMessage,
    creators: Iterable[str],
    replayed: bool,
) -> PollVote | None:
    """The response as a vote, if it answers the bot's poll in this very room."""
    ref = RoomRef(PLATFORM, room.room_id)
    if posted.room != ref:
        return None
    who = sender(room, response.user_id, creators)
    keys = answer_keys(response, posted)
    return PollVote(ref, who, posted.poll_key, keys, response.event_id, replayed)


def _decrypted(client: AsyncClient, event: NioEvent) -> NioEvent:
    if isinstance(event, MegolmEvent) and client.olm is not None:
        try:
            return client.decrypt_event(event)
        except Exception as error:  # no key for it (yet): nothing to read
            log.info("Matrix: cannot decrypt poll response %s: %s", event.event_id, error)
    return event


async def relations(client: AsyncClient, room_id: str, start_id: str) -> list[Response]:
    """Every response to the poll the homeserver holds, oldest first."""
    found: list[Response] = []
    try:
        async for event in client.room_get_event_relations(
            room_id, start_id, RelationshipType.reference
        ):
            response = response_of(_decrypted(client, event))
            if response is not None and response.start_id == start_id:
                found.append(response)
    except Exception as error:  # an error answer ends nio's iterator with an AttributeError
        log.warning("Matrix: reading the votes of poll %s failed: %s", start_id, error)
    return sorted(found, key=lambda r: r.timestamp)


def latest_per_person(responses: Iterable[Response]) -> list[Response]:
    """Each person's latest response (MSC3381: only it counts), oldest first."""
    latest: dict[str, Response] = {}
    for response in sorted(responses, key=lambda r: r.timestamp):
        latest[response.user_id] = response
    return sorted(latest.values(), key=lambda r: r.timestamp)


class MatrixPolls:
    """The service's side of polls: votes into PollVotes, and the gap's votes fetched."""

    def __init__(self, book: PollBook, own_user_id: str, clock: Clock) -> None:
        self.book = book
        self.own_user_id = own_user_id
        self.clock = clock

    async def redacted(self, room_id: str, event: RedactionEvent) -> None:
        """Someone deleted the bot's poll in this room: closing will not try to end it."""
        posted = await self.book.find(PLATFORM, str(event.redacts))
        if posted is not None and posted.room == RoomRef(PLATFORM, room_id):
            log.info("Matrix: the poll %s was deleted in %s", posted.poll_key, room_id)
            await self.book.gone(posted, self.clock.now())

    async def vote(
        self,
        room: MatrixRoom,
        event: NioEvent | Response,
        creators: Iterable[str],
        replayed: bool,
    ) -> PollVote | None:
        response = event if isinstance(event, Response) else response_of(event)
        if response is None or response.user_id == self.own_user_id:
            return None
        posted = await self.book.find(PLATFORM, response.start_id)
        if posted is None:
            return None  # somebody else's poll
        return vote_of(room, response, posted, creators, replayed)

    async def after_gap(
        self, client: AsyncClient, room_id: str, events: list[NioEvent]
    ) -> list[NioEvent | Response]:
        """A limited timeline: the votes on the room's open polls come from `/relations`
        (each person's latest), merged by time with the room's other events; the responses
        among `events` are left out, they are among the fetched."""
        posted = await self.book.open_in(RoomRef(PLATFORM, room_id))
        if not posted:
            return list(events)
        fetched: list[Response] = []
        for poll in posted:
            fetched.extend(latest_per_person(await relations(client, room_id, poll.poll_id)))
        log.info(
            "Matrix: %d votes fetched for %d open polls in %s", len(fetched), len(posted), room_id
        )
        covered = {p.poll_id for p in posted}
        kept = [e for e in events if (r := response_of(e)) is None or r.start_id not in covered]
        fetched.sort(key=lambda r: r.timestamp)

        def when(item: NioEvent | Response) -> int:
            if isinstance(item, Response):
                return item.timestamp
            return int(getattr(item, "server_timestamp", 0) or 0)

        return list(heapq.merge(kept, fetched, key=when))
