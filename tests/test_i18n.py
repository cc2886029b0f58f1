"""Every message exists in German and English, with the same placeholders."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

from bot.i18n import LANGUAGES, Catalog
from handlers import build_router

ROOT = Path(__file__).resolve().parent.parent
CATALOG = Catalog.load()


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_both_languages_have_the_same_messages() -> None:
    de, en = (set(CATALOG.messages[lang]) for lang in LANGUAGES)
    assert de - en == set(), "only in German"
    assert en - de == set(), "only in English"


def test_placeholders_agree_between_languages() -> None:
    mismatched = {
        key: (_fields(text), _fields(CATALOG.messages["en"][key]))
        for key, text in CATALOG.messages["de"].items()
        if _fields(text) != _fields(CATALOG.messages["en"][key])
    }
    assert mismatched == {}


def test_bold_markers_are_balanced() -> None:
    for lang in LANGUAGES:
        for key, text in CATALOG.messages[lang].items():
            assert text.count("**") % 2 == 0, (lang, key)


def test_every_command_is_documented_in_both_languages() -> None:
    missing = [
        (lang, f"{command.key}.{part}")
        for command in build_router().commands
        for lang in LANGUAGES
        for part in ("help", "example")
        if not CATALOG.has(lang, f"{command.key}.{part}")
    ]
    assert missing == []


_KEY = re.compile(r"^[a-z_]+(\.[a-z0-9_\-]+)+$")


def _message_keys_in_code() -> set[tuple[str, int, str]]:
    """String literals handed to t(), say(), para(), text(), UserError and UsageError."""
    found: set[tuple[str, int, str]] = set()
    callers = {"t", "say", "para", "text", "UserError", "UsageError"}
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name not in callers:
                    continue
                for arg in node.args[:2]:
                    if (
                        isinstance(arg, ast.Constant)
                        and isinstance(arg.value, str)
                        and _KEY.match(arg.value)
                    ):
                        found.add((str(path.relative_to(ROOT)), node.lineno, arg.value))
    return found


def test_every_message_used_in_code_exists() -> None:
    used = _message_keys_in_code()
    assert len(used) > 50
    missing = [(where, line, key) for where, line, key in used if not CATALOG.has("de", key)]
    assert missing == []
