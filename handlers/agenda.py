"""/agenda: proposals for the next meeting, their order, and the agenda deadline setting."""

from __future__ import annotations

import json

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import AgendaItem, Meeting, Member
from bot.core.reply import Block, Code, Reply
from bot.core.router import Role, Router
from bot.core.text import clean
from bot.usecases import agenda as svc
from bot.usecases.announce import announce
from bot.usecases.members import roster
from bot.usecases.minutes import meeting_and_host
from handlers.meetings import may_change, when_text

MAX_ITEM = 300


async def host_of(ctx: Context, meeting: Meeting | None) -> Member | None:
    if meeting is None:
        return None
    return (await meeting_and_host(ctx.uow, ctx.p, meeting.id, ctx.now))[1]


async def is_host_contact(ctx: Context, host: Member | None) -> bool:
    return host is not None and ctx.person in (await roster(ctx.uow, ctx.p)).contacts_of(host)


async def agenda_reply(ctx: Context, intro: bool = True) -> list[Block]:
    """The coming agenda: heading, deadline, standing items, numbered items, what waits."""
    current = await svc.coming(ctx.uow, ctx.p, ctx.now)
    blocks: list[Block] = []
    meeting = current.meeting
    if meeting is None:
        blocks.append(ctx.t("agenda.no_meeting", count=len(current.items)))
    else:
        host = await host_of(ctx, meeting)
        blocks.append(
            ctx.t(
                "agenda.header",
                when=when_text(ctx, meeting.starts_at),
                host=host.name if host else "-",
            )
        )
        deadline = svc.agenda_deadline(ctx.p, meeting)
        key = "agenda.deadline" if ctx.now <= deadline else "agenda.deadline_passed"
        if intro:
            blocks.append(ctx.t(key, deadline=when_text(ctx, deadline)))
    standing = await svc.standing(ctx.uow, ctx.p, meeting)
    blocks.extend(svc.standing_blocks(ctx.catalog, ctx.lang, ctx.p.timezone, standing))
    if current.items:
        blocks.append(ctx.t("agenda.items"))
        blocks.extend(svc.agenda_blocks(ctx.catalog, ctx.lang, current.items))
    elif meeting is not None:
        blocks.append(ctx.t("agenda.empty", command=Code(_add_command(ctx))))
    if current.later:
        blocks.append(ctx.t("agenda.later", count=len(current.later)))
    return blocks


def _add_command(ctx: Context) -> str:
    return "/tagesordnung neu <Text>" if ctx.german else "/agenda add <text>"


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("agenda.unknown_sub", word=clean(ctx.args).split()[0][:30])
    return Reply.of(*await agenda_reply(ctx))


async def add(ctx: Context) -> Reply:
    text = clean(ctx.args)
    if not text:
        raise UsageError("agenda.text_missing")
    text, field = svc.read_field(text)
    if not text:
        raise UsageError("agenda.text_missing")
    if len(text) > MAX_ITEM:
        raise UsageError("agenda.too_long", max=MAX_ITEM, length=len(text))
    member = (await roster(ctx.uow, ctx.p)).member_of(ctx.person)
    if member is None and not ctx.is_coordinator:
        raise UserError("agenda.not_contact")
    current = await svc.coming(ctx.uow, ctx.p, ctx.now)
    host = await host_of(ctx, current.meeting)
    privileged = ctx.is_coordinator or await is_host_contact(ctx, host)
    item, meeting, late = await svc.propose(
        ctx.uow,
        ctx.p,
        text,
        field,
        ctx.person,
        member.id if member else None,
        privileged,
        ctx.now,
    )
    if late:
        assert current.meeting is not None
        deadline = when_text(ctx, svc.agenda_deadline(ctx.p, current.meeting))
        if meeting is None:
            return ctx.say("agenda.added_late_unplanned", deadline=deadline, text=item.text)
        return ctx.say(
            "agenda.added_late",
            deadline=deadline,
            when=when_text(ctx, meeting.starts_at),
            text=item.text,
        )
    if meeting is None:
        return ctx.say("agenda.added_unplanned", text=item.text)
    number = [i.id for i in await svc.agenda_for(ctx.uow, ctx.p, meeting, ctx.now)].index(item.id)
    return ctx.say(
        "agenda.added", number=number + 1, when=when_text(ctx, meeting.starts_at), text=item.text
    )


async def _numbered(ctx: Context, number: str) -> tuple[list[AgendaItem], AgendaItem]:
    current = await svc.coming(ctx.uow, ctx.p, ctx.now)
    return current.items, svc.numbered(current.items, number)


async def remove(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 1:
        raise UsageError("agenda.number_missing")
    _, item = await _numbered(ctx, words[0])
    if not ctx.is_coordinator and item.proposer_person_id != ctx.person.id:
        proposer = await ctx.uow.persons.get(item.proposer_person_id or -1)
        raise UserError(
            "agenda.remove_not_allowed",
            text=item.text[:80],
            person=proposer.display_name if proposer else "-",
        )
    await svc.remove(ctx.uow, ctx.p, item, ctx.person, ctx.now)
    return ctx.say("agenda.removed", text=item.text)


async def move(ctx: Context) -> Reply:
    words = clean(ctx.args).split()
    if len(words) != 2:
        raise UsageError("agenda.move_usage")
    items, item = await _numbered(ctx, words[0])
    current = await svc.coming(ctx.uow, ctx.p, ctx.now)
    await may_change(ctx, await host_of(ctx, current.meeting), "agenda.move_not_allowed")
    if not words[1].isdigit() or not 1 <= int(words[1]) <= len(items):
        raise UsageError("agenda.bad_position", value=words[1][:20], count=len(items))
    await svc.move(ctx.uow, ctx.p, items, item, int(words[1]), ctx.person, ctx.now)
    return Reply.of(
        ctx.t("agenda.moved", text=item.text, position=int(words[1])), *await agenda_reply(ctx)
    )


async def set_deadline(ctx: Context) -> None:
    """How many days before a meeting proposals are expected (0: until it starts)."""
    value = clean(ctx.args).casefold().removesuffix("d").removesuffix("tage").strip()
    if not value.isdigit() or not svc.MIN_DEADLINE_DAYS <= int(value) <= svc.MAX_DEADLINE_DAYS:
        raise UsageError(
            "settings.bad_agenda_deadline", value=clean(ctx.args)[:20], max=svc.MAX_DEADLINE_DAYS
        )
    ctx.p.agenda_deadline_days = int(value)
    await ctx.uow.partnerships.save(ctx.p)
    await ctx.uow.audit.add(
        ctx.p.id,
        ctx.person.id,
        "settings.agenda_deadline",
        json.dumps({"value": value}),
        ctx.now,
    )
    shown = deadline_text(ctx)
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say(
            "settings.changed",
            setting=ctx.catalog.text(ctx.lang, "settings.agenda_deadline"),
            value=shown,
            person=ctx.person.display_name,
        ),
        ctx.now,
    )


def deadline_text(ctx: Context) -> str:
    """ "7 Tage vor dem Treffen" / "7 days before the meeting"."""
    return ctx.catalog.text(
        ctx.lang, "settings.agenda_deadline_value", days=ctx.p.agenda_deadline_days
    )


def register(router: Router) -> None:
    router.add("agenda", "tagesordnung")(show)
    router.add("agenda", "tagesordnung", sub="add", sub_alias="neu")(add)
    router.add("agenda", "tagesordnung", sub="remove", sub_alias="entfernen")(remove)
    router.add("agenda", "tagesordnung", sub="move", sub_alias="verschieben")(move)
    router.add(
        "settings",
        "einstellungen",
        Role.COORDINATOR,
        sub="agenda-deadline",
        sub_alias="agenda-frist",
    )(set_deadline)
