"""/email: the partnership's e-mail recipients (add, confirm, stop, remove, list) and
/einstellungen email: which kinds of e-mail go out."""

from __future__ import annotations

import re

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.mail import KINDS, normalise_address
from bot.core.reply import Block, BulletList, Reply, Text
from bot.core.router import Router
from bot.core.text import MAX_NAME, clean
from bot.usecases import email

SHOWN = 30
"""Addresses listed by name in one reply; the rest are counted."""
_SEPARATORS = re.compile(r"[\s,;]+")
_KIND_WORDS = {
    "invitation": "invitation", "invitations": "invitation", "einladung": "invitation",
    "einladungen": "invitation", "changes": "changes", "change": "changes",
    "aenderungen": "changes", "aenderung": "changes", "agenda": "agenda",
    "tagesordnung": "agenda", "minutes": "minutes", "protokoll": "minutes",
    "protokolle": "minutes", "actions": "actions", "action": "actions", "aufgaben": "actions",
    "datepoll": "datepoll", "datepolls": "datepoll", "terminumfrage": "datepoll",
    "terminumfragen": "datepoll", "umfrage": "datepoll", "umfragen": "datepoll",
}  # fmt: skip
_ON = {"on", "an", "ein", "ja", "yes"}
_OFF = {"off", "aus", "nein", "no"}


def _is_address(token: str) -> bool:
    """An address has its @ inside; a chat account starts with it (@anna:example.org)."""
    return "@" in token[1:]


async def add(ctx: Context) -> Reply:
    """`[<member or person>] <address> [<address> ...]`: all stored, or none."""
    tokens = [t for t in _SEPARATORS.split(clean(ctx.args)) if t]
    typed = [t for t in tokens if _is_address(t)]
    if not typed:
        raise UsageError("email.address_missing")
    addresses = []
    for token in typed:
        address = normalise_address(token)
        if address is None:
            raise UsageError("email.address_bad", address=token[:80])
        addresses.append(address)
    owner = " ".join(t for t in tokens if not _is_address(t))
    if len(owner) > MAX_NAME:
        raise UsageError("error.name_too_long", max=MAX_NAME, length=len(owner))
    added = await email.add(ctx.call, email.AddAddresses(owner, tuple(addresses)))
    lines = []
    if added.new:
        lines.append(
            ctx.t(
                "email.added",
                count=len(added.new),
                owner=added.owner,
                addresses=_some(ctx, list(added.new)),
            )
        )
    if added.already:
        lines.append(
            ctx.t(
                "email.already", count=len(added.already), addresses=_some(ctx, list(added.already))
            )
        )
    return Reply.of(*lines)


def _some(ctx: Context, addresses: list[str]) -> str:
    shown = ", ".join(addresses[:SHOWN])
    if len(addresses) > SHOWN:
        shown += " " + ctx.texts.text("email.and_more", count=len(addresses) - SHOWN)
    return shown


async def confirm(ctx: Context) -> Reply:
    code = clean(ctx.args).replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        raise UsageError("email.code_format")
    result = await email.confirm(ctx.call, code)
    if result.address is None:  # a reply, not an error: the failed try must be kept
        example = ctx.texts.text("cmd.email.confirm.example")
        return ctx.say(f"email.code_{result.refused}", example=example)
    return ctx.say("email.confirmed", address=result.address.address, name=ctx.partnership.name)


async def stop(ctx: Context) -> Reply:
    code = clean(ctx.args).replace(" ", "").lower()
    if not code or len(code) > 32:
        raise UsageError("email.stop_format")
    found = await email.stop(ctx.call, code)
    return ctx.say("email.stopped", address=found.address)


async def remove(ctx: Context) -> Reply:
    address = normalise_address(clean(ctx.args))
    if address is None:
        raise UsageError("email.address_bad", address=clean(ctx.args)[:80])
    found = await email.remove(ctx.call, address)
    return ctx.say("email.removed", address=found.address)


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("email.unknown_sub", word=clean(ctx.args).split()[0][:40])
    listing = await email.listing(ctx.call)
    blocks: list[Block] = []
    if not ctx.call.email:
        blocks.append(ctx.t("email.not_set_up"))
    if listing.addresses:
        blocks.append(ctx.t("email.list_header", count=len(listing.addresses)))
        rows = [
            (Text(ctx.texts.text(f"email.status.{a.status}", address=a.address, owner=owner)),)
            for a, owner in listing.addresses[:SHOWN]
        ]
        blocks.append(BulletList(tuple(rows)))
        if len(listing.addresses) > SHOWN:
            blocks.append(ctx.t("email.list_more", count=len(listing.addresses) - SHOWN))
    else:
        blocks.append(ctx.t("email.list_empty"))
    kinds = ", ".join(
        ctx.texts.text(f"email.kind.{k}") + ": " + ctx.texts.text("email.on" if on else "email.off")
        for k, on in listing.kinds.items()
    )
    blocks.append(ctx.t("email.kinds", kinds=kinds))
    return Reply.of(*blocks)


async def switch(ctx: Context) -> Reply:
    words = clean(ctx.args).casefold().replace("ä", "ae").split()
    kind = _KIND_WORDS.get(words[0]) if words else None
    state = words[1] if len(words) == 2 else ""
    if kind is None or state not in _ON | _OFF:
        names = ", ".join(ctx.texts.text(f"email.kind.{k}") for k in KINDS)
        raise UsageError("email.switch_bad", kinds=names)
    done = await email.switch(ctx.call, email.SwitchKind(kind, state in _ON))
    key = "email.switched_on" if done.enabled else "email.switched_off"
    return ctx.say(key, kind=ctx.texts.text(f"email.kind.{kind}"))


def register(router: Router) -> None:
    router.add("email", "email", uses=email.listing)(show)
    router.add("email", "email", sub="add", sub_alias="neu", uses=email.add)(add)
    router.add("email", "email", sub="confirm", sub_alias="bestaetigen", uses=email.confirm)(
        confirm
    )
    router.add(
        "email", "email", sub="stop", sub_alias="stopp", needs_partnership=False, uses=email.stop
    )(stop)
    router.add("email", "email", sub="remove", sub_alias="entfernen", uses=email.remove)(remove)
    router.add(
        "settings", "einstellungen", sub="email", sub_alias="email", hidden=True, uses=email.switch
    )(switch)
