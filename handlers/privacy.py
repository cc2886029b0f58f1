"""/mydata, /forgetme, /forget: a person's data on request, and forgetting them.

/mydata answers in the room it was asked in (the neutral reply has no private channel), so
the file holds only what that room's partnership knows, with the accounts on that platform.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UserError
from bot.core.reply import Attachment, Reply
from bot.core.router import Role, Router
from bot.usecases import privacy
from handlers.args import name_arg


def _placeholder(ctx: Context) -> str:
    return ctx.catalog.text(ctx.lang, "privacy.placeholder")


async def my_data(ctx: Context) -> Reply:
    data = await privacy.my_data(ctx.uow, ctx.person, ctx.p, ctx.r.ref.platform, ctx.now)
    filename = ctx.catalog.text(ctx.lang, "privacy.filename")
    return Reply.of(
        ctx.t("privacy.mydata", name=ctx.p.name),
        ctx.t("privacy.mydata_scope"),
        attachments=(Attachment(filename, "application/json", data),),
    )


async def forget_me(ctx: Context) -> Reply:
    done = await privacy.forget_me(ctx.uow, ctx.person, _placeholder(ctx), ctx.p, ctx.now)
    return ctx.say("privacy.forgotten_me", accounts=done.accounts, placeholder=_placeholder(ctx))


async def forget(ctx: Context) -> Reply:
    person = await privacy.find_anyone(ctx.uow, ctx.p, name_arg(ctx))
    if person.id == ctx.person.id:
        raise UserError(
            "privacy.forget_self", command="/vergissmich" if ctx.german else "/forgetme"
        )
    name = person.display_name
    done = await privacy.forget_in(ctx.uow, person, _placeholder(ctx), ctx.p, ctx.now)
    return Reply.of(
        ctx.t("privacy.forgotten", person=name, name=ctx.p.name, placeholder=_placeholder(ctx)),
        ctx.t("privacy.erased" if done.erased else "privacy.kept_elsewhere", person=name),
    )


def register(router: Router) -> None:
    router.add("mydata", "meinedaten")(my_data)
    router.add("forgetme", "vergissmich", confirm=True)(forget_me)
    router.add("forget", "vergessen", Role.COORDINATOR, confirm=True)(forget)
