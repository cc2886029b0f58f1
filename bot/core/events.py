"""What the adapters hand to the core: one neutral event per platform happening.

Text from a platform is cleaned here, the one place every adapter's events pass: control
characters and lone surrogates never reach a use case or the database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.text import drop_controls


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
    admin_unknown: bool = False
    """The platform could not say whether they administer the room (its API failed): a
    refusal then says so, instead of "only administrators may"."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "display_name", drop_controls(self.display_name))


@dataclass(frozen=True)
class MessageEvent:
    room: RoomRef
    sender: Sender
    text: str
    room_name: str = ""
    event_id: str = ""
    """The platform's id of the event ("" where there is none, as in the console)."""
    maybe_replayed: bool = False
    """The adapter may have handed this event to the app before a crash (it came before the
    saved position): the app checks whether it was handled already."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", drop_controls(self.text))
        object.__setattr__(self, "room_name", drop_controls(self.room_name))


@dataclass(frozen=True)
class JoinEvent:
    room: RoomRef
    sender: Sender
    event_id: str = ""
    maybe_replayed: bool = False


@dataclass(frozen=True)
class LeaveEvent:
    room: RoomRef
    sender: Sender
    event_id: str = ""
    maybe_replayed: bool = False


@dataclass(frozen=True)
class PollVote:
    """A person's answer to one of the bot's polls, as the platform reported it.

    The latest vote of a person counts (MSC3381's rule); `answer_keys` empty means the
    vote was withdrawn. The adapter maps the platform's poll to the bot's `poll_key`."""

    room: RoomRef
    sender: Sender
    poll_key: str
    answer_keys: tuple[str, ...]
    event_id: str = ""
    maybe_replayed: bool = False


Event = MessageEvent | JoinEvent | LeaveEvent | PollVote
