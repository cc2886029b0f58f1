"""/coordinators, /coordinator add|remove: who may change the partnership."""

from __future__ import annotations

import json

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.model import Person
from bot.core.reply import BulletList, Reply, Text
from bot.core.router import Role, Router
from bot.usecases import roles
from bot.usecases.announce import announce
from bot.usecases.people import find_person
from handlers.args import name_arg


async def list_coordinators(ctx: Context) -> Reply:
    people = await roles.coordinators(ctx.uow, ctx.p)
    items = tuple((Text(p.display_name),) for p in people)
    return Reply.of(
        ctx.t("coordinators.header", name=ctx.p.name),
        BulletList(items) if items else ctx.t("coordinators.none"),
        ctx.t("coordinators.admins"),
    )


async def _changed(ctx: Context, action: str, person: Person, message: str) -> None:
    """Audit the change and announce it in every room."""
    detail = json.dumps({"person": person.display_name}, ensure_ascii=False)
    await ctx.uow.audit.add(ctx.p.id, ctx.person.id, action, detail, ctx.now)
    reply = ctx.say(message, person=person.display_name, actor=ctx.person.display_name)
    await announce(ctx.uow, ctx.p.id, reply, ctx.now)


async def add_coordinator(ctx: Context) -> None:
    person = await find_person(ctx.uow, ctx.p, name_arg(ctx))
    if person.id in await ctx.uow.coordinators.of_partnership(ctx.p.id):
        raise UserError("coordinator.already", person=person.display_name)
    await ctx.uow.coordinators.add(ctx.p.id, person.id, ctx.now)
    await _changed(ctx, "coordinator.add", person, "coordinator.added")


async def remove_coordinator(ctx: Context) -> None:
    person = await find_person(ctx.uow, ctx.p, name_arg(ctx))
    current = await ctx.uow.coordinators.of_partnership(ctx.p.id)
    if person.id not in current:
        raise UserError("coordinator.not", person=person.display_name)
    if len(current) == 1:
        raise UserError("coordinator.last", person=person.display_name)
    await ctx.uow.coordinators.remove(ctx.p.id, person.id)
    await _changed(ctx, "coordinator.remove", person, "coordinator.removed")


def register(router: Router) -> None:
    router.add("coordinators", "koordination")(list_coordinators)
    router.add("coordinator", "koordinator", Role.COORDINATOR, sub="add", sub_alias="neu")(
        add_coordinator
    )
    router.add("coordinator", "koordinator", Role.COORDINATOR, sub="remove", sub_alias="entfernen")(
        remove_coordinator
    )
