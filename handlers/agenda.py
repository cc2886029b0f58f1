"""/agenda: proposals for the next meeting, their order, and the agenda deadline setting."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Reply
from bot.core.router import Router
from bot.core.text import ascii_number, clean
from bot.i18n.agenda import agenda_view_blocks
from bot.usecases import agenda

MAX_ITEM = 300


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("agenda.unknown_sub", word=clean(ctx.args).split()[0][:30])
    return Reply.of(*agenda_view_blocks(ctx.texts, await agenda.show(ctx.call)))


async def add(ctx: Context) -> Reply:
    text = clean(ctx.args)
    if not text:
        raise UsageError("agenda.text_missing")
    text, field = agenda.read_field(text)
    if not text:
        raise UsageError("agenda.text_missing")
    if len(text) > MAX_ITEM:
        raise UsageError("agenda.too_long", max=MAX_ITEM, length=len(text))
    done = await agenda.add(ctx.call, agenda.ProposeItem(text, field))
    item, meeting = done.item, done.meeting
    if done.late:
        assert done.deadline is not None
        deadline = ctx.texts.when(done.deadline)
        if meeting is None:
            return ctx.say("agenda.added_late_unplanned", deadline=deadline, text=item.text)
        return ctx.say(
            "agenda.added_late",
            deadline=deadline,
            when=ctx.texts.when(meeting.starts_at),
            text=item.text,
        )
    if meeting is None:
        return ctx.say("agenda.added_unplanned", text=item.text)
    return ctx.say(
        "agenda.added",
        number=done.number,
        when=ctx.texts.when(meeting.starts_at),
        text=item.text,
    )


async def remove(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 1:
        raise UsageError("agenda.number_missing")
    item = await agenda.remove(ctx.call, words[0])
    return ctx.say("agenda.removed", text=item.text)


async def move(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 2:
        raise UsageError("agenda.move_usage")
    moved = await agenda.move(ctx.call, agenda.MoveItem(words[0], words[1]))
    return Reply.of(
        ctx.t("agenda.moved", text=moved.item.text, position=moved.position),
        *agenda_view_blocks(ctx.texts, moved.agenda),
    )


async def set_deadline(ctx: Context) -> None:
    """How many days before a meeting proposals are expected (0: until it starts); the
    chat channel tells every room."""
    value = clean(ctx.args).casefold().removesuffix("d").removesuffix("tage").strip()
    days = ascii_number(value)
    if days is None or not agenda.MIN_DEADLINE_DAYS <= days <= agenda.MAX_DEADLINE_DAYS:
        raise UsageError(
            "settings.bad_agenda_deadline",
            value=clean(ctx.args)[:20],
            max=agenda.MAX_DEADLINE_DAYS,
        )
    await agenda.set_deadline(ctx.call, days)


def register(router: Router) -> None:
    router.add("agenda", "tagesordnung", uses=agenda.show)(show)
    router.add("agenda", "tagesordnung", sub="add", sub_alias="neu", uses=agenda.add)(add)
    router.add("agenda", "tagesordnung", sub="remove", sub_alias="entfernen", uses=agenda.remove)(
        remove
    )
    router.add("agenda", "tagesordnung", sub="move", sub_alias="verschieben", uses=agenda.move)(
        move
    )
    router.add(
        "settings",
        "einstellungen",
        sub="agenda-deadline",
        sub_alias="agenda-frist",
        uses=agenda.set_deadline,
    )(set_deadline)
