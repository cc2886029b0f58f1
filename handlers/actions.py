"""/actions and /done: the open action items from the minutes, and closing them."""

from __future__ import annotations

from datetime import date

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import ActionItem
from bot.core.reply import BulletList, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import clean
from bot.core.timefmt import fmt_date, local
from bot.usecases import actions as svc
from bot.usecases.members import roster
from bot.usecases.minutes import owner_label
from bot.usecases.minutes_render import day_text


def action_line(
    ctx: Context, item: ActionItem, owners: dict[int, str], meetings: dict[int, str]
) -> tuple[Span, ...]:
    line = ctx.catalog.text(
        ctx.lang,
        "minutes.action_line",
        number=item.number,
        owner=owners.get(item.id, "-"),
        text=item.text,
    )
    if item.due is not None:
        key = (
            "actions.overdue" if item.due < local(ctx.now, ctx.p.timezone).date() else "minutes.due"
        )
        line += ctx.catalog.text(ctx.lang, key, date=day_text(item.due, ctx.lang))
    if item.meeting_id in meetings:
        line += ctx.catalog.text(ctx.lang, "actions.from_meeting", date=meetings[item.meeting_id])
    return (Text(line),)


async def owner_names(ctx: Context, items: list[ActionItem]) -> dict[int, str]:
    """action item id -> "Anna Schmidt (Kleve)", "Kleve" or "Anna Schmidt"."""
    members = {m.id: m for m in await ctx.uow.members.of_partnership(ctx.p.id)}
    persons = await ctx.uow.persons.many(
        {i.owner_person_id for i in items if i.owner_person_id is not None}
    )
    return {
        i.id: owner_label(
            persons.get(i.owner_person_id or -1), members.get(i.owner_member_id or -1)
        )
        for i in items
    }


async def list_actions(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("actions.no_args")
    items = await svc.open_actions(ctx.uow, ctx.p.id)
    if not items:
        return ctx.say("actions.none")
    owners = await owner_names(ctx, items)
    meetings = {
        m.id: fmt_date(m.starts_at, ctx.lang, ctx.p.timezone)
        for m in await ctx.uow.meetings.of_partnership(ctx.p.id)
    }
    items.sort(key=lambda i: (i.due or date.max, i.number))
    return Reply.of(
        ctx.t("actions.header", count=len(items)),
        BulletList(tuple(action_line(ctx, i, owners, meetings) for i in items)),
        ctx.t("actions.how"),
    )


async def done(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 1:
        raise UsageError("done.number_missing")
    if not ctx.is_coordinator and (await roster(ctx.uow, ctx.p)).member_of(ctx.person) is None:
        raise UserError("done.not_allowed")
    item = await svc.close(ctx.uow, ctx.p, words[0], ctx.person, ctx.now)
    left = len(await svc.open_actions(ctx.uow, ctx.p.id))
    return ctx.say("done.closed", number=item.number, text=item.text, count=left)


def register(router: Router) -> None:
    router.add("actions", "aufgaben")(list_actions)
    router.add("done", "erledigt")(done)
