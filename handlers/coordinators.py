"""/coordinators, /coordinator add|remove: who may change the partnership."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.reply import BulletList, Reply, Text
from bot.core.router import Router
from bot.usecases import coordinators
from handlers.args import name_arg


async def list_coordinators(ctx: Context) -> Reply:
    people = await coordinators.list_coordinators(ctx.call)
    items = tuple((Text(p.display_name),) for p in people)
    return Reply.of(
        ctx.t("coordinators.header", name=ctx.partnership.name),
        BulletList(items) if items else ctx.t("coordinators.none"),
        ctx.t("coordinators.admins"),
    )


async def add_coordinator(ctx: Context) -> None:
    """Announced in every room by the chat channel."""
    await coordinators.add(ctx.call, coordinators.NamePerson(name_arg(ctx)))


async def remove_coordinator(ctx: Context) -> None:
    await coordinators.remove(ctx.call, coordinators.NamePerson(name_arg(ctx)))


def register(router: Router) -> None:
    router.add("coordinators", "koordination", uses=coordinators.list_coordinators)(
        list_coordinators
    )
    router.add("coordinator", "koordinator", sub="add", sub_alias="neu", uses=coordinators.add)(
        add_coordinator
    )
    router.add(
        "coordinator", "koordinator", sub="remove", sub_alias="entfernen", uses=coordinators.remove
    )(remove_coordinator)
