"""Cut Telegram HTML into messages of at most 4,096 characters, never inside a tag or entity.

Telegram counts the limit in UTF-16 code units of the text after parsing; measuring the HTML
source is stricter and therefore safe. A tag open at a cut is closed at the end of one part
and opened again at the start of the next, so every part is valid on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

MAX_MESSAGE = 4096

_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|.", re.S)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Token:
    text: str
    size: int
    opens: str | None = None
    closes: str | None = None


def _tokens(html: str) -> list[_Token]:
    result: list[_Token] = []
    for match in _TOKEN.finditer(html):
        text = match.group(0)
        if text.startswith("<") and len(text) > 1:
            name_match = _TAG_NAME.match(text)
            name = name_match.group(1).lower() if name_match else ""
            if text.startswith("</"):
                result.append(_Token(text, utf16_len(text), closes=name))
            else:
                result.append(_Token(text, utf16_len(text), opens=name))
        else:
            result.append(_Token(text, utf16_len(text)))
    return result


def _closing(stack: list[_Token]) -> str:
    return "".join(f"</{t.opens}>" for t in reversed(stack))


def split_html(html: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Parts of at most `limit` units; cut at a line break, else a space, else anywhere."""
    if utf16_len(html) <= limit:
        return [html] if html.strip() else []
    tokens = _tokens(html)
    # the tags open before each token
    stacks: list[list[_Token]] = []
    stack: list[_Token] = []
    for token in tokens:
        stacks.append(list(stack))
        if token.opens:
            stack.append(token)
        elif token.closes and stack and stack[-1].opens == token.closes:
            stack.pop()
    stacks.append(list(stack))

    parts: list[str] = []
    start = 0
    while start < len(tokens):
        opening = "".join(t.text for t in stacks[start])
        used = utf16_len(opening)
        end = start
        best_line = best_space = -1
        while end < len(tokens):
            closing = utf16_len(_closing(stacks[end + 1]))
            if used + tokens[end].size + closing > limit and end > start:
                break
            used += tokens[end].size
            end += 1
            if tokens[end - 1].text == "\n":
                best_line = end - 1
            elif tokens[end - 1].text == " ":
                best_space = end - 1
        if end >= len(tokens):
            cut, resume = end, end
        elif best_line > start:
            cut, resume = best_line, best_line + 1
        elif best_space > start:
            cut, resume = best_space, best_space + 1
        else:
            cut, resume = end, end
        body = "".join(t.text for t in tokens[start:cut])
        part = opening + body + _closing(stacks[cut])
        if strip_tags(part).strip():
            parts.append(part)
        start = resume
    return parts


def strip_tags(html: str) -> str:
    """The text a reader sees, for a plain-text fallback."""
    return unescape(re.sub(r"<[^>]*>", "", html))
