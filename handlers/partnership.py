"""/setup, /link, /unlink, /rooms, /rules: a partnership and the rooms it lives in."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.events import MessageEvent
from bot.core.reply import Bold, BulletList, Code, Paragraph, Reply, Text, command_or_code
from bot.core.router import Router
from bot.core.text import clean
from bot.i18n.texts import Texts
from bot.usecases import partnership
from handlers.args import name_arg, text_arg


def _room_name(ctx: Context) -> str:
    assert isinstance(ctx.event, MessageEvent)
    return clean(ctx.event.room_name)[:200] or ctx.event.room.room_id


async def setup(ctx: Context) -> Reply:
    command = partnership.FoundPartnership(name_arg(ctx), _room_name(ctx), ctx.lang)
    founded = await partnership.setup(ctx.call, command)
    return Reply.of(
        ctx.t("setup.done", name=founded.name, person=ctx.person.display_name),
        ctx.t("setup.next_steps"),
    )


async def link(ctx: Context) -> Reply:
    """`/link` makes a code (coordinators); `/link <code>` redeems it in another room
    (its administrators)."""
    code_text = clean(ctx.args)
    if not code_text:
        if ctx.room is None:
            raise UserError("link.need_code", example=True)
        code = await partnership.make_link_code(ctx.call)
        redeem = ("/verbinden " if ctx.german else "/link ") + code.code
        return Reply.of(
            ctx.t("link.code", code=Code(code.code), until=ctx.texts.when(code.expires_at)),
            ctx.t("link.how", command=command_or_code(redeem)),
        )
    linked = await partnership.link(ctx.call, partnership.LinkRoom(code_text, _room_name(ctx)))
    if isinstance(linked, partnership.LinkRefused):
        if linked.throttled_until is not None:
            return ctx.say("link.throttled", until=ctx.texts.when(linked.throttled_until))
        example = command_or_code(ctx.texts.text("cmd.link.example"))
        return Reply.of(ctx.t("link.bad_code") + ctx.t("common.example", example=example))
    joined = linked.partnership
    texts = Texts(ctx.catalog, joined.language, joined.timezone)
    return texts.say("link.done", name=joined.name)


async def unlink(ctx: Context) -> Reply:
    """Announced in the rooms that stay by the chat channel."""
    unlinked = await partnership.unlink(ctx.call)
    ctx.confirming = ctx.t("unlink.confirm", room=_room_name(ctx), name=unlinked.partnership.name)
    return ctx.say("unlink.done", name=unlinked.partnership.name)


async def rooms(ctx: Context) -> Reply:
    linked = await partnership.rooms(ctx.call)
    items = tuple(
        (
            Bold(r.name),
            Text(
                " ("
                + ctx.texts.text(f"platform.{r.ref.platform}")
                + ", "
                + ctx.texts.text("rooms.since", date=ctx.texts.date(r.linked_at))
                + ("" if r.active else ", " + ctx.texts.text("rooms.inactive"))
                + ")"
            ),
        )
        for r in linked
    )
    return Reply.of(
        ctx.t("rooms.header", name=ctx.partnership.name, count=len(linked)), BulletList(items)
    )


async def show_rules(ctx: Context) -> Reply:
    rules = await partnership.rules(ctx.call)
    if not rules:
        return ctx.say("rules.none")
    blocks = [ctx.t("rules.header", name=ctx.partnership.name)]
    blocks.extend(Paragraph.of(line) for line in rules.split("\n"))
    return Reply.of(*blocks)


async def set_rules(ctx: Context) -> Reply:
    """Announced in every room by the chat channel; the caller gets the count of lines."""
    text = text_arg(ctx, multiline=True)
    await partnership.set_rules(ctx.call, partnership.SetRules(text))
    return ctx.say("rules.saved", lines=text.count("\n") + 1)


def register(router: Router) -> None:
    router.add("setup", "gruenden", needs_partnership=False, uses=partnership.setup)(setup)
    # who may depends on the form: a code is made by coordinators, redeemed by room admins
    router.add(
        "link",
        "verbinden",
        needs_partnership=False,
        uses=(partnership.make_link_code, partnership.link),
    )(link)
    router.add("unlink", "trennen", confirm=True, uses=partnership.unlink)(unlink)
    router.add("rooms", "raeume", uses=partnership.rooms)(rooms)
    router.add("rules", "regeln", uses=partnership.rules)(show_rules)
    router.add("rules", "regeln", sub="set", sub_alias="setzen", uses=partnership.set_rules)(
        set_rules
    )
