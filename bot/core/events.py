"""What the adapters hand to the core: one neutral event per platform happening."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Identity:
    """A person's account on one platform, e.g. ("matrix", "@anna:example.org")."""

    platform: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.user_id}"


@dataclass(frozen=True, order=True)
class RoomRef:
    """A room on one platform: a Matrix room id, a Telegram chat id, a console room name."""

    platform: str
    room_id: str


@dataclass(frozen=True)
class Sender:
    """Who wrote or joined, as the platform saw it at that moment."""

    identity: Identity
    display_name: str
    is_room_admin: bool = False


@dataclass(frozen=True)
class MessageEvent:
    room: RoomRef
    sender: Sender
    text: str
    room_name: str = ""


@dataclass(frozen=True)
class JoinEvent:
    room: RoomRef
    sender: Sender


@dataclass(frozen=True)
class LeaveEvent:
    room: RoomRef
    sender: Sender


Event = MessageEvent | JoinEvent | LeaveEvent
