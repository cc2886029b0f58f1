"""/iam, /contact add|remove: who speaks for which member."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Reply
from bot.core.router import Router
from bot.core.text import clean
from bot.usecases import contacts
from handlers.args import name_arg, pair_arg


async def iam(ctx: Context) -> Reply | None:
    """Without a name: whom the caller speaks for. With one: announced in every room."""
    if clean(ctx.args):
        await contacts.iam(ctx.call, contacts.IAm(name_arg(ctx)))
        return None
    member = await contacts.iam(ctx.call, contacts.IAm())
    if member is None:
        return ctx.say("iam.nobody", person=ctx.person.display_name)
    return ctx.say("iam.who", person=ctx.person.display_name, member=member.name)


def member_and_person(ctx: Context) -> contacts.ContactNames:
    """`<member> | <person>`, or `<member> <person>` read every way the words split."""
    if "|" in ctx.args:
        return contacts.ContactNames((pair_arg(ctx),))
    words = clean(ctx.args).split()
    if len(words) < 2:
        raise UsageError("contact.args")
    return contacts.ContactNames(
        tuple(
            (" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(len(words) - 1, 0, -1)
        )
    )


async def add_contact(ctx: Context) -> None:
    await contacts.add(ctx.call, member_and_person(ctx))


async def remove_contact(ctx: Context) -> None:
    await contacts.remove(ctx.call, member_and_person(ctx))


def register(router: Router) -> None:
    router.add("iam", "ichbin", uses=contacts.iam)(iam)
    router.add("contact", "kontakt", sub="add", sub_alias="neu", uses=contacts.add)(add_contact)
    router.add("contact", "kontakt", sub="remove", sub_alias="entfernen", uses=contacts.remove)(
        remove_contact
    )
