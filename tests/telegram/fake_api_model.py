"""The fake Telegram Bot API's data: its constants, errors, recorded calls, chats and people,
and Telegram's HTML parse mode."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

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
_HTML_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip


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
