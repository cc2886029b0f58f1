"""Reading command arguments: cleaned, length-checked, refused with an example when wrong."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.text import MAX_NAME, MAX_TEXT, clean


def name_arg(ctx: Context, text: str | None = None) -> str:
    """A single-line name (member, partnership): required, at most MAX_NAME characters."""
    value = clean(ctx.args if text is None else text)
    if not value:
        raise UsageError("error.name_missing")
    if len(value) > MAX_NAME:
        raise UsageError("error.name_too_long", max=MAX_NAME, length=len(value))
    return value


def text_arg(ctx: Context, multiline: bool = False) -> str:
    """Free text (rules, reasons): required, at most MAX_TEXT characters."""
    value = clean(ctx.args, multiline=multiline)
    if not value:
        raise UsageError("error.text_missing")
    if len(value) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(value))
    return value


def pair_arg(ctx: Context) -> tuple[str, str]:
    """`<first> | <second>`, both names."""
    left, sep, right = ctx.args.partition("|")
    if not sep:
        raise UsageError("error.pair_missing")
    return name_arg(ctx, left), name_arg(ctx, right)
