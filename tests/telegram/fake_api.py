"""A small fake Telegram Bot API server: the real JSON wire format over real HTTP.

python-telegram-bot talks to it unmodified (via `base_url`). It emulates the methods the bot
uses, records every call, refuses anything else with an error (so gaps show), validates HTML
like Telegram (unknown tags, stray `<`/`&`, 4,096 characters), does real long polling of
`getUpdates`, and can be told to fail with 429 (retry_after) or 403.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.telegram.fake_api_limits import RateLimits
from tests.telegram.fake_api_methods import SendingMethods
from tests.telegram.fake_api_model import (
    ANONYMOUS_ADMIN,
    BOT_ID,
    BOT_USERNAME,
    START_DATE,
    TOKEN,
    ApiError,
    Call,
    Chat,
    Failure,
    Hold,
    parse_html,
    user,
    utf16_len,
)
from tests.telegram.fake_api_polls import PollMethods
from tests.telegram.fake_api_server import ServerPlumbing

__all__ = [
    "ANONYMOUS_ADMIN",
    "BOT_ID",
    "BOT_USERNAME",
    "START_DATE",
    "TOKEN",
    "ApiError",
    "Call",
    "Chat",
    "Failure",
    "FakeBotAPI",
    "Hold",
    "parse_html",
    "user",
    "utf16_len",
]

_MEMBER_FLAGS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


class FakeBotAPI(ServerPlumbing, SendingMethods, PollMethods):
    def __init__(self) -> None:
        self.token = TOKEN
        self.me = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Partnerbot",
            "username": BOT_USERNAME,
        }
        self.calls: list[Call] = []
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict[str, Any]] = []
        self.next_update_id = 1
        self.next_message_id = 1
        self.date = START_DATE
        self.allowed_updates: list[str] | None = None
        self.webhook: dict[str, Any] | None = None
        self.local = False
        """Like `telegram-bot-api --local`: webhooks may be plain http."""
        self.menus: dict[tuple[str, int | None, str], list[dict[str, str]]] = {}
        self.failures: list[Failure] = []
        self.limits: RateLimits | None = None
        """Telegram's flood limits, when a test sets them (`fake_api_limits`)."""
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        """Every message in every chat, by (chat id, message id), as Telegram would send it."""
        self.queries: dict[str, bool] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self.votes: dict[tuple[str, int], list[int]] = {}
        """Callback query id -> answered yet."""
        self.changed = asyncio.Condition()
        self.holds: list[Hold] = []
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._closing = False

    # -- test controls ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        code: int,
        description: str,
        *,
        retry_after: int | None = None,
        chat_id: int | None = None,
    ) -> None:
        self.failures.append(Failure(method, code, description, retry_after, chat_id))

    def flood(self, chat_id: int, retry_after: int, method: str = "sendMessage") -> None:
        self.fail_next(
            method,
            429,
            f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
            chat_id=chat_id,
        )

    def hold(
        self, method: str, when: Callable[[dict[str, Any]], bool] = lambda _: True
    ) -> asyncio.Future[Call]:
        """The next call of `method` whose parameters pass `when` is neither carried out nor
        answered; the future tells when it came (a moment to kill the bot at)."""
        arrived: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self.holds.append(Hold(method, when, arrived))
        return arrived

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Until `predicate` holds after some call (at most ten seconds)."""
        async with asyncio.timeout(10), self.changed:
            await self.changed.wait_for(predicate)

    def ok_calls(self, method: str) -> list[Call]:
        """Calls answered with success (not those still being answered)."""
        return [c for c in self.calls if c.method == method and c.ok and c.result is not None]

    def unknown_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.ok and c.result == "Not Found: method not found"]

    def sent(self, chat_id: int | None = None, since: int = 0) -> list[str]:
        """Texts of the messages the bot sent (as the reader sees them), oldest first; a call
        still being answered (recorded on arrival, its result not yet set) is not sent yet."""
        return [
            c.result["text"]
            for c in self.calls[since:]
            if c.method == "sendMessage"
            and c.ok
            and c.result is not None
            and (chat_id is None or c.params["chat_id"] == chat_id)
        ]

    # -- the world: chats, people, what they do ------------------------------------------

    def group(
        self,
        chat_id: int,
        title: str,
        creator: dict[str, Any],
        *,
        bot_admin: bool = True,
        kind: str = "supergroup",
    ) -> Chat:
        chat = Chat(chat_id, kind, title)
        chat.members[creator["id"]] = (creator, "creator")
        chat.members[BOT_ID] = (self.me, "administrator" if bot_admin else "member")
        self.chats[chat_id] = chat
        return chat

    def private(self, person: dict[str, Any]) -> Chat:
        chat = Chat(person["id"], "private", person["first_name"])
        chat.members[person["id"]] = (person, "member")
        chat.members[BOT_ID] = (self.me, "member")
        self.chats[chat.id] = chat
        return chat

    def set_status(self, chat_id: int, person: dict[str, Any], status: str) -> None:
        self.chats[chat_id].members[person["id"]] = (person, status)

    def _date(self) -> int:
        self.date += 1
        return self.date

    async def push(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        await self._notify()
        return update_id

    def _message(self, chat: Chat, sender: dict[str, Any], **fields: Any) -> dict[str, Any]:
        message_id = self.next_message_id
        self.next_message_id += 1
        message = {
            "message_id": message_id,
            "date": self._date(),
            "chat": chat.as_json(),
            "from": sender,
            **fields,
        }
        self.messages[(chat.id, message_id)] = message
        return message

    async def say(self, chat_id: int, sender: dict[str, Any], text: str) -> int:
        """A person writes in a chat; a leading /command gets its bot_command entity."""
        chat = self.chats[chat_id]
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            word = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]
        return await self.push("message", self._message(chat, sender, **fields))

    async def say_anonymously(self, chat_id: int, text: str) -> int:
        """An anonymous administrator posts as the group itself."""
        chat = self.chats[chat_id]
        fields: dict[str, Any] = {"text": text, "sender_chat": chat.as_json()}
        if text.startswith("/"):
            fields["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(text.split()[0])}
            ]
        return await self.push("message", self._message(chat, ANONYMOUS_ADMIN, **fields))

    async def press(self, chat_id: int, person: dict[str, Any], message_id: int, label: str) -> int:
        """A person presses the button labelled `label` under one of the bot's messages."""
        message = self.messages[(chat_id, message_id)]
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        button = next((b for row in rows for b in row if b["text"] == label), None)
        if button is None:
            raise AssertionError(f"no button {label!r} under message {message_id}: {rows}")
        query_id = str(9_000_000_000 + len(self.queries))
        self.queries[query_id] = False
        return await self.push(
            "callback_query",
            {
                "id": query_id,
                "from": person,
                "message": message,
                "chat_instance": f"-{abs(chat_id)}77",
                "data": button["callback_data"],
            },
        )

    def keyboard(self, chat_id: int, message_id: int) -> list[str]:
        """The labels of the buttons under a message now."""
        message = self.messages[(chat_id, message_id)]
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        return [b["text"] for row in rows for b in row]

    def last_sent(self, chat_id: int) -> dict[str, Any]:
        """The bot's newest message in a chat, as Telegram keeps it (with its buttons)."""
        return next(
            m
            for (chat, _), m in reversed(self.messages.items())
            if chat == chat_id and m["from"]["id"] == BOT_ID
        )

    def _member_json(self, person: dict[str, Any], status: str) -> dict[str, Any]:
        data: dict[str, Any] = {"status": status, "user": person}
        if status == "creator":
            data["is_anonymous"] = False
        elif status == "administrator":
            data.update(dict.fromkeys(_MEMBER_FLAGS, False))
            data["can_manage_chat"] = True
        elif status == "kicked":
            data["until_date"] = 0
        return data

    def _bot_is_admin(self, chat: Chat) -> bool:
        return chat.members.get(BOT_ID, ({}, ""))[1] in ("administrator", "creator")

    async def _member_change(
        self, chat: Chat, person: dict[str, Any], new: str, actor: dict[str, Any] | None = None
    ) -> int | None:
        old = chat.members.get(person["id"], (person, "left"))[1]
        chat.members[person["id"]] = (person, new)
        if not self._bot_is_admin(chat):
            return None  # Telegram sends chat_member updates only to administrators
        return await self.push(
            "chat_member",
            {
                "chat": chat.as_json(),
                "from": actor or person,
                "date": self._date(),
                "old_chat_member": self._member_json(person, old),
                "new_chat_member": self._member_json(person, new),
            },
        )

    async def join(
        self,
        chat_id: int,
        person: dict[str, Any],
        *,
        service_message: bool = True,
        chat_member: bool = True,
    ) -> None:
        """Somebody joins: a `new_chat_members` message and/or a `chat_member` update."""
        chat = self.chats[chat_id]
        if chat_member:
            await self._member_change(chat, person, "member")
        else:
            chat.members[person["id"]] = (person, "member")
        if service_message:
            await self.push("message", self._message(chat, person, new_chat_members=[person]))

    async def leave(
        self,
        chat_id: int,
        person: dict[str, Any],
        *,
        service_message: bool = True,
        chat_member: bool = True,
    ) -> None:
        chat = self.chats[chat_id]
        if service_message:
            await self.push("message", self._message(chat, person, left_chat_member=person))
        if chat_member:
            await self._member_change(chat, person, "left")
        else:
            chat.members[person["id"]] = (person, "left")

    async def upgrade(self, chat_id: int, new_id: int, by: dict[str, Any]) -> Chat:
        """A basic group becomes a supergroup: same people, a new id; Telegram tells both."""
        old = self.chats[chat_id]
        new = Chat(new_id, "supergroup", old.title, dict(old.members))
        self.chats[new_id] = new
        old.migrated_to = new_id
        await self.push("message", self._message(old, by, migrate_to_chat_id=new_id))
        await self.push("message", self._message(new, by, migrate_from_chat_id=chat_id))
        return new

    async def promote(self, chat_id: int, person: dict[str, Any]) -> None:
        await self._member_change(self.chats[chat_id], person, "administrator")

    async def set_bot_status(self, chat_id: int, status: str, by: dict[str, Any]) -> None:
        """The bot is promoted, demoted or removed; Telegram tells it with `my_chat_member`."""
        chat = self.chats[chat_id]
        old = chat.members[BOT_ID][1]
        chat.members[BOT_ID] = (self.me, status)
        await self.push(
            "my_chat_member",
            {
                "chat": chat.as_json(),
                "from": by,
                "date": self._date(),
                "old_chat_member": self._member_json(self.me, old),
                "new_chat_member": self._member_json(self.me, status),
            },
        )

    async def remove_bot(self, chat_id: int, by: dict[str, Any]) -> None:
        """The bot is kicked out of a group; Telegram tells it with `my_chat_member`."""
        chat = self.chats[chat_id]
        old = chat.members[BOT_ID][1]
        chat.members[BOT_ID] = (self.me, "kicked")
        await self.push(
            "my_chat_member",
            {
                "chat": chat.as_json(),
                "from": by,
                "date": self._date(),
                "old_chat_member": self._member_json(self.me, old),
                "new_chat_member": self._member_json(self.me, "kicked"),
            },
        )
