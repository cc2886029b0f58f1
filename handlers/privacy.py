"""/mydata, /forgetme, /forget: a person's data on request, and forgetting them.

/mydata answers in the room it was asked in (the neutral reply has no private channel), so
the file holds only what that room's partnership knows, with the accounts on that platform.
"""

from __future__ import annotations

from bot.core.context import Context
from bot.core.reply import Attachment, Reply
from bot.core.router import Router
from bot.usecases import privacy
from handlers.args import name_arg


def _placeholder(ctx: Context) -> str:
    return ctx.texts.text("privacy.placeholder")


async def my_data(ctx: Context) -> Reply:
    data = await privacy.my_data(ctx.call)
    filename = ctx.texts.text("privacy.filename")
    return Reply.of(
        ctx.t("privacy.mydata", name=data.partnership),
        ctx.t("privacy.mydata_scope"),
        attachments=(Attachment(filename, "application/json", data.document),),
    )


async def forget_me(ctx: Context) -> Reply:
    done = await privacy.forget_me(ctx.call, privacy.ForgetMe(_placeholder(ctx)))
    ctx.confirming = ctx.t("privacy.forget_me_confirm", accounts=done.accounts)
    return ctx.say("privacy.forgotten_me", accounts=done.accounts, placeholder=_placeholder(ctx))


async def forget(ctx: Context) -> Reply:
    done = await privacy.forget(ctx.call, privacy.Forget(name_arg(ctx), _placeholder(ctx)))
    name = done.person
    ctx.confirming = ctx.t("privacy.forget_confirm", person=name, name=ctx.partnership.name)
    return Reply.of(
        ctx.t(
            "privacy.forgotten",
            person=name,
            name=ctx.partnership.name,
            placeholder=_placeholder(ctx),
        ),
        ctx.t("privacy.erased" if done.erased else "privacy.kept_elsewhere", person=name),
    )


def register(router: Router) -> None:
    router.add("mydata", "meinedaten", uses=privacy.my_data)(my_data)
    router.add("forgetme", "vergissmich", confirm=True, uses=privacy.forget_me)(forget_me)
    router.add("forget", "vergessen", confirm=True, uses=privacy.forget)(forget)
