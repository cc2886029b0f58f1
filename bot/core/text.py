"""User text as the bot reads it: cleaned, length-checked, sorted and matched the German way."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 100
MAX_TEXT = 4000

_CONTROL = {"Cc"}
_KEEP_IN_TEXT = {"\n", "\t"}
_UMLAUT_EXPANDED = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UMLAUT_BASE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def clean(text: str, multiline: bool = False) -> str:
    """Strip control characters (keeping line breaks in multi-line text) and outer spaces.

    Emoji, right-to-left text and zero-width characters are left alone: they are text.
    """
    kept = "".join(
        ch
        for ch in text
        # in one-line text a line break separates words: kept here, made a space below
        if unicodedata.category(ch) not in _CONTROL or ch in _KEEP_IN_TEXT
    )
    if not multiline:
        kept = " ".join(kept.split())
    return kept.strip()


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
