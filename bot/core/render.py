"""Turn a Reply into plain text or escaped HTML; the adapters pick what their platform takes."""

from __future__ import annotations

from html import escape

from bot.core.reply import (
    Block,
    Bold,
    BulletList,
    Code,
    Command,
    Link,
    Mention,
    Reply,
    Span,
    Text,
)

PREFIX = "/"
"""The command prefix where a platform does not say otherwise (Telegram, the console,
files); Matrix renders with "!". See `Command`."""


def plain_span(span: Span, prefix: str = PREFIX) -> str:
    if isinstance(span, Link):
        return span.text if span.text == span.url else f"{span.text} ({span.url})"
    if isinstance(span, Mention):
        return span.name
    if isinstance(span, Command):
        return prefix + span.text
    return span.text


def plain_spans(spans: tuple[Span, ...], prefix: str = PREFIX) -> str:
    return "".join(plain_span(s, prefix) for s in spans)


def _plain_block(block: Block, prefix: str) -> str:
    if isinstance(block, BulletList):
        return "\n".join(
            m + plain_spans(i, prefix) for m, i in zip(block.markers(), block.items, strict=True)
        )
    return plain_spans(block.spans, prefix)


def render_plain(reply: Reply, prefix: str = PREFIX) -> str:
    """Plain text; commands with the platform's `prefix`."""
    return "\n".join(_plain_block(b, prefix) for b in reply.blocks)


def html_span(span: Span, mention_html: dict[str, str] | None = None, prefix: str = PREFIX) -> str:
    """One span as HTML; every user-supplied text is escaped here and nowhere else."""
    if isinstance(span, Command):
        text = escape(prefix + span.text, quote=False)
        tag = {"bold": "b", "code": "code"}.get(span.style)
        return f"<{tag}>{text}</{tag}>" if tag else text
    if isinstance(span, Text):
        return escape(span.text, quote=False)
    if isinstance(span, Bold):
        return f"<b>{escape(span.text, quote=False)}</b>"
    if isinstance(span, Code):
        return f"<code>{escape(span.text, quote=False)}</code>"
    if isinstance(span, Link):
        return f'<a href="{escape(span.url, quote=True)}">{escape(span.text, quote=False)}</a>'
    key = f"{span.identity.platform}:{span.identity.user_id}"
    if mention_html and key in mention_html:
        return mention_html[key]
    return escape(span.name, quote=False)


def render_html(
    reply: Reply,
    line_break: str = "\n",
    mention_html: dict[str, str] | None = None,
    prefix: str = PREFIX,
) -> str:
    """HTML for Matrix (line_break="<br>") or Telegram's parse mode (line_break="\\n")."""
    lines: list[str] = []
    for block in reply.blocks:
        if isinstance(block, BulletList):
            lines.extend(
                escape(marker) + "".join(html_span(s, mention_html, prefix) for s in item)
                for marker, item in zip(block.markers(), block.items, strict=True)
            )
        else:
            lines.append("".join(html_span(s, mention_html, prefix) for s in block.spans))
    return line_break.join(lines)
