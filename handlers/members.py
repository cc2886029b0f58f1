"""/members, /member add|remove|rename, /iam, /contact add|remove."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import Member, Person
from bot.core.reply import Bold, BulletList, Paragraph, Reply, Span, Text
from bot.core.router import Role, Router
from bot.core.text import MAX_TEXT, clean
from bot.core.timefmt import fmt_date
from bot.usecases import members as svc
from bot.usecases.announce import announce
from bot.usecases.people import find_person
from bot.usecases.plan import Plan, current_plan, raise_sequences
from handlers.args import name_arg, pair_arg


async def _members(ctx: Context) -> list[Member]:
    return await ctx.uow.members.of_partnership(ctx.p.id)


async def _member_named(ctx: Context, name: str) -> Member:
    member = svc.find_member(await _members(ctx), name)
    if member is None:
        raise UserError("member.unknown", name=name)
    return member


async def list_members(ctx: Context) -> Reply:
    roster = await svc.roster(ctx.uow, ctx.p)
    order = svc.host_order(roster.members)
    if not order:
        return ctx.say("members.none")
    items: list[tuple[Span, ...]] = []
    for member in order:
        people = roster.contacts_of(member)
        contacts = (
            ", ".join(p.display_name for p in people)
            if people
            else ctx.catalog.text(ctx.lang, "members.no_contact")
        )
        since = ctx.catalog.text(
            ctx.lang, "members.since", date=fmt_date(member.joined_at, ctx.lang, ctx.p.timezone)
        )
        items.append((Bold(member.name), Text(f" — {since} — {contacts}")))
    return Reply.of(
        ctx.t("members.header", name=ctx.p.name, count=len(order)),
        BulletList(tuple(items), ordered=True),
    )


async def _next_host_line(ctx: Context, before: Plan) -> Paragraph:
    """Who is in line to host after a join or exit, and whether that changed."""
    after = await current_plan(ctx.uow, ctx.p, ctx.now)
    await raise_sequences(ctx.uow, before, after, ctx.now)
    old, new = before.next_host, after.next_host
    if new is None:
        return ctx.t("rotation.next_nobody")
    if old is None:
        return ctx.t("rotation.next_first", host=new.name)
    if old.id == new.id:
        return ctx.t("rotation.next_unchanged", host=new.name)
    return ctx.t("rotation.next_changed", host=new.name, previous=old.name)


async def add_member(ctx: Context) -> None:
    name = name_arg(ctx)
    before = await current_plan(ctx.uow, ctx.p, ctx.now)
    member, rejoined = await svc.add_member(ctx.uow, ctx.p, name, ctx.person, ctx.now)
    key = "member.rejoined" if rejoined else "member.added"
    message = Reply.of(
        ctx.t(key, member=member.name, person=ctx.person.display_name),
        await _next_host_line(ctx, before),
    )
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


async def remove_member(ctx: Context) -> None:
    name_arg(ctx)
    split = svc.split_member_prefix(await _members(ctx), clean(ctx.args))
    if split is None:
        raise UserError("member.unknown", name=clean(ctx.args))
    member, reason = split
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    before = await current_plan(ctx.uow, ctx.p, ctx.now)
    await svc.remove_member(ctx.uow, ctx.p, member, reason, ctx.person, ctx.now)
    key = "member.removed_reason" if reason else "member.removed"
    message = Reply.of(
        ctx.t(key, member=member.name, person=ctx.person.display_name, reason=reason),
        await _next_host_line(ctx, before),
    )
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


async def rename_member(ctx: Context) -> None:
    old_name, new_name = pair_arg(ctx)
    member = await _member_named(ctx, old_name)
    old = await svc.rename_member(ctx.uow, ctx.p, member, new_name, ctx.person, ctx.now)
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say("member.renamed", old=old, new=new_name, person=ctx.person.display_name),
        ctx.now,
    )


async def iam(ctx: Context) -> Reply | None:
    if not clean(ctx.args):
        roster = await svc.roster(ctx.uow, ctx.p)
        member = roster.member_of(ctx.person)
        if member is None:
            return ctx.say("iam.nobody", person=ctx.person.display_name)
        return ctx.say("iam.who", person=ctx.person.display_name, member=member.name)
    member = await _member_named(ctx, name_arg(ctx))
    previous = await svc.register_contact(ctx.uow, ctx.p, member, ctx.person, ctx.person, ctx.now)
    await _announce_contact(ctx, member, ctx.person, previous)
    return None


async def _announce_contact(
    ctx: Context, member: Member, person: Person, previous: Member | None
) -> None:
    if previous is not None:
        message = ctx.say(
            "contact.added_switched",
            person=person.display_name,
            member=member.name,
            previous=previous.name,
        )
    else:
        message = ctx.say("contact.added", person=person.display_name, member=member.name)
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


async def _member_and_person(ctx: Context) -> tuple[Member, Person]:
    """`<member> <person>` or `<member> | <person>`; tries every split of the words."""
    if "|" in ctx.args:
        member_name, person_name = pair_arg(ctx)
        return await _member_named(ctx, member_name), await find_person(ctx.uow, ctx.p, person_name)
    words = clean(ctx.args).split()
    if len(words) < 2:
        raise UsageError("contact.args")
    members = await _members(ctx)
    last_error: UserError | None = None
    for cut in range(len(words) - 1, 0, -1):
        member = svc.find_member(members, " ".join(words[:cut]))
        if member is None:
            continue
        try:
            return member, await find_person(ctx.uow, ctx.p, " ".join(words[cut:]))
        except UserError as error:
            last_error = error
    raise last_error or UserError("member.unknown", name=" ".join(words[:-1]))


async def add_contact(ctx: Context) -> None:
    member, person = await _member_and_person(ctx)
    previous = await svc.register_contact(ctx.uow, ctx.p, member, person, ctx.person, ctx.now)
    await _announce_contact(ctx, member, person, previous)


async def remove_contact(ctx: Context) -> None:
    member, person = await _member_and_person(ctx)
    await svc.unregister_contact(ctx.uow, ctx.p, member, person, ctx.person, ctx.now)
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say(
            "contact.removed",
            person=person.display_name,
            member=member.name,
            actor=ctx.person.display_name,
        ),
        ctx.now,
    )


def register(router: Router) -> None:
    router.add("members", "mitglieder")(list_members)
    router.add("member", "mitglied", Role.COORDINATOR, sub="add", sub_alias="neu")(add_member)
    router.add(
        "member", "mitglied", Role.COORDINATOR, sub="remove", sub_alias="entfernen", confirm=True
    )(remove_member)
    router.add("member", "mitglied", Role.COORDINATOR, sub="rename", sub_alias="umbenennen")(
        rename_member
    )
    router.add("iam", "ichbin")(iam)
    router.add("contact", "kontakt", Role.COORDINATOR, sub="add", sub_alias="neu")(add_contact)
    router.add("contact", "kontakt", Role.COORDINATOR, sub="remove", sub_alias="entfernen")(
        remove_contact
    )
