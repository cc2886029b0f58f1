"""The answers the App gives itself, before or instead of a handler: a refusal, an unknown
command (with "did you mean"), a command family without its subcommand."""

from __future__ import annotations

from typing import cast

from bot.core.errors import Asked, UserError
from bot.core.reply import Command as CommandSpan
from bot.core.reply import Paragraph, Reply, Text, command_or_code
from bot.core.router import Command
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases.base import NotAllowed


def usage_line(catalog: Catalog, lang: str, command: Command) -> str:
    """ "/termin <wann> …": the command with its arguments, in the language's words."""
    args_key = f"{command.key}.args"
    args = catalog.text(lang, args_key) if catalog.has(lang, args_key) else ""
    return (command.invocation(lang == "de") + (" " + args if args else "")).strip()


def refusal(catalog: Catalog, lang: str, error: UserError, command: Command | None) -> Reply:
    """A user error as one reply; with the command's example where the error asks for it."""
    if isinstance(error, Asked):
        return cast(Reply, error.reply)
    params = dict(error.params)
    if isinstance(error, NotAllowed):
        params.setdefault("who", Texts(catalog, lang, "UTC").who(error.permission))
    message = catalog.para(lang, error.key, **params)
    if error.example and command is not None:
        example = command_or_code(catalog.text(lang, f"{command.key}.example"))
        message = message + catalog.para(lang, "common.example", example=example)
    return Reply.of(message)


def unknown(catalog: Catalog, lang: str, word: str, similar: str | None) -> Reply:
    key = "common.unknown_command_similar" if similar else "common.unknown_command"
    return Reply.of(
        catalog.para(lang, key, command=CommandSpan(word), similar=CommandSpan(similar or ""))
    )


def subcommands(catalog: Catalog, lang: str, family: list[Command]) -> Reply:
    """ "/mitglied braucht einen Unterbefehl": the family's subcommands with their usage."""
    name = family[0].invocation(lang == "de").split(" ")[0]
    head = catalog.para(lang, "common.choose_subcommand", command=CommandSpan(name[1:]))
    lines = [
        Paragraph((Text("• "), command_or_code(usage_line(catalog, lang, c))))
        for c in family
        if c.sub is not None
    ]
    return Reply.of(head, *lines)
