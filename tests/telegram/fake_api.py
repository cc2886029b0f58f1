"""A small fake Telegram Bot API server: the real JSON wire format over real HTTP.

python-telegram-bot talks to it unmodified (via `base_url`). It emulates the methods the bot
uses, records every call, refuses anything else with an error (so gaps show), validates HTML
like Telegram (unknown tags, stray `<`/`&`, 4,096 characters), does real long polling of
`getUpdates`, and can be told to fail with 429 (retry_after) or 403.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "PartnerTestBot"
ANONYMOUS_ADMIN = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
START_DATE = 1_795_000_000

_STRING_FIELDS = {
    "text",
    "caption",
    "parse_mode",
    "url",
    "secret_token",
    "language_code",
    "chat_id",
    "description",
    "callback_query_id",
    "data",
}
_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_MEMBER_FLAGS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members", "can_change_info",
    "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
)  # fmt: skip


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    ok: bool = True
    result: Any = None


@dataclass
class Failure:
    method: str
    code: int
    description: str
    retry_after: int | None = None
    chat_id: int | None = None


@dataclass
class Hold:
    """A call the fake receives but never answers (the bot is killed meanwhile)."""

    method: str
    when: Callable[[dict[str, Any]], bool]
    arrived: asyncio.Future[Call]


@dataclass
class Chat:
    id: int
    type: str
    title: str
    members: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)
    """user id -> (user, status: creator/administrator/member/left/kicked)."""
    migrated_to: int | None = None
    """Set once a group became a supergroup: the new chat id."""

    def as_json(self) -> dict[str, Any]:
        if self.type == "private":
            return {"id": self.id, "type": "private", "first_name": self.title}
        return {"id": self.id, "type": self.type, "title": self.title}


def user(
    user_id: int, first_name: str, last_name: str | None = None, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        data["last_name"] = last_name
    data.update(extra)
    return data


def parse_html(text: str) -> str:
    """Telegram's HTML parse mode: the visible text, or ApiError 400 like the real server."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            end = text.find(">", pos)
            if end < 0:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Unclosed start tag at byte offset {pos}",
                )
            tag = text[pos + 1 : end]
            if tag.startswith("/"):
                name = tag[1:].strip().lower()
                if not stack or stack[-1] != name:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unmatched end tag at byte offset {pos}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"',
                    )
                stack.pop()
            else:
                name = re.split(r"\s", tag.strip(), maxsplit=1)[0].lower()
                if name not in _HTML_TAGS:
                    raise ApiError(
                        400,
                        f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte offset {pos}',
                    )
                if name == "a" and not re.fullmatch(r'a\s+href="[^"<>]*"', tag.strip()):
                    raise ApiError(
                        400, f"Bad Request: can't parse entities: bad link at byte offset {pos}"
                    )
                stack.append(name)
            pos = end + 1
        elif char == "&":
            match = re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", text[pos:])
            if not match:
                raise ApiError(
                    400,
                    f"Bad Request: can't parse entities: Character entity expected at byte offset {pos}",
                )
            out.append(unescape(match.group(0)))
            pos += len(match.group(0))
        elif char == ">":
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unexpected > at byte offset {pos}"
            )
        else:
            out.append(char)
            pos += 1
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"",
        )
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class FakeBotAPI:
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
        self.menus: dict[tuple[str, int | None, str], list[dict[str, str]]] = {}
        self.failures: list[Failure] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        """Every message in every chat, by (chat id, message id), as Telegram would send it."""
        self.queries: dict[str, bool] = {}
        """Callback query id -> answered yet."""
        self.changed = asyncio.Condition()
        self.holds: list[Hold] = []
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._closing = False

    # -- server -----------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def close(self) -> None:
        await self.release_pollers()
        self._released.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def release_pollers(self) -> None:
        """Let every waiting getUpdates return now (before the bot stops polling)."""
        self._closing = True
        async with self.changed:
            self.changed.notify_all()

    async def _file(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _endpoint(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params, files = await self._params(request)
        call = Call(method, params, files)
        self.calls.append(call)
        await self._notify()
        hold = next((h for h in self.holds if h.method == method and h.when(params)), None)
        if hold is not None:
            self.holds.remove(hold)
            call.ok = False
            hold.arrived.set_result(call)
            await self._released.wait()
            return web.json_response({"ok": False, "error_code": 500}, status=500)
        try:
            self._injected_failure(method, params)
            handler = getattr(self, "api_" + method, None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
        except ApiError as error:
            call.ok = False
            call.result = error.description
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                body["parameters"] = error.parameters
            await self._notify()
            return web.json_response(body, status=error.code)
        call.result = result
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    async def _params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        files: dict[str, tuple[str, bytes]] = {}
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = dict(await request.json())
            return params, files
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:  # type: ignore[union-attr]
                    files[part.name or ""] = (part.filename, bytes(await part.read()))  # type: ignore[union-attr]
                else:
                    params[part.name or ""] = await part.text()  # type: ignore[union-attr]
        else:
            form = await request.post()
            params = {k: v for k, v in form.items() if isinstance(v, str)}
        return {k: self._decode(k, v) for k, v in params.items()}, files

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if not isinstance(value, str) or key in _STRING_FIELDS:
            if key == "chat_id" and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                return int(value)
            return value
        try:
            return json.loads(value)
        except ValueError:
            return value

    def _injected_failure(self, method: str, params: dict[str, Any]) -> None:
        for failure in self.failures:
            if failure.method == method and failure.chat_id in (None, params.get("chat_id")):
                self.failures.remove(failure)
                parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.code, failure.description, parameters)

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

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
        return [c for c in self.calls if c.method == method and c.ok]

    def unknown_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.ok and c.result == "Not Found: method not found"]

    def sent(self, chat_id: int | None = None, since: int = 0) -> list[str]:
        """Texts of the messages the bot sent (as the reader sees them), oldest first."""
        return [
            c.result["text"]
            for c in self.calls[since:]
            if c.method == "sendMessage"
            and c.ok
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

    # -- the Bot API ----------------------------------------------------------------------

    def api_getMe(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return {
            **self.me,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def api_deleteWebhook(self, params: dict[str, Any], files: Any) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    def api_setWebhook(self, params: dict[str, Any], files: Any) -> bool:
        if not str(params.get("url", "")).startswith("https://"):
            raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
        self.webhook = params
        self.allowed_updates = params.get("allowed_updates")
        return True

    async def api_getUpdates(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if "allowed_updates" in params:
            self.allowed_updates = params["allowed_updates"] or None
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

        def ready() -> list[dict[str, Any]]:
            allowed = self.allowed_updates or [
                "message",
                "edited_message",
                "callback_query",
                "my_chat_member",
            ]
            self.updates = [
                u for u in self.updates if any(k in allowed for k in u if k != "update_id")
            ]
            return self.updates[:limit]

        found = ready()
        if found or timeout <= 0 or self._closing:
            return found
        async with self.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.changed.wait_for(lambda: bool(ready()) or self._closing), timeout
                )
        return ready()

    def _chat_for_bot(self, chat_id: Any) -> Chat:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        status = chat.members.get(BOT_ID, ({}, "left"))[1]
        if status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _text(self, params: dict[str, Any]) -> str:
        raw = str(params.get("text", ""))
        text = parse_html(raw) if params.get("parse_mode") == "HTML" else raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _reply_fields(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any]:
        """`reply_to_message` (one level deep, like Telegram) and a checked `reply_markup`."""
        fields: dict[str, Any] = {}
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.messages.get((chat.id, int(reply["message_id"])))
            if target is not None:
                fields["reply_to_message"] = {
                    k: v for k, v in target.items() if k != "reply_to_message"
                }
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if markup is not None:
            fields["reply_markup"] = self._inline_keyboard(markup)
        return fields

    @staticmethod
    def _inline_keyboard(markup: Any) -> dict[str, Any]:
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button")
        for button in (b for row in rows for b in row):
            if not str(button.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return {"inline_keyboard": rows}

    def api_sendMessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        text = self._text(params)
        return self._message(chat, self.me, text=text, **self._reply_fields(chat, params))

    def api_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        message = self.messages.get((chat.id, int(params.get("message_id") or 0)))
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        new = self._inline_keyboard(markup) if markup else None
        if new == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of "
                "the message",
            )
        if new is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new
        message["edit_date"] = self._date()
        return message

    def api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self.queries.get(query_id, True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.queries[query_id] = True
        return True

    def api_editMessageText(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        text = self._text(params)
        message_id = int(params.get("message_id") or 0)
        if not any(
            c.ok
            and c.method == "sendMessage"
            and isinstance(c.result, dict)
            and c.result["message_id"] == message_id
            for c in self.calls
        ):
            raise ApiError(400, "Bad Request: message to edit not found")
        return {
            "message_id": message_id,
            "date": self._date(),
            "edit_date": self._date(),
            "chat": chat.as_json(),
            "from": self.me,
            "text": text,
        }

    def api_sendDocument(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        if "document" not in files:
            raise ApiError(400, "Bad Request: there is no document in the request")
        name, data = files["document"]
        document = {
            "file_id": f"doc{len(self.calls)}",
            "file_unique_id": f"u{len(self.calls)}",
            "file_name": name,
            "file_size": len(data),
        }
        return self._message(chat, self.me, document=document, **self._reply_fields(chat, params))

    def api_getChatMember(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        if user_id not in chat.members:
            raise ApiError(400, "Bad Request: user not found")
        person, status = chat.members[user_id]
        return self._member_json(person, status)

    def api_getChatAdministrators(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        chat = self._chat_for_bot(params.get("chat_id"))
        return [
            self._member_json(p, s)
            for p, s in chat.members.values()
            if s in ("creator", "administrator")
        ]

    def api_setMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        key = (str(scope["type"]), scope.get("chat_id"), str(params.get("language_code") or ""))
        self.menus[key] = commands
        return True
