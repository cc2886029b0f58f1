"""Message catalogs: every user-visible sentence, in German and English.

The catalogs are gettext .po files (one per command family, under `de/` and `en/`) read with
Babel, keyed by message id. A template may mark bold text with `**`; placeholders are
`{name}`. Values are inserted as plain text spans after the template is parsed, so user text
can never become markup. A command in a template is written `/befehl`: it becomes a
`Command` span, which each platform writes with its own prefix (`!befehl` in Matrix).

A message that counts is a plural entry (`msgid_plural`, `msgstr[0]`, `msgstr[1]` …): the
language's plural rule picks the form by the `count` (or `days`) parameter, as ngettext does
("1 Punkt", "2 Punkte"). Where zero reads differently ("noch keine Punkte", not "0 Punkte"),
the catalog holds a `<key>.none` message, used when `count` is 0.
"""

from __future__ import annotations

import gettext
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.plurals import get_plural
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


def _load_language(folder: Path) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The messages of one language; a plural entry is kept with all its forms, and its
    last form stands for it among the messages (so every check sees its placeholders)."""
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if not key or not isinstance(key, str):
                continue
            if key in messages:
                raise ValueError(f"{po_file}: message {key!r} defined twice")
            if isinstance(message.string, tuple):
                plurals[key] = tuple(str(form) for form in message.string)
                messages[key] = plurals[key][-1]
            elif isinstance(message.string, str):
                messages[key] = message.string
    return messages, plurals


def _plural_rule(lang: str) -> Callable[[int], int]:
    """The index of the plural form for a number, by the language's gettext rule."""
    return gettext.c2py(get_plural(lang).plural_expr)


class Catalog:
    """All messages of all languages, loaded once at start."""

    def __init__(
        self,
        messages: dict[str, dict[str, str]],
        plurals: dict[str, dict[str, tuple[str, ...]]] | None = None,
    ) -> None:
        self.messages = messages
        self.plurals = plurals or {}
        self._rules = {lang: _plural_rule(lang) for lang in messages}

    @classmethod
    def load(cls) -> Catalog:
        loaded = {lang: _load_language(_HERE / lang) for lang in LANGUAGES}
        return cls(
            {lang: found[0] for lang, found in loaded.items()},
            {lang: found[1] for lang, found in loaded.items()},
        )

    def has(self, lang: str, key: str) -> bool:
        return key in self.messages.get(lang, {})

    def template(self, lang: str, key: str, count: int | None = None) -> str:
        """The message; with `count`, its zero message or plural form for that number."""
        if count == 0 and self.has(lang, f"{key}.none"):
            key = f"{key}.none"
        if lang not in self.messages:
            lang = DEFAULT_LANGUAGE
        if key not in self.messages[lang]:
            lang = next((other for other in LANGUAGES if key in self.messages[other]), "")
            if not lang:
                raise KeyError(f"no message {key!r} in any catalog")
        forms = self.plurals.get(lang, {}).get(key)
        if forms is not None and count is not None:
            return forms[min(self._rules[lang](count), len(forms) - 1)]
        return self.messages[lang][key]

    def para(self, lang: str, key: str, **params: Any) -> Paragraph:
        """The message as a paragraph of spans; `**` in the template makes bold."""
        spans: list[Span] = []
        count = params.get("count", params.get("days"))
        template = self.template(lang, key, count if isinstance(count, int) else None)
        for index, segment in enumerate(template.split("**")):
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
