"""/schedule, /next, /meetings, /move, /cancel, /calendar: when and where the partners meet."""

from __future__ import annotations

from datetime import datetime

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.model import Meeting, Member
from bot.core.reply import (
    Attachment,
    Bold,
    BulletList,
    Paragraph,
    Reply,
    Span,
    Text,
    command_or_code,
)
from bot.core.router import Router
from bot.core.text import MAX_NAME, MAX_TEXT, clean
from bot.core.timefmt import fmt_date, fmt_datetime
from bot.domain.calendar import build_ics
from bot.domain.dates import MAX_DATE_TEXT, DateReading, Problem, read_date_and_place
from bot.domain.places import without_article
from bot.i18n.meetings import calendar_event, day_text, host_line, in_place, period_text
from bot.usecases import meetings
from bot.usecases.plan import default_place


def when_text(ctx: Context, at: datetime) -> str:
    return fmt_datetime(at, ctx.lang, ctx.partnership.timezone)


def refuse_date(ctx: Context, reading: DateReading, text: str) -> UsageError:
    """A reason that says what was understood; the command's example follows."""
    problem = reading.problem
    wall = reading.wall
    if problem is Problem.TOO_LONG:
        return UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    if problem is Problem.NO_TIME and wall is not None:
        return UsageError("date.no_time", day=day_text(ctx.texts, wall))
    if problem is Problem.PAST and wall is not None:
        return UsageError("date.past", when=when_text(ctx, wall))
    if problem is Problem.TOO_FAR and wall is not None:
        return UsageError("date.too_far", when=when_text(ctx, wall))
    if problem is Problem.NONEXISTENT and wall is not None:
        return UsageError(
            "date.nonexistent",
            day=fmt_date(wall, ctx.lang, ctx.partnership.timezone),
            time=f"{wall.hour:02d}:{wall.minute:02d}",
        )
    return UsageError("date.not_understood", text=text[:80])


def read_when(ctx: Context) -> tuple[datetime, str]:
    """`<when> [in|at <place>]` from the arguments, or a refusal with an example."""
    text = clean(ctx.args)
    if not text:
        raise UsageError("date.missing")
    if len(text) > MAX_DATE_TEXT + MAX_NAME + 10:
        raise UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    reading, place = read_date_and_place(text, ctx.now, ctx.partnership.timezone)
    if reading.at is None:
        raise refuse_date(ctx, reading, text)
    place = without_article(place)
    if len(place) > MAX_NAME:
        raise UsageError("meeting.place_too_long", max=MAX_NAME, length=len(place))
    return reading.at, place


async def schedule(ctx: Context) -> None:
    """Announced in every room (this one included) by the chat channel."""
    at, place = read_when(ctx)
    await meetings.schedule(ctx.call, meetings.ScheduleMeeting(at, place))


async def move(ctx: Context) -> None:
    at, place = read_when(ctx)
    await meetings.move(ctx.call, meetings.MoveMeeting(at, place))


async def cancel(ctx: Context) -> None:
    reason = clean(ctx.args)
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    cancelled = await meetings.cancel(ctx.call, meetings.CancelMeeting(reason))
    meeting, host = cancelled.meeting, cancelled.host
    ctx.confirming = ctx.t(
        "cancel.confirm_reason" if reason else "cancel.confirm",
        when=when_text(ctx, meeting.starts_at),
        in_place=in_place(ctx.texts, default_place(meeting, host)),
        host=host.name if host else "-",
        reason=reason,
    )


async def next_meeting(ctx: Context) -> Reply:
    found = await meetings.next_meeting(ctx.call)
    if found.meeting is None:
        turn = found.expected
        if turn is None or turn.period is None:
            return ctx.say("next.no_members")
        return Reply.of(
            ctx.t("next.none", host=turn.member.name, period=period_text(ctx.texts, turn.period)),
            ctx.t(
                "next.how",
                command=command_or_code(ctx.texts.text("next.command")),
                example=command_or_code(ctx.texts.text("cmd.schedule.example")),
            ),
        )
    meeting, host = found.meeting, found.host
    assert found.agenda_deadline is not None
    return Reply.of(
        ctx.t(
            "next.meeting",
            when=when_text(ctx, meeting.starts_at),
            in_place=in_place(ctx.texts, default_place(meeting, host)),
        ),
        host_line(ctx.texts, host),
        ctx.t(
            "next.agenda" if found.agenda_open else "next.agenda_closed",
            count=found.agenda_items,
            deadline=when_text(ctx, found.agenda_deadline),
        ),
    )


def _meeting_item(ctx: Context, meeting: Meeting, host: Member | None) -> tuple[Span, ...]:
    spans: list[Span] = [Bold(when_text(ctx, meeting.starts_at))]
    if meeting.cancelled:
        note = ctx.texts.text("meetings.cancelled")
        if meeting.cancel_reason:
            note += " – " + meeting.cancel_reason
        spans.append(Text(f" — {note}"))
        return tuple(spans)
    spans.append(
        Text(
            " — "
            + default_place(meeting, host)
            + " — "
            + ctx.texts.text("meetings.host", host=host.name if host else "-")
        )
    )
    return tuple(spans)


async def list_meetings(ctx: Context) -> Reply:
    found = await meetings.list_meetings(ctx.call)
    if not found.coming and not found.past:
        return ctx.say("meetings.none")
    blocks: list[Paragraph | BulletList] = [ctx.t("meetings.upcoming", count=len(found.coming))]
    if found.coming:
        blocks.append(BulletList(tuple(_meeting_item(ctx, m, h) for m, h in found.coming)))
    if found.past:
        blocks.append(ctx.t("meetings.past"))
        blocks.append(BulletList(tuple(_meeting_item(ctx, m, h) for m, h in found.past)))
    return Reply.of(*blocks)


async def calendar(ctx: Context) -> Reply:
    found = await meetings.calendar(ctx.call)
    if not found.coming:
        return ctx.say("calendar.none")
    partnership = found.partnership
    events = [calendar_event(ctx.texts, partnership, m, h) for m, h in found.coming]
    data = build_ics(partnership.name, partnership.timezone, events, ctx.now)
    name = ctx.texts.text("ics.calendar_filename")
    return Reply.of(
        ctx.t("calendar.sent", count=len(found.coming)),
        attachments=(Attachment(name, "text/calendar", data),),
    )


def register(router: Router) -> None:
    router.add("next", "naechstes", uses=meetings.next_meeting)(next_meeting)
    router.add("meetings", "treffen", uses=meetings.list_meetings)(list_meetings)
    router.add("schedule", "termin", uses=meetings.schedule)(schedule)
    router.add("move", "verschieben", uses=meetings.move)(move)
    router.add("cancel", "absagen", confirm=True, uses=meetings.cancel)(cancel)
    router.add("calendar", "kalender", uses=meetings.calendar)(calendar)
