"""/coordinators, /coordinator add|remove: who may change the partnership."""

from __future__ import annotations

import json

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.reply import BulletList, Reply, Text
from bot.core.router import Role, Router
from bot.core.text import clean
from bot.services import roles
from bot.services.announce import announce
from bot.services.people import find_person
from handlers.args import name_arg


async def list_coordinators(ctx: Context) -> Reply:
    people = await roles.coordinators(ctx.uow, ctx.p)
    items = tuple((Text(p.display_name),) for p in people)
    return Reply.of(
        ctx.t("coordinators.header", name=ctx.p.name),
        BulletList(items) if items else ctx.t("coordinators.none"),
        ctx.t("coordinators.admins"),
    )


async def add_coordinator(ctx: Context) -> None:
    person = await find_person(ctx.uow, ctx.p, name_arg(ctx))
    if person.id in await ctx.uow.coordinators.of_partnership(ctx.p.id):
        raise UserError("coordinator.already", person=person.display_name)
    await ctx.uow.coordinators.add(ctx.p.id, person.id, ctx.now)
    await ctx.uow.audit.add(
        ctx.p.id,
        ctx.person.id,
        "coordinator.add",
        json.dumps({"person": person.display_name}, ensure_ascii=False),
        ctx.now,
    )
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say("coordinator.added", person=person.display_name, actor=ctx.person.display_name),
        ctx.now,
    )


async def remove_coordinator(ctx: Context) -> None:
    person = await find_person(ctx.uow, ctx.p, clean(ctx.args) or "-")
    current = await ctx.uow.coordinators.of_partnership(ctx.p.id)
    if person.id not in current:
        raise UserError("coordinator.not", person=person.display_name)
    if len(current) == 1:
        raise UserError("coordinator.last", person=person.display_name)
    await ctx.uow.coordinators.remove(ctx.p.id, person.id)
    await ctx.uow.audit.add(
        ctx.p.id,
        ctx.person.id,
        "coordinator.remove",
        json.dumps({"person": person.display_name}, ensure_ascii=False),
        ctx.now,
    )
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say("coordinator.removed", person=person.display_name, actor=ctx.person.display_name),
        ctx.now,
    )


def register(router: Router) -> None:
    router.add("coordinators", "koordination")(list_coordinators)
    router.add("coordinator", "koordinator", Role.COORDINATOR, sub="add", sub_alias="neu")(
        add_coordinator
    )
    router.add("coordinator", "koordinator", Role.COORDINATOR, sub="remove", sub_alias="entfernen")(
        remove_coordinator
    )
