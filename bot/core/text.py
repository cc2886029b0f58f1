"""User text as the bot reads it: cleaned, length-checked, sorted and matched the German way."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
MAX_TEXT = 4000
MAX_DIGITS = 9
"""A longer number means nothing to any command (and `int` refuses over 4,300 digits)."""

_CONTROL = {"Cc", "Cs"}
"""Control characters, and lone surrogates, which no database or platform can encode."""
_KEEP_IN_TEXT = {"\n", "\t"}
_UMLAUT_EXPANDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_BASE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def clean(text: str, multiline: bool = False) -> str:
    """Strip control characters (keeping line breaks in multi-line text) and outer spaces;
    in a single line, line breaks and tabs count as spaces ("Kleve\nGoch" is "Kleve Goch").

    Emoji, right-to-left text and zero-width characters are left alone: they are text.
    """
    kept = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in _CONTROL
        or (ch in _KEEP_IN_TEXT if multiline else ch.isspace())
    )
    if not multiline:
        kept = " ".join(kept.split())
    return kept.strip()


def drop_controls(text: str) -> str:
    """What every event from a platform passes: control characters and lone surrogates
    dropped (PostgreSQL refuses NUL), line breaks and tabs kept, CR LF and CR as LF.

    Unlike `clean`, spaces are left as they are: the argument readers decide about them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isprintable():
        return text
    return "".join(
        ch for ch in text if unicodedata.category(ch) not in _CONTROL or ch in _KEEP_IN_TEXT
    )


def ascii_number(text: str) -> int | None:
    """`text` as a whole number if it is ASCII digits only (at most MAX_DIGITS), else None.

    `str.isdigit` is true for "²" (which `int` refuses) and for "٣" (which it reads as 3)."""
    if not 0 < len(text) <= MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def foreign_digits(text: str) -> bool:
    """Whether `text` holds digits other than ASCII ("²", "٣"), which date readers would
    take for numbers of their own choosing."""
    return not text.isascii() and any(ch.isdigit() and not ch.isascii() for ch in text)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def din5007_key(name: str) -> tuple[str, str]:
    """Sort key per DIN 5007-1: umlauts as their base letter, ß as ss, case and punctuation
    ignored. The original name breaks ties so the order is total."""
    lowered = unicodedata.normalize("NFC", name).casefold().translate(_UMLAUT_BASE)
    base = _NOT_WORD.sub(" ", _strip_accents(lowered)).strip()
    return (" ".join(base.split()), name)


def match_key(name: str) -> str:
    """Key for finding a name however it was typed: "Jüchen", "jüchen" and "Juechen" agree."""
    lowered = unicodedata.normalize("NFC", name).casefold().translate(_UMLAUT_EXPANDED)
    base = _NOT_WORD.sub(" ", _strip_accents(lowered))
    return " ".join(base.split())
