"""/rotation and /host skip|swap|set: who hosts when, and the coordinators' changes to it."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import Member, RotationOverride
from bot.core.reply import Bold, BulletList, Paragraph, Reply, Span, Text
from bot.core.router import Role, Router
from bot.core.text import MAX_TEXT, clean
from bot.core.timefmt import fmt_date
from bot.i18n.meetings import period_text
from bot.usecases import meetings as svc
from bot.usecases.announce import announce
from bot.usecases.members import find_member, split_member_prefix
from bot.usecases.plan import Plan, Turn, current_plan
from handlers.args import name_arg
from handlers.meetings import when_text

HISTORY = 10


def _turn_item(ctx: Context, turn: Turn) -> tuple[Span, ...]:
    if turn.meeting is not None:
        when = when_text(ctx, turn.meeting.starts_at)
    else:
        assert turn.period is not None
        when = ctx.catalog.text(
            ctx.lang, "rotation.expected", period=period_text(ctx.texts, turn.period)
        )
    return (Bold(turn.member.name), Text(f" — {when}"))


def _override_item(ctx: Context, plan: Plan, o: RotationOverride, actors: dict[int, str]) -> str:
    first = plan.member(o.member_id)
    other = plan.member(o.other_member_id)
    text = ctx.catalog.text(
        ctx.lang,
        f"rotation.override.{o.kind}",
        date=fmt_date(o.at, ctx.lang, ctx.p.timezone),
        actor=actors.get(o.actor_id or -1, "-"),
        member=first.name if first else "-",
        other=other.name if other else "-",
    )
    if o.reason:
        text += " " + ctx.catalog.text(ctx.lang, "host.reason", reason=o.reason)
    return text


async def show_rotation(ctx: Context) -> Reply:
    plan = await current_plan(ctx.uow, ctx.p, ctx.now)
    cadence = ctx.catalog.text(ctx.lang, f"cadence.{ctx.p.cadence}")
    blocks: list[Paragraph | BulletList] = [
        ctx.t("rotation.header", name=ctx.p.name, cadence=cadence)
    ]
    if plan.turns:
        blocks.append(ctx.t("rotation.next"))
        blocks.append(BulletList(tuple(_turn_item(ctx, t) for t in plan.turns), ordered=True))
    else:
        blocks.append(ctx.t("rotation.no_members"))
    held = plan.held[-HISTORY:]
    if held:
        blocks.append(ctx.t("rotation.past"))
        blocks.append(
            BulletList(
                tuple(
                    (
                        Text(fmt_date(m.starts_at, ctx.lang, ctx.p.timezone) + ": "),
                        Bold(h.name if h else "-"),
                    )
                    for m, h in reversed(held)
                )
            )
        )
    overrides = plan.overrides[-HISTORY:]
    if overrides:
        persons = await ctx.uow.persons.many({o.actor_id for o in overrides if o.actor_id})
        actors = {i: p.display_name for i, p in persons.items()}
        blocks.append(ctx.t("rotation.overrides"))
        blocks.append(
            BulletList(
                tuple((Text(_override_item(ctx, plan, o, actors)),) for o in reversed(overrides))
            )
        )
    return Reply.of(*blocks)


def _reason(ctx: Context, text: str) -> str:
    reason = clean(text)
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    return reason


def _active_member(plan: Plan, name: str) -> Member:
    member = find_member(plan.members, name)
    if member is None:
        raise UsageError("member.unknown", name=name)
    return member


async def _record(
    ctx: Context,
    plan: Plan,
    kind: str,
    first: Member,
    second: Member | None,
    reason: str,
) -> None:
    after = await svc.override(
        ctx.uow, ctx.p, plan, kind, first, second, reason, ctx.person, ctx.now
    )
    lines = [
        ctx.t(
            f"host.{kind}.announce",
            person=ctx.person.display_name,
            member=first.name,
            other=second.name if second else "",
        )
    ]
    if reason:
        lines.append(ctx.t("host.reason", reason=reason))
    if after.next_host is not None:
        lines.append(ctx.t("host.next", host=after.next_host.name))
    await announce(ctx.uow, ctx.p.id, Reply.of(*lines), ctx.now)


async def skip(ctx: Context) -> None:
    reason = _reason(ctx, ctx.args)
    plan = await current_plan(ctx.uow, ctx.p, ctx.now)
    if len(plan.turns) < 2:
        raise UserError("host.skip_alone")
    first, second = plan.turns[0].member, plan.turns[1].member
    if first.id == second.id:
        raise UserError("host.skip_alone")
    await _record(ctx, plan, "skip", first, second, reason)


async def swap(ctx: Context) -> None:
    """`<A> | <B> [| reason]`."""
    parts = ctx.args.split("|", 2)
    if len(parts) < 2:
        raise UsageError("error.pair_missing")
    first_name, second_name = name_arg(ctx, parts[0]), name_arg(ctx, parts[1])
    reason = _reason(ctx, parts[2] if len(parts) > 2 else "")
    plan = await current_plan(ctx.uow, ctx.p, ctx.now)
    first = _active_member(plan, first_name)
    second = _active_member(plan, second_name)
    if first.id == second.id:
        raise UsageError("host.swap_same", member=first.name)
    await _record(ctx, plan, "swap", first, second, reason)


async def set_host(ctx: Context) -> None:
    """`<member> [reason]`, like /member remove."""
    text = clean(ctx.args)
    if not text:
        raise UsageError("error.name_missing")
    if len(text) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(text))
    plan = await current_plan(ctx.uow, ctx.p, ctx.now)
    split = split_member_prefix(plan.members, text)
    if split is None:
        raise UsageError("member.unknown", name=text)
    member, reason = split[0], _reason(ctx, split[1])
    if plan.next_host is not None and plan.next_host.id == member.id:
        raise UserError("host.set_already", member=member.name)
    await _record(ctx, plan, "set", member, None, reason)


def register(router: Router) -> None:
    router.add("rotation", "reihenfolge")(show_rotation)
    router.add("host", "gastgeber", Role.COORDINATOR, sub="skip", sub_alias="ueberspringen")(skip)
    router.add("host", "gastgeber", Role.COORDINATOR, sub="swap", sub_alias="tauschen")(swap)
    router.add("host", "gastgeber", Role.COORDINATOR, sub="set", sub_alias="setzen")(set_host)
