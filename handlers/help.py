"""/help: generated from the router's metadata, in the partnership's language."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.reply import Bold, BulletList, Code, Paragraph, Reply, Span, Text
from bot.core.router import Command, Router


def usage(ctx: Context, command: Command) -> str:
    key = f"{command.key}.args"
    args = ctx.catalog.text(ctx.lang, key) if ctx.catalog.has(ctx.lang, key) else ""
    return (command.invocation(ctx.german) + (" " + args if args else "")).strip()


def _line(ctx: Context, command: Command) -> tuple[Span, ...]:
    return (
        Code(usage(ctx, command)),
        Text(" – " + ctx.catalog.text(ctx.lang, f"{command.key}.help")),
    )


async def show_help(ctx: Context, router: Router) -> Reply:
    if ctx.args.strip().lstrip("/!").strip():
        return _one(ctx, router, ctx.args.strip())
    shown = [c for c in router.commands if not c.hidden]
    everyone = [c for c in shown if not c.permission.coordinators_only]
    coordinators = [c for c in shown if c.permission.coordinators_only]
    return Reply.of(
        ctx.t("help.intro"),
        ctx.t("help.everyone"),
        BulletList(tuple(_line(ctx, c) for c in everyone)),
        ctx.t("help.coordinators"),
        BulletList(tuple(_line(ctx, c) for c in coordinators)),
        ctx.t("help.more"),
    )


def _one(ctx: Context, router: Router, word: str) -> Reply:
    family = router.family(word.lstrip("/!").split()[0].casefold())
    if not family:
        raise UserError("help.unknown", command=word)
    first = family[0]
    blocks: list[Paragraph | BulletList] = [
        Paragraph.of(Bold(f"/{first.name}"), " · ", Bold(f"/{first.alias}")),
    ]
    for command in family:
        who = ctx.texts.who_line(command.permission)
        example = ctx.catalog.text(ctx.lang, f"{command.key}.example")
        blocks.append(
            BulletList(
                (
                    _line(ctx, command),
                    (Text(ctx.catalog.text(ctx.lang, "help.example") + " "), Code(example)),
                    (Text(who),),
                )
            )
        )
    return Reply.of(*blocks)


def register(router: Router) -> None:
    async def help_for(ctx: Context) -> Reply:
        """The commands of this router (the one being built)."""
        return await show_help(ctx, router)

    router.add("help", "hilfe", needs_partnership=False)(help_for)
    router.add("start", "start", needs_partnership=False, hidden=True)(help_for)
