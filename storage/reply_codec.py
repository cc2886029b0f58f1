"""How a Reply is stored (outbox rows, the replay record): JSON, attachments in base64.

Storage's job alone; the rest of the bot hands over and gets back typed Replies."""

from __future__ import annotations

import base64
import json
from typing import Any

from bot.core.events import Identity
from bot.core.reply import (
    Attachment,
    Block,
    Bold,
    BulletList,
    Button,
    Code,
    Command,
    Link,
    Mention,
    Paragraph,
    Poll,
    PollAnswer,
    Reply,
    Span,
    Text,
)


def reply_to_json(reply: Reply) -> str:
    return json.dumps(
        {
            "blocks": [_block_to_dict(b) for b in reply.blocks],
            "attachments": [
                {
                    "filename": a.filename,
                    "mimetype": a.mimetype,
                    "data": base64.b64encode(a.data).decode("ascii"),
                }
                for a in reply.attachments
            ],
            "buttons": [[b.label, b.command] for b in reply.buttons],
            **({"poll": _poll_to_dict(reply.poll)} if reply.poll is not None else {}),
        },
        ensure_ascii=False,
    )


def reply_from_json(raw: str) -> Reply:
    data = json.loads(raw)
    return Reply(
        tuple(_block_from_dict(b) for b in data["blocks"]),
        tuple(
            Attachment(a["filename"], a["mimetype"], base64.b64decode(a["data"]))
            for a in data["attachments"]
        ),
        tuple(Button(label, command) for label, command in data.get("buttons", [])),
        _poll_from_dict(data["poll"]) if "poll" in data else None,
    )


def _poll_to_dict(poll: Poll) -> dict[str, Any]:
    return {
        "key": poll.key,
        "question": poll.question,
        "answers": [[a.key, a.text] for a in poll.answers],
        "multiple": poll.multiple,
        "closed": poll.closed,
    }


def _poll_from_dict(data: dict[str, Any]) -> Poll:
    return Poll(
        data["key"],
        data["question"],
        tuple(PollAnswer(key, text) for key, text in data["answers"]),
        bool(data["multiple"]),
        bool(data["closed"]),
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
    if isinstance(span, Command):
        return {"t": "command", "text": span.text, "style": span.style}
    return {"t": type(span).__name__.lower(), "text": span.text}


def _span_from_dict(data: dict[str, Any]) -> Span:
    kind = data["t"]
    if kind == "mention":
        return Mention(Identity(data["platform"], data["user"]), data["name"])
    if kind == "link":
        return Link(data["text"], data["url"])
    if kind == "command":
        return Command(data["text"], data.get("style", "plain"))
    simple: dict[str, type[Text] | type[Bold] | type[Code]] = {
        "text": Text,
        "bold": Bold,
        "code": Code,
    }
    return simple[kind](data["text"])


def _block_to_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, BulletList):
        data: dict[str, Any] = {
            "list": [[_span_to_dict(s) for s in item] for item in block.items],
            "ordered": block.ordered,
        }
        if block.start != 1:
            data["start"] = block.start
        return data
    return {"p": [_span_to_dict(s) for s in block.spans]}


def _block_from_dict(data: dict[str, Any]) -> Block:
    if "list" in data:
        items = tuple(tuple(_span_from_dict(s) for s in item) for item in data["list"])
        return BulletList(items, bool(data.get("ordered")), int(data.get("start", 1)))
    return Paragraph(tuple(_span_from_dict(s) for s in data["p"]))
