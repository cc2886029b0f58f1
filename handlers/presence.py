"""People joining and leaving the partnership's rooms: welcome them, notice who is gone."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.reply import Code, Mention, Reply
from bot.core.router import Router
from bot.usecases import members as svc
from bot.usecases import roles
from bot.usecases.announce import announce, tell_room


async def welcome(ctx: Context) -> None:
    await ctx.uow.presence.enter(ctx.r.id, ctx.person.id, ctx.now)
    roster = await svc.roster(ctx.uow, ctx.p)
    member = roster.member_of(ctx.person)
    if member is not None:
        message = ctx.say("welcome.back", person=ctx.person.display_name, member=member.name)
    else:
        example = svc.host_order(roster.members)
        sample = example[0].name if example else ctx.catalog.text(ctx.lang, "welcome.sample")
        message = Reply.of(
            ctx.t("welcome.new", person=ctx.person.display_name, name=ctx.p.name),
            ctx.t("welcome.how", command=Code(("/ichbin " if ctx.german else "/iam ") + sample)),
        )
    await tell_room(ctx.uow, ctx.p.id, ctx.r.ref, message, ctx.now)


async def farewell(ctx: Context) -> None:
    await ctx.uow.presence.leave(ctx.r.id, ctx.person.id)
    roster = await svc.roster(ctx.uow, ctx.p)
    member = roster.member_of(ctx.person)
    if member is None:
        return
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say(
            "farewell.contact", person=ctx.person.display_name, member=member.name, room=ctx.r.name
        ),
        ctx.now,
    )
    present = await ctx.uow.presence.of_partnership(ctx.p.id)
    if any(present.get(p.id) for p in roster.contacts_of(member)):
        return
    people = await roles.coordinators(ctx.uow, ctx.p)
    mentions = [Mention(p.identities[0], p.display_name) for p in people if p.identities]
    message = ctx.t("farewell.orphaned", member=member.name)
    for mention in mentions:
        message = message + ctx.t("common.mention", person=mention)
    await announce(ctx.uow, ctx.p.id, Reply.of(message), ctx.now)


def register(router: Router) -> None:
    router.on_join(welcome)
    router.on_leave(farewell)
