"""A small rich-text model for everything the bot says.

Handlers build replies from spans; each adapter renders them safely for its platform. User
text only ever lands inside a span's text, so no platform can read it as markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Command:
    """A command the bot suggests, without its prefix: `Command("hilfe mitglied")`.

    The prefix belongs to the room's platform and each adapter writes it when rendering:
    `/` in Telegram (in privacy mode a bot receives nothing else) and the console, `!` in
    Matrix (Element takes a leading `/` for its own commands). Catalog templates write
    `/befehl`; `Catalog.para` turns that into this span. `style` is how it looks: "plain",
    "bold" or "code"."""

    text: str
    style: str = "plain"


Span = Text | Bold | Code | Link | Mention | Command


def command_or_code(text: str, style: str = "code") -> Span:
    """A bot-written command line ("/link K7M2Q9XA") as a Command, so the platform gives
    it its prefix; anything else as a Code span."""
    if text.startswith("/") and text[1:2].isalpha():
        return Command(text[1:], style)
    return Code(text)


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
    start: int = 1
    """The number of the first item (a long list split into messages keeps counting)."""

    def markers(self) -> list[str]:
        if self.ordered:
            return [f"{n}. " for n in range(self.start, self.start + len(self.items))]
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
class PollAnswer:
    key: str
    """Stable within its poll ("1", "2", ...): votes name it."""
    text: str


@dataclass(frozen=True)
class Poll:
    """A native poll: an MSC3381 poll in Matrix, `sendPoll` in Telegram, numbered answers in
    the console. The Reply's blocks are its text fallback.

    `key` is the bot's own id of the poll ("datepoll:12"); it is the same in every room and
    on every platform, and every vote comes back naming it (`PollVote.poll_key`). A Reply
    with `closed` set ends the poll of that key in the room (`m.poll.end`, `stopPoll`)
    and shows the blocks as the result."""

    key: str
    question: str
    answers: tuple[PollAnswer, ...]
    multiple: bool = True
    closed: bool = False


@dataclass(frozen=True)
class Reply:
    blocks: tuple[Block, ...]
    attachments: tuple[Attachment, ...] = field(default=())
    buttons: tuple[Button, ...] = field(default=())
    poll: Poll | None = None

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
