"""/actions and /done: the open action items from the minutes, and closing them."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import BulletList, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import clean
from bot.core.timefmt import local
from bot.usecases import actions
from bot.usecases.minutes_render import day_text


def action_line(ctx: Context, found: actions.OpenAction) -> tuple[Span, ...]:
    item = found.item
    line = ctx.texts.text(
        "minutes.action_line", number=item.number, owner=found.owner, text=item.text
    )
    if item.due is not None:
        today = local(ctx.now, ctx.texts.timezone).date()
        key = "actions.overdue" if item.due < today else "minutes.due"
        line += ctx.texts.text(key, date=day_text(item.due, ctx.lang))
    if found.meeting_at is not None:
        line += ctx.texts.text("actions.from_meeting", date=ctx.texts.date(found.meeting_at))
    return (Text(line),)


async def list_actions(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("actions.no_args")
    found = await actions.list_open(ctx.call)
    if not found:
        return ctx.say("actions.none")
    return Reply.of(
        ctx.t("actions.header", count=len(found)),
        BulletList(tuple(action_line(ctx, f) for f in found)),
        ctx.t("actions.how"),
    )


async def done(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 1:
        raise UsageError("done.number_missing")
    closed = await actions.done(ctx.call, words[0])
    return ctx.say(
        "done.closed", number=closed.item.number, text=closed.item.text, count=closed.still_open
    )


def register(router: Router) -> None:
    router.add("actions", "aufgaben", uses=actions.list_open)(list_actions)
    router.add("done", "erledigt", uses=actions.done)(done)
