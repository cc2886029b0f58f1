"""Message catalogs: every user-visible sentence, in German and English.

The catalogs are gettext .po files (one per command family, under `de/` and `en/`) read with
Babel, keyed by message id. A template may mark bold text with `**`; placeholders are
`{name}`. Values are inserted as plain text spans after the template is parsed, so user text
can never become markup. A command in a template is written `/befehl`: it becomes a
`Command` span, which each platform writes with its own prefix (`!befehl` in Matrix).
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from bot.core.render import plain_spans
from bot.core.reply import Bold, Command, Paragraph, Span, Text, command_or_code

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_HERE = Path(__file__).parent
_FORMATTER = string.Formatter()
_COMMAND = re.compile(r"(?<![\w/:.])/([^\W\d_][\w-]*)")
"""`/hilfe` in a template, not `Europe/Berlin`, `und/oder` or a URL."""


def _literal(text: str, bold: bool) -> list[Span]:
    """Template text as spans: commands apart, so the platform can give them its prefix."""
    spans: list[Span] = []
    done = 0
    for found in _COMMAND.finditer(text):
        if found.start() > done:
            part = text[done : found.start()]
            spans.append(Bold(part) if bold else Text(part))
        spans.append(Command(found[1], "bold" if bold else "plain"))
        done = found.end()
    if done < len(text):
        spans.append(Bold(text[done:]) if bold else Text(text[done:]))
    return spans


def _load_language(folder: Path) -> dict[str, str]:
    messages: dict[str, str] = {}
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if message.id and isinstance(message.id, str) and isinstance(message.string, str):
                if message.id in messages:
                    raise ValueError(f"{po_file}: message {message.id!r} defined twice")
                messages[message.id] = message.string
    return messages


class Catalog:
    """All messages of all languages, loaded once at start."""

    def __init__(self, messages: dict[str, dict[str, str]]) -> None:
        self.messages = messages

    @classmethod
    def load(cls) -> Catalog:
        return cls({lang: _load_language(_HERE / lang) for lang in LANGUAGES})

    def has(self, lang: str, key: str) -> bool:
        return key in self.messages.get(lang, {})

    def template(self, lang: str, key: str) -> str:
        table = self.messages.get(lang) or self.messages[DEFAULT_LANGUAGE]
        if key in table:
            return table[key]
        for other in LANGUAGES:
            if key in self.messages[other]:
                return self.messages[other][key]
        raise KeyError(f"no message {key!r} in any catalog")

    def para(self, lang: str, key: str, **params: Any) -> Paragraph:
        """The message as a paragraph of spans; `**` in the template makes bold."""
        spans: list[Span] = []
        for index, segment in enumerate(self.template(lang, key).split("**")):
            bold = index % 2 == 1
            for literal, field, _spec, _conv in _FORMATTER.parse(segment):
                if literal:
                    spans.extend(_literal(literal, bold))
                if field is None:
                    continue
                value = params[field]
                if isinstance(value, Span):
                    spans.append(value)
                else:
                    rendered = str(value)
                    spans.append(Bold(rendered) if bold else Text(rendered))
        return Paragraph(tuple(spans))

    def text(self, lang: str, key: str, **params: Any) -> str:
        """The message as plain text (commands with `/`: for a command to show in a
        reply, use `command`)."""
        return plain_spans(self.para(lang, key, **params).spans)

    def command(self, lang: str, key: str, style: str = "code") -> Span:
        """A message that is a command line ("cmd.remind.example": "/erinnern 15.3. …") as
        one span whose prefix the room's platform decides."""
        return command_or_code(self.text(lang, key), style)
