"""/members, /member add|remove|rename: the municipalities of the partnership."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Bold, BulletList, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import clean
from bot.usecases import members
from handlers.args import name_arg, pair_arg


async def list_members(ctx: Context) -> Reply:
    roster = await members.list_members(ctx.call)
    order = members.host_order(roster.members)
    if not order:
        return ctx.say("members.none")
    items: list[tuple[Span, ...]] = []
    for member in order:
        people = roster.contacts_of(member)
        contacts = (
            ", ".join(p.display_name for p in people)
            if people
            else ctx.texts.text("members.no_contact")
        )
        since = ctx.texts.text("members.since", date=ctx.texts.date(member.joined_at))
        items.append((Bold(member.name), Text(f" — {since} — {contacts}")))
    return Reply.of(
        ctx.t("members.header", name=ctx.partnership.name, count=len(order)),
        BulletList(tuple(items), ordered=True),
    )


_LIST = re.compile(r"\s*[,;\n]\s*")
_LAST_AND = re.compile(r"\s+(?:und|and|sowie)\s+", re.I)
MAX_AT_ONCE = 30


def member_names(ctx: Context) -> tuple[str, ...]:
    """One name, or several separated by commas, semicolons or lines ("Goch, Kalkar und
    Kleve": "und" separates only in such a list, since a name may contain it)."""
    parts = [p for p in _LIST.split(ctx.args.strip()) if p.strip()]
    if len(parts) > 1:
        parts[-1:] = _LAST_AND.split(parts[-1])
    if len(parts) > MAX_AT_ONCE:
        raise UsageError("member.too_many", max=MAX_AT_ONCE, count=len(parts))
    return tuple(name_arg(ctx, part) for part in parts) or (name_arg(ctx),)


async def add_member(ctx: Context) -> None:
    """Announced in every room (this one included) by the chat channel."""
    await members.add(ctx.call, members.AddMembers(member_names(ctx)))


async def remove_member(ctx: Context) -> None:
    name_arg(ctx)
    left = await members.remove(ctx.call, members.RemoveMember(clean(ctx.args)))
    key = "member.remove_confirm_reason" if left.reason else "member.remove_confirm"
    ctx.confirming = ctx.t(key, member=left.member, reason=left.reason)


async def rename_member(ctx: Context) -> None:
    old, new = pair_arg(ctx)
    await members.rename(ctx.call, members.RenameMember(old, new))


def register(router: Router) -> None:
    router.add("members", "mitglieder", uses=members.list_members)(list_members)
    router.add("member", "mitglied", sub="add", sub_alias="neu", uses=members.add)(add_member)
    router.add(
        "member", "mitglied", sub="remove", sub_alias="entfernen", confirm=True, uses=members.remove
    )(remove_member)
    router.add("member", "mitglied", sub="rename", sub_alias="umbenennen", uses=members.rename)(
        rename_member
    )
