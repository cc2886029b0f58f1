"""/schedule, /next, /meetings, /move, /cancel, /calendar: when and where the partners meet."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import confirm
from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.events import MessageEvent
from bot.core.model import Meeting, Member
from bot.core.reply import Attachment, Bold, BulletList, Code, Paragraph, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import MAX_NAME, MAX_TEXT, clean
from bot.core.timefmt import fmt_datetime
from bot.domain.calendar import build_ics
from bot.domain.date_notes import notes_for
from bot.domain.dates import (
    MAX_DATE_TEXT,
    DateReading,
    Problem,
    WhenWhere,
    read_date_and_place,
    typed,
)
from bot.i18n import dates as dates_i18n
from bot.i18n.meetings import calendar_event, host_line, period_text
from bot.usecases import meetings
from bot.usecases.plan import default_place


def when_text(ctx: Context, at: datetime) -> str:
    return fmt_datetime(at, ctx.lang, ctx.partnership.timezone)


def refuse_date(ctx: Context, reading: DateReading, text: str) -> UsageError:
    """A reason that says what was understood; the command's example follows."""
    return dates_i18n.refusal(ctx.texts, reading, text)


async def ask_date(ctx: Context, reading: DateReading, rest: str) -> Reply:
    """The best reading (and a second one, for a weekday that contradicts the date) to
    confirm with one tap; `rest` follows the date in the command to run ("| Rathaus")."""
    assert reading.wall is not None
    assert isinstance(ctx.event, MessageEvent)
    command = ctx.event.text.split(" ", 1)[0]
    line = typed(reading.wall, reading.end)
    choices = [(dates_i18n.reading_text(ctx.texts, reading), f"{command} {line}{rest}")]
    if reading.other is not None:
        other = DateReading(reading.other, reading.other, end=reading.end)
        choices.append(
            (dates_i18n.reading_text(ctx.texts, other), f"{command} {typed(reading.other)}{rest}")
        )
    return await confirm.offer(ctx, dates_i18n.question(ctx.texts, reading, line), choices)


def read_when(ctx: Context) -> WhenWhere:
    """`<when> [in|at] [<place>]` from the arguments, or a refusal with an example; the
    reading may still be unsure (asked back by the caller)."""
    text = clean(ctx.args)
    if not text:
        raise UsageError("date.missing")
    if len(text) > MAX_DATE_TEXT + MAX_NAME + 10:
        raise UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    found = read_date_and_place(text, ctx.now, ctx.partnership.timezone, language=ctx.lang)
    reading = found.reading
    if reading.at is None and reading.problem is not Problem.UNSURE:
        raise refuse_date(ctx, reading, text)
    if len(found.place) > MAX_NAME:
        raise UsageError("meeting.place_too_long", max=MAX_NAME, length=len(found.place))
    return found


def _rest(found: WhenWhere) -> str:
    where = " ".join(part for part in (found.place, found.link) if part)
    return f" | {where}" if where else ""


def _notes(ctx: Context, at: datetime) -> Reply | None:
    wall = at.astimezone(ZoneInfo(ctx.partnership.timezone))
    notes = notes_for(wall, ctx.partnership.state, ctx.lang)
    paragraph = dates_i18n.notes_text(ctx.texts, wall, notes)
    return Reply.of(paragraph) if paragraph is not None else None


async def schedule(ctx: Context) -> Reply | None:
    """Announced in every room (this one included) by the chat channel; a weekend, a
    holiday or a night hour is pointed out here."""
    found = read_when(ctx)
    if found.reading.at is None:
        return await ask_date(ctx, found.reading, _rest(found))
    # the lead wires found.reading.end and found.link into the meeting (h7's fields)
    place = found.place or found.link
    await meetings.schedule(ctx.call, meetings.ScheduleMeeting(found.reading.at, place))
    return _notes(ctx, found.reading.at)


async def move(ctx: Context) -> Reply | None:
    found = read_when(ctx)
    if found.reading.at is None:
        return await ask_date(ctx, found.reading, _rest(found))
    place = found.place or found.link
    await meetings.move(ctx.call, meetings.MoveMeeting(found.reading.at, place))
    return _notes(ctx, found.reading.at)


async def cancel(ctx: Context) -> None:
    reason = clean(ctx.args)
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    await meetings.cancel(ctx.call, meetings.CancelMeeting(reason))


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
                command=Code(ctx.texts.text("next.command")),
                example=Code(ctx.texts.text("cmd.schedule.example")),
            ),
        )
    meeting, host = found.meeting, found.host
    assert found.agenda_deadline is not None
    return Reply.of(
        ctx.t(
            "next.meeting",
            when=when_text(ctx, meeting.starts_at),
            place=default_place(meeting, host),
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
