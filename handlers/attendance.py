"""/zusage, /absage, /vielleicht (/attend, /decline, /maybe): answer an invitation;
/teilnahme (/attendance): who comes; /abwesend (/absent): correct meeting mode's attendance."""

from __future__ import annotations

from bot.core.attendance import MAYBE, NO, YES
from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Reply
from bot.core.router import Router
from bot.core.text import MAX_NAME, clean
from bot.i18n.attendance import COMMANDS, answer_buttons, tally_blocks
from bot.i18n.meetings import in_place, place_text
from bot.usecases import attendance, meetings
from handlers.meetings import _which_question, when_text


def _which(ctx: Context) -> str:
    """The meeting named (a number or a day), or nothing; anything else is refused."""
    which = clean(ctx.args)
    if len(which) > MAX_NAME:
        raise UsageError("error.text_too_long", max=MAX_NAME, length=len(which))
    if which and not meetings.is_meeting_name(which):
        raise UsageError("attendance.which_unknown", text=which)
    return which


async def _reply(ctx: Context, answer: str) -> Reply:
    which = _which(ctx)
    found = await attendance.reply(ctx.call, attendance.ReplyToMeeting(answer, which))
    if isinstance(found, meetings.WhichMeeting):
        word = COMMANDS["de" if ctx.german else "en"][answer]
        raise _which_question(ctx, found, f"/{word} " + "{n}")
    when = when_text(ctx, found.meeting.starts_at)
    lines = [ctx.t(f"attendance.noted.{answer}", person=ctx.person.display_name, when=when)]
    if found.before == answer:
        lines.append(ctx.t("attendance.same"))
    elif found.before is not None:
        lines.append(
            ctx.t("attendance.changed", before=ctx.texts.text(f"attendance.answer.{found.before}"))
        )
    if found.member is None:
        lines.append(ctx.t("attendance.no_member"))
    return Reply.of(*lines)


async def attend(ctx: Context) -> Reply:
    return await _reply(ctx, YES)


async def decline(ctx: Context) -> Reply:
    return await _reply(ctx, NO)


async def maybe(ctx: Context) -> Reply:
    return await _reply(ctx, MAYBE)


async def show(ctx: Context) -> Reply:
    """Per member who comes, who does not, maybe, and who has not answered; with the
    buttons to answer."""
    which = _which(ctx)
    found = await attendance.show(ctx.call, which)
    if isinstance(found, meetings.WhichMeeting):
        raise _which_question(
            ctx, found, "/" + ("teilnahme" if ctx.german else "attendance") + " {n}"
        )
    meeting, zone = found.tally.meeting, ctx.partnership.timezone
    blocks = tally_blocks(ctx.catalog, ctx.lang, zone, found.tally)
    blocks.insert(
        1,
        ctx.t(
            "attendance.where",
            in_place=in_place(ctx.texts, place_text(meeting, found.host)),
            host=found.host.name if found.host else "-",
        ),
    )
    return Reply.of(*blocks, buttons=answer_buttons(ctx.catalog, ctx.lang, meeting, zone))


async def absent(ctx: Context) -> Reply:
    noted = await attendance.absent(ctx.call, clean(ctx.args))
    return ctx.say(
        "absent.noted",
        member=noted.member,
        count=len(noted.present),
        names=", ".join(noted.present),
    )


def register(router: Router) -> None:
    router.add("attend", "zusage", uses=attendance.reply)(attend)
    router.add("decline", "absage", uses=attendance.reply)(decline)
    router.add("maybe", "vielleicht", uses=attendance.reply)(maybe)
    router.add("attendance", "teilnahme", uses=attendance.show)(show)
    router.add("absent", "abwesend", uses=attendance.absent)(absent)
