"""The minutes as a document, and how they read: in the chat, as Markdown and as HTML.

`MinutesDoc` is what is stored (as JSON) once a meeting ends: names and texts as they were
then, in the partnership's language. Every rendering starts from the same Reply, so the
chat, the Markdown file and the HTML file say the same; user text is escaped in each.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from html import escape as html_escape

from babel.dates import format_date

from bot.core.reply import (
    Attachment,
    Block,
    Bold,
    BulletList,
    Code,
    Command,
    Link,
    Mention,
    Paragraph,
    Reply,
    Span,
    Text,
)
from bot.core.timefmt import fmt_datetime, local
from bot.i18n import Catalog

_LOCALES = {"de": "de_DE", "en": "en_GB"}


@dataclass
class ActionDoc:
    number: int
    owner: str
    text: str
    due: str = ""
    """ISO date, or empty."""


@dataclass
class TopicDoc:
    title: str
    infos: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    actions: list[ActionDoc] = field(default_factory=list)


@dataclass
class MinutesDoc:
    lang: str
    partnership: str
    starts_at: str
    """ISO datetime (UTC) of the meeting."""
    timezone: str
    place: str
    host: str
    taker: str
    present: list[str] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
    """Members that said they would not come (and did not)."""
    topics: list[TopicDoc] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    text: str = ""
    """Minutes written elsewhere and attached with /minutes add."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @staticmethod
    def from_json(raw: str) -> MinutesDoc:
        data = json.loads(raw)
        topics = [
            TopicDoc(
                t["title"],
                list(t["infos"]),
                list(t["decisions"]),
                [ActionDoc(**a) for a in t["actions"]],
            )
            for t in data.pop("topics")
        ]
        return MinutesDoc(**data, topics=topics)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.starts_at)

    def actions(self) -> list[ActionDoc]:
        return [a for t in self.topics for a in t.actions]

    def decisions(self) -> list[str]:
        return [d for t in self.topics for d in t.decisions]


def day_text(day: date, lang: str) -> str:
    return str(format_date(day, format="medium", locale=_LOCALES.get(lang, "de_DE")))


def action_spans(catalog: Catalog, lang: str, action: ActionDoc, owner: bool = True) -> Span:
    key = "minutes.action_line" if owner else "minutes.action_line_no_owner"
    line = catalog.text(lang, key, number=action.number, owner=action.owner, text=action.text)
    if action.due:
        line += catalog.text(
            lang, "minutes.due", date=day_text(date.fromisoformat(action.due), lang)
        )
    return Text(line)


def taker_of(catalog: Catalog, doc: MinutesDoc) -> str:
    """Who wrote the minutes, in the words announcements use: a person, else the host."""
    return doc.taker or catalog.text(doc.lang, "meeting.taker_host", host=doc.host or "-")


def minutes_reply(catalog: Catalog, doc: MinutesDoc) -> Reply:
    """The whole minutes: head, topics with information, decisions and action items, action
    items by owner, then what was carried over."""
    lang = doc.lang

    def t(key: str, **params: object) -> Paragraph:
        return catalog.para(lang, key, **params)

    blocks: list[Block] = [
        Paragraph((Bold(catalog.text(lang, "minutes.title", name=doc.partnership)),)),
        t("minutes.date", when=fmt_datetime(doc.when, lang, doc.timezone)),
        t("minutes.place", place=doc.place or "-"),
        t("minutes.host", host=doc.host or "-"),
        t("minutes.taker", person=taker_of(catalog, doc)),
    ]
    if doc.text:
        blocks.append(Paragraph((Bold(catalog.text(lang, "minutes.written")),)))
        blocks.extend(Paragraph((Text(line),)) for line in doc.text.splitlines() if line.strip())
        return Reply.of(*blocks)
    present = ", ".join(doc.present) or catalog.text(lang, "minutes.nobody")
    blocks.append(t("minutes.present", names=present))
    if doc.excused:
        blocks.append(t("minutes.excused", names=", ".join(doc.excused)))
    for number, topic in enumerate(doc.topics, start=1):
        title = topic.title or catalog.text(lang, "minutes.general")
        blocks.append(
            Paragraph((Bold(catalog.text(lang, "minutes.topic", n=number, title=title)),))
        )
        for key, lines in (("minutes.infos", topic.infos), ("minutes.decisions", topic.decisions)):
            if lines:
                blocks.append(t(key))
                blocks.append(BulletList(tuple((Text(line),) for line in lines)))
        if topic.actions:
            blocks.append(t("minutes.actions"))
            blocks.append(
                BulletList(tuple((action_spans(catalog, lang, a),) for a in topic.actions))
            )
    if not doc.topics:
        blocks.append(t("minutes.no_topics"))
    actions = doc.actions()
    if actions:
        blocks.append(Paragraph((Bold(catalog.text(lang, "minutes.by_owner")),)))
        owners: dict[str, list[ActionDoc]] = {}
        for action in actions:
            owners.setdefault(action.owner, []).append(action)
        for owner in sorted(owners, key=str.casefold):
            blocks.append(Paragraph((Text(owner + ":"),)))
            blocks.append(
                BulletList(
                    tuple((action_spans(catalog, lang, a, owner=False),) for a in owners[owner])
                )
            )
    if doc.carried:
        blocks.append(Paragraph((Bold(catalog.text(lang, "minutes.carried")),)))
        blocks.append(BulletList(tuple((Text(line),) for line in doc.carried)))
    return Reply.of(*blocks)


_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~@&!])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([#=+\-])|(\d+)([.)]))", re.M)


def escape_markdown(text: str) -> str:
    """User text that reads literally in any Markdown renderer: no emphasis, links, HTML,
    mentions or headings; CommonMark lets any ASCII punctuation be escaped by a backslash."""
    escaped = _MD_ANYWHERE.sub(r"\\\1", text)
    return _MD_LINE_START.sub(
        lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), escaped
    )


def _md_span(span: Span) -> str:
    if isinstance(span, Bold):
        return f"**{escape_markdown(span.text)}**"
    if isinstance(span, Code):
        fence = "`" * (max((len(r) for r in re.findall("`+", span.text)), default=0) + 1)
        return f"{fence} {span.text} {fence}"
    if isinstance(span, Link):
        url = span.url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{escape_markdown(span.text)}]({url})"
    if isinstance(span, Mention):
        return escape_markdown(span.name)
    if isinstance(span, Command):  # a file is read anywhere: the prefix every platform takes
        return escape_markdown("/" + span.text)
    return escape_markdown(span.text)


def _heading(block: Block) -> str | None:
    if isinstance(block, Paragraph) and len(block.spans) == 1 and isinstance(block.spans[0], Bold):
        return block.spans[0].text
    return None


def render_markdown(reply: Reply) -> str:
    """The first bold line becomes the title, the other bold lines headings."""
    parts: list[str] = []
    for index, block in enumerate(reply.blocks):
        heading = _heading(block)
        if heading is not None:
            parts.append(("# " if index == 0 else "## ") + escape_markdown(heading))
        elif isinstance(block, BulletList):
            parts.append(
                "\n".join(
                    ("1. " if block.ordered else "- ") + "".join(_md_span(s) for s in item)
                    for item in block.items
                )
            )
        else:
            parts.append("".join(_md_span(s) for s in block.spans))
    return "\n\n".join(parts) + "\n"


def _html_span(span: Span) -> str:
    if isinstance(span, Bold):
        return f"<strong>{html_escape(span.text)}</strong>"
    if isinstance(span, Code):
        return f"<code>{html_escape(span.text)}</code>"
    if isinstance(span, Link):
        return f'<a href="{html_escape(span.url)}">{html_escape(span.text)}</a>'
    if isinstance(span, Mention):
        return html_escape(span.name)
    if isinstance(span, Command):
        return html_escape("/" + span.text)
    return html_escape(span.text)


def render_html_page(reply: Reply, lang: str) -> str:
    """A complete HTML page, to be opened in a browser or filed."""
    body: list[str] = []
    title = ""
    for index, block in enumerate(reply.blocks):
        heading = _heading(block)
        if heading is not None:
            tag = "h1" if index == 0 else "h2"
            title = title or heading
            body.append(f"<{tag}>{html_escape(heading)}</{tag}>")
        elif isinstance(block, BulletList):
            tag = "ol" if block.ordered else "ul"
            items = "".join(
                "<li>" + "".join(_html_span(s) for s in item) + "</li>" for item in block.items
            )
            body.append(f"<{tag}>{items}</{tag}>")
        else:
            body.append("<p>" + "".join(_html_span(s) for s in block.spans) + "</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{html_escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html_escape(title)}</title>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def minutes_files(catalog: Catalog, doc: MinutesDoc) -> tuple[Attachment, Attachment]:
    """The whole minutes as a Markdown and an HTML file."""
    reply = minutes_reply(catalog, doc)
    day = local(doc.when, doc.timezone).strftime("%Y-%m-%d")
    stem = catalog.text(doc.lang, "minutes.filename", date=day)
    return (
        Attachment(stem + ".md", "text/markdown", render_markdown(reply).encode("utf-8")),
        Attachment(stem + ".html", "text/html", render_html_page(reply, doc.lang).encode("utf-8")),
    )
