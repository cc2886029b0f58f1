"""Destructive commands wait for the caller's "yes": the pending command is kept briefly.

Kept in the adapter-state table, so a restart in between loses nothing and no schema change
is needed. A token lets a button (Telegram) name the exact question; typing `/ja` alone
confirms the caller's latest question in that room.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.errors import UserError
from bot.core.events import Identity, RoomRef
from bot.usecases.ports import UnitOfWork

VALIDITY = timedelta(minutes=10)


@dataclass(frozen=True)
class Pending:
    token: str
    text: str
    asker: str


def _latest_key(room: RoomRef, identity: Identity) -> str:
    return f"confirm-latest:{room.platform}:{room.room_id}:{identity.platform}:{identity.user_id}"


async def ask(
    uow: UnitOfWork, room: RoomRef, identity: Identity, asker: str, text: str, now: datetime
) -> str:
    token = secrets.token_hex(4)
    record = {
        "room": [room.platform, room.room_id],
        "identity": [identity.platform, identity.user_id],
        "asker": asker,
        "text": text,
        "expires": (now + VALIDITY).isoformat(),
    }
    await uow.state.put(f"confirm:{token}", json.dumps(record, ensure_ascii=False))
    await uow.state.put(_latest_key(room, identity), token)
    return token


async def take(
    uow: UnitOfWork, room: RoomRef, identity: Identity, token: str | None, now: datetime
) -> Pending:
    """The pending command the caller may confirm (or abort) now; it is used up."""
    token = token or await uow.state.get(_latest_key(room, identity)) or ""
    raw = await uow.state.get(f"confirm:{token}") if token else None
    if not raw:
        raise UserError("confirm.nothing")
    record = json.loads(raw)
    if record["room"] != [room.platform, room.room_id]:
        raise UserError("confirm.nothing")
    if record["identity"] != [identity.platform, identity.user_id]:
        raise UserError("confirm.not_yours", person=record["asker"])
    await uow.state.put(f"confirm:{token}", "")
    if datetime.fromisoformat(record["expires"]) <= now:
        raise UserError("confirm.expired")
    return Pending(token, record["text"], record["asker"])
