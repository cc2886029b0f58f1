"""/setup, /link, /unlink, /rooms, /rules: a partnership and the rooms it lives in."""

from __future__ import annotations

import json

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import MessageEvent
from bot.core.reply import Bold, BulletList, Code, Paragraph, Reply, Text
from bot.core.router import Role, Router
from bot.core.text import clean
from bot.core.timefmt import fmt_date, fmt_datetime
from bot.i18n.texts import Texts
from bot.usecases import partnerships
from bot.usecases.announce import announce
from handlers.args import name_arg, text_arg


def _room_name(ctx: Context) -> str:
    assert isinstance(ctx.event, MessageEvent)
    return clean(ctx.event.room_name)[:200] or ctx.event.room.room_id


async def setup(ctx: Context) -> Reply:
    assert isinstance(ctx.event, MessageEvent)
    name = name_arg(ctx)
    tz = str(ctx.settings.get("default_timezone", "Europe/Berlin"))
    partnership = await partnerships.found(
        ctx.uow, name, ctx.event.room, _room_name(ctx), ctx.person, ctx.lang, tz, ctx.now
    )
    return Reply.of(
        ctx.t("setup.done", name=partnership.name, person=ctx.person.display_name),
        ctx.t("setup.next_steps"),
    )


async def link(ctx: Context) -> Reply:
    """`/link` makes a code (coordinators); `/link <code>` redeems it in another room."""
    assert isinstance(ctx.event, MessageEvent)
    code_text = clean(ctx.args)
    if not code_text:
        if ctx.call.room_partnership is None:
            raise UserError("link.need_code", example=True)
        if not ctx.is_coordinator:
            raise UserError("link.only_coordinators")
        code = await partnerships.new_link_code(ctx.uow, ctx.p, ctx.person, ctx.now)
        return Reply.of(
            ctx.t(
                "link.code",
                code=Code(code.code),
                until=fmt_datetime(code.expires_at, ctx.lang, ctx.p.timezone),
            ),
            ctx.t("link.how", command=Code(f"/link {code.code}")),
        )
    if len(code_text) > 32:
        raise UserError("link.bad_code", example=True)
    if not ctx.event.sender.is_room_admin:
        raise UserError("link.only_room_admins")
    partnership, room = await partnerships.redeem_link_code(
        ctx.uow, code_text, ctx.event.room, _room_name(ctx), ctx.person, ctx.now
    )
    ctx.texts = Texts(ctx.catalog, partnership.language, partnership.timezone)
    await announce(
        ctx.uow,
        partnership.id,
        ctx.say(
            "link.announce",
            room=room.name,
            platform=ctx.catalog.text(ctx.lang, f"platform.{room.ref.platform}"),
            person=ctx.person.display_name,
            name=partnership.name,
        ),
        ctx.now,
    )
    return ctx.say("link.done", name=partnership.name)


async def unlink(ctx: Context) -> Reply:
    await partnerships.unlink(ctx.uow, ctx.p, ctx.r, ctx.person, ctx.now)
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say("unlink.announce", room=ctx.r.name, person=ctx.person.display_name),
        ctx.now,
    )
    return ctx.say("unlink.done", name=ctx.p.name)


async def rooms(ctx: Context) -> Reply:
    linked = await ctx.uow.rooms.of_partnership(ctx.p.id)
    items = tuple(
        (
            Bold(r.name),
            Text(
                " ("
                + ctx.catalog.text(ctx.lang, f"platform.{r.ref.platform}")
                + ", "
                + ctx.catalog.text(
                    ctx.lang, "rooms.since", date=fmt_date(r.linked_at, ctx.lang, ctx.p.timezone)
                )
                + ("" if r.active else ", " + ctx.catalog.text(ctx.lang, "rooms.inactive"))
                + ")"
            ),
        )
        for r in linked
    )
    return Reply.of(ctx.t("rooms.header", name=ctx.p.name, count=len(linked)), BulletList(items))


async def show_rules(ctx: Context) -> Reply:
    if not ctx.p.rules:
        return ctx.say("rules.none")
    blocks = [ctx.t("rules.header", name=ctx.p.name)]
    blocks.extend(Paragraph.of(line) for line in ctx.p.rules.split("\n"))
    return Reply.of(*blocks)


async def set_rules(ctx: Context) -> Reply:
    text = text_arg(ctx, multiline=True)
    ctx.p.rules = text
    await ctx.uow.partnerships.save(ctx.p)
    await ctx.uow.audit.add(
        ctx.p.id, ctx.person.id, "rules.set", json.dumps({"length": len(text)}), ctx.now
    )
    await announce(
        ctx.uow, ctx.p.id, ctx.say("rules.announce", person=ctx.person.display_name), ctx.now
    )
    return ctx.say("rules.saved", lines=text.count("\n") + 1)


def register(router: Router) -> None:
    router.add("setup", "gruenden", Role.ROOM_ADMIN, needs_partnership=False)(setup)
    router.add("link", "verbinden", needs_partnership=False)(link)
    router.add("unlink", "trennen", Role.COORDINATOR, confirm=True)(unlink)
    router.add("rooms", "raeume")(rooms)
    router.add("rules", "regeln")(show_rules)
    router.add("rules", "regeln", Role.COORDINATOR, sub="set", sub_alias="setzen")(set_rules)
