"""Turn a Reply into plain text or escaped HTML; the adapters pick what their platform takes."""

from __future__ import annotations

from html import escape

from bot.core.reply import Block, Bold, BulletList, Code, Link, Mention, Reply, Span, Text


def plain_span(span: Span) -> str:
    if isinstance(span, Link):
        return span.text if span.text == span.url else f"{span.text} ({span.url})"
    if isinstance(span, Mention):
        return span.name
    return span.text


def plain_spans(spans: tuple[Span, ...]) -> str:
    return "".join(plain_span(s) for s in spans)


def _plain_block(block: Block) -> str:
    if isinstance(block, BulletList):
        return "\n".join(
            m + plain_spans(i) for m, i in zip(block.markers(), block.items, strict=True)
        )
    return plain_spans(block.spans)


def render_plain(reply: Reply) -> str:
    return "\n".join(_plain_block(b) for b in reply.blocks)


def html_span(span: Span, mention_html: dict[str, str] | None = None) -> str:
    """One span as HTML; every user-supplied text is escaped here and nowhere else."""
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
    reply: Reply, line_break: str = "\n", mention_html: dict[str, str] | None = None
) -> str:
    """HTML for Matrix (line_break="<br>") or Telegram's parse mode (line_break="\\n")."""
    lines: list[str] = []
    for block in reply.blocks:
        if isinstance(block, BulletList):
            lines.extend(
                escape(marker) + "".join(html_span(s, mention_html) for s in item)
                for marker, item in zip(block.markers(), block.items, strict=True)
            )
        else:
            lines.append("".join(html_span(s, mention_html) for s in block.spans))
    return line_break.join(lines)
