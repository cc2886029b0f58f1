"""/rotation and /host skip|swap|set: who hosts when, and the coordinators' changes to it."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Bold, BulletList, Paragraph, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import MAX_TEXT, clean
from bot.core.timefmt import fmt_date
from bot.i18n.meetings import period_text
from bot.usecases import rotation
from bot.usecases.plan import Turn
from handlers.args import name_arg
from handlers.meetings import when_text


def _turn_item(ctx: Context, turn: Turn) -> tuple[Span, ...]:
    if turn.meeting is not None:
        when = when_text(ctx, turn.meeting.starts_at)
    else:
        assert turn.period is not None
        when = ctx.texts.text("rotation.expected", period=period_text(ctx.texts, turn.period))
    return (Bold(turn.member.name), Text(f" — {when}"))


def _change_item(ctx: Context, change: rotation.Change) -> str:
    text = ctx.texts.text(
        f"rotation.override.{change.kind}",
        date=fmt_date(change.at, ctx.lang, ctx.partnership.timezone),
        actor=change.by,
        member=change.member,
        other=change.other,
    )
    if change.reason:
        text += " " + ctx.texts.text("host.reason", reason=change.reason)
    return text


async def show_rotation(ctx: Context) -> Reply:
    found = await rotation.show(ctx.call)
    partnership = found.partnership
    cadence = ctx.texts.text(f"cadence.{partnership.cadence}")
    blocks: list[Paragraph | BulletList] = [
        ctx.t("rotation.header", name=partnership.name, cadence=cadence)
    ]
    if found.turns:
        blocks.append(ctx.t("rotation.next"))
        blocks.append(BulletList(tuple(_turn_item(ctx, t) for t in found.turns), ordered=True))
    else:
        blocks.append(ctx.t("rotation.no_members"))
    if found.held:
        blocks.append(ctx.t("rotation.past"))
        blocks.append(
            BulletList(
                tuple(
                    (
                        Text(fmt_date(m.starts_at, ctx.lang, partnership.timezone) + ": "),
                        Bold(h.name if h else "-"),
                    )
                    for m, h in found.held
                )
            )
        )
    if found.changes:
        blocks.append(ctx.t("rotation.overrides"))
        blocks.append(BulletList(tuple((Text(_change_item(ctx, c)),) for c in found.changes)))
    return Reply.of(*blocks)


def _reason(text: str) -> str:
    reason = clean(text)
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    return reason


async def skip(ctx: Context) -> None:
    """`[reason]`: announced in every room by the chat channel."""
    await rotation.skip(ctx.call, rotation.SkipTurn(_reason(ctx.args)))


async def swap(ctx: Context) -> None:
    """`<A> | <B> [| reason]`, or `<A> <B> [reason]` with the members' full names."""
    parts = ctx.args.split("|", 2)
    if len(parts) < 2:
        words = name_arg(ctx, ctx.args)
        await rotation.swap(ctx.call, rotation.SwapTurns(words, "", ""))
        return
    first, second = name_arg(ctx, parts[0]), name_arg(ctx, parts[1])
    reason = _reason(parts[2] if len(parts) > 2 else "")
    await rotation.swap(ctx.call, rotation.SwapTurns(first, second, reason))


async def set_host(ctx: Context) -> None:
    """`<member> [reason]`, like /member remove."""
    text = clean(ctx.args)
    if not text:
        raise UsageError("error.name_missing")
    if len(text) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(text))
    await rotation.set_host(ctx.call, rotation.SetHost(text))


def register(router: Router) -> None:
    router.add("rotation", "reihenfolge", uses=rotation.show)(show_rotation)
    router.add("host", "gastgeber", sub="skip", sub_alias="ueberspringen", uses=rotation.skip)(skip)
    router.add("host", "gastgeber", sub="swap", sub_alias="tauschen", uses=rotation.swap)(swap)
    router.add("host", "gastgeber", sub="set", sub_alias="setzen", uses=rotation.set_host)(set_host)
