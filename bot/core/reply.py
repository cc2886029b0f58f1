"""A small rich-text model for everything the bot says.

Handlers build replies from spans; each adapter renders them safely for its platform. User
text only ever lands inside a span's text, so no platform can read it as markup.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from bot.core.events import Identity


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Mention:
    identity: Identity
    name: str


Span = Text | Bold | Code | Link | Mention


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]

    @staticmethod
    def of(*parts: Span | str) -> Paragraph:
        return Paragraph(tuple(Text(p) if isinstance(p, str) else p for p in parts))

    def __add__(self, other: Paragraph) -> Paragraph:
        return Paragraph((*self.spans, Text(" "), *other.spans))


@dataclass(frozen=True)
class BulletList:
    items: tuple[tuple[Span, ...], ...]
    ordered: bool = False

    def markers(self) -> list[str]:
        if self.ordered:
            return [f"{n}. " for n in range(1, len(self.items) + 1)]
        return ["• "] * len(self.items)


Block = Paragraph | BulletList


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Button:
    """A choice a platform may show as a button; pressing it sends `command` as the presser.

    Platforms without buttons show nothing extra: the text must say what to type."""

    label: str
    command: str


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    attachments: tuple[Attachment, ...] = field(default=())
    buttons: tuple[Button, ...] = field(default=())

    @staticmethod
    def of(
        *blocks: Block | None,
        attachments: tuple[Attachment, ...] = (),
        buttons: tuple[Button, ...] = (),
    ) -> Reply:
        return Reply(tuple(b for b in blocks if b is not None), attachments, buttons)

    @property
    def mentions(self) -> tuple[Identity, ...]:
        found: list[Identity] = []
        for block in self.blocks:
            lines = block.items if isinstance(block, BulletList) else (block.spans,)
            for spans in lines:
                for span in spans:
                    if isinstance(span, Mention) and span.identity not in found:
                        found.append(span.identity)
        return tuple(found)

    def to_json(self) -> str:
        return json.dumps(
            {
                "blocks": [_block_to_dict(b) for b in self.blocks],
                "attachments": [
                    {
                        "filename": a.filename,
                        "mimetype": a.mimetype,
                        "data": base64.b64encode(a.data).decode("ascii"),
                    }
                    for a in self.attachments
                ],
                "buttons": [[b.label, b.command] for b in self.buttons],
            },
            ensure_ascii=False,
        )

    @staticmethod
    def from_json(raw: str) -> Reply:
        data = json.loads(raw)
        return Reply(
            tuple(_block_from_dict(b) for b in data["blocks"]),
            tuple(
                Attachment(a["filename"], a["mimetype"], base64.b64decode(a["data"]))
                for a in data["attachments"]
            ),
            tuple(Button(label, command) for label, command in data.get("buttons", [])),
        )


def _span_to_dict(span: Span) -> dict[str, Any]:
    if isinstance(span, Mention):
        return {
            "t": "mention",
            "platform": span.identity.platform,
            "user": span.identity.user_id,
            "name": span.name,
        }
    if isinstance(span, Link):
        return {"t": "link", "text": span.text, "url": span.url}
    return {"t": type(span).__name__.lower(), "text": span.text}


def _span_from_dict(data: dict[str, Any]) -> Span:
    kind = data["t"]
    if kind == "mention":
        return Mention(Identity(data["platform"], data["user"]), data["name"])
    if kind == "link":
        return Link(data["text"], data["url"])
    simple: dict[str, type[Text] | type[Bold] | type[Code]] = {
        "text": Text,
        "bold": Bold,
        "code": Code,
    }
    return simple[kind](data["text"])


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, BulletList):
        return {
            "list": [[_span_to_dict(s) for s in item] for item in block.items],
            "ordered": block.ordered,
        }
    return {"p": [_span_to_dict(s) for s in block.spans]}


def _block_from_dict(data: dict[str, Any]) -> Block:
    if "list" in data:
        items = tuple(tuple(_span_from_dict(s) for s in item) for item in data["list"])
        return BulletList(items, bool(data.get("ordered")))
    return Paragraph(tuple(_span_from_dict(s) for s in data["p"]))
