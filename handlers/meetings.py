"""/schedule, /next, /meetings, /move, /cancel, /calendar: when and where the partners meet."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import Meeting, Member
from bot.core.reply import Attachment, Bold, BulletList, Code, Paragraph, Reply, Span, Text
from bot.core.router import Router
from bot.core.text import MAX_NAME, MAX_TEXT, clean
from bot.core.timefmt import fmt_date, fmt_datetime, local
from bot.services import agenda as agenda_svc
from bot.services import meetings as svc
from bot.services.announce import announce
from bot.services.calendar import CalendarEvent, build_ics
from bot.services.dates import MAX_DATE_TEXT, DateReading, Problem, read_date_and_place
from bot.services.members import roster

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def when_text(ctx: Context, at: datetime) -> str:
    return fmt_datetime(at, ctx.lang, ctx.p.timezone)


def period_text(ctx: Context, period: svc.Period) -> str:
    """ "im 1. Quartal 2027" / "in Q1 2027": the period a turn is expected in."""
    cadence = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "yearly"}[period.months]
    month = format_date(date(period.year, period.first_month, 1), "MMMM", locale=_LOCALES[ctx.lang])
    return ctx.catalog.text(
        ctx.lang, f"period.{cadence}", n=period.index + 1, year=period.year, month=month
    )


def _day_text(ctx: Context, when: datetime) -> str:
    pattern = "EEEE, d. MMMM yyyy" if ctx.german else "EEEE, d MMMM yyyy"
    return str(format_date(when.date(), pattern, locale=_LOCALES[ctx.lang]))


def refuse_date(ctx: Context, reading: DateReading, text: str) -> UsageError:
    """A reason that says what was understood; the command's example follows."""
    problem = reading.problem
    wall = reading.wall
    if problem is Problem.TOO_LONG:
        return UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    if problem is Problem.NO_TIME and wall is not None:
        return UsageError("date.no_time", day=_day_text(ctx, wall))
    if problem is Problem.PAST and wall is not None:
        return UsageError("date.past", when=when_text(ctx, wall))
    if problem is Problem.TOO_FAR and wall is not None:
        return UsageError("date.too_far", when=when_text(ctx, wall))
    if problem is Problem.NONEXISTENT and wall is not None:
        return UsageError(
            "date.nonexistent",
            day=fmt_date(wall, ctx.lang, ctx.p.timezone),
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
    reading, place = read_date_and_place(text, ctx.now, ctx.p.timezone)
    if reading.at is None:
        raise refuse_date(ctx, reading, text)
    if len(place) > MAX_NAME:
        raise UsageError("meeting.place_too_long", max=MAX_NAME, length=len(place))
    return reading.at, place


async def may_change(ctx: Context, host: Member | None, key: str) -> None:
    """Coordinators, and the contact persons of the member hosting that meeting."""
    if ctx.is_coordinator:
        return
    if host is not None and ctx.person in (await roster(ctx.uow, ctx.p)).contacts_of(host):
        return
    raise UserError(key, host=host.name if host else "-")


def calendar_event(ctx: Context, meeting: Meeting, host: Member | None) -> CalendarEvent:
    host_name = host.name if host else "-"
    return CalendarEvent(
        uid=meeting.uid,
        starts_at=meeting.starts_at,
        summary=ctx.catalog.text(ctx.lang, "ics.summary", name=ctx.p.name, host=host_name),
        location=svc.default_place(meeting, host),
        description=ctx.catalog.text(ctx.lang, "ics.description", host=host_name),
        sequence=meeting.sequence,
        cancelled=meeting.cancelled,
        updated_at=meeting.updated_at,
    )


def meeting_file(ctx: Context, meeting: Meeting, host: Member | None) -> Attachment:
    day = local(meeting.starts_at, ctx.p.timezone).strftime("%Y-%m-%d")
    name = ctx.catalog.text(ctx.lang, "ics.filename", date=day)
    data = build_ics(ctx.p.name, ctx.p.timezone, [calendar_event(ctx, meeting, host)], ctx.now)
    return Attachment(name, "text/calendar", data)


def _host_line(ctx: Context, host: Member | None) -> Paragraph:
    if host is None:
        return ctx.t("meeting.host_unknown")
    return ctx.t("meeting.host", host=host.name)


async def schedule(ctx: Context) -> None:
    at, place = read_when(ctx)
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    host = plan.host_for(at)
    await may_change(ctx, host, "schedule.not_allowed")
    meeting = await svc.schedule(ctx.uow, ctx.p, plan, at, place, ctx.person, ctx.now)
    after = await svc.plan(ctx.uow, ctx.p, ctx.now)
    await svc.raise_sequences(ctx.uow, plan, after, ctx.now)
    host = next((h for m, h in after.upcoming if m.id == meeting.id), host)
    message = Reply.of(
        ctx.t(
            "schedule.announce",
            when=when_text(ctx, at),
            place=svc.default_place(meeting, host),
            person=ctx.person.display_name,
        ),
        _host_line(ctx, host),
        attachments=(meeting_file(ctx, meeting, host),),
    )
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


def _next_meeting(ctx: Context, plan: svc.Plan) -> tuple[Meeting, Member | None]:
    found = plan.next_meeting
    if found is None:
        raise UserError("meeting.none_planned")
    return found


async def move(ctx: Context) -> None:
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    meeting, host = _next_meeting(ctx, plan)
    await may_change(ctx, host, "move.not_allowed")
    at, place = read_when(ctx)
    old = await svc.move(ctx.uow, ctx.p, plan, meeting, at, place, ctx.person, ctx.now)
    after = await svc.plan(ctx.uow, ctx.p, ctx.now)
    await svc.raise_sequences(ctx.uow, plan, after, ctx.now)
    host = next((h for m, h in after.upcoming if m.id == meeting.id), None)
    message = Reply.of(
        ctx.t(
            "move.announce",
            old=when_text(ctx, old),
            when=when_text(ctx, at),
            place=svc.default_place(meeting, host),
            person=ctx.person.display_name,
        ),
        _host_line(ctx, host),
        attachments=(meeting_file(ctx, meeting, host),),
    )
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


async def cancel(ctx: Context) -> None:
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    meeting, host = _next_meeting(ctx, plan)
    await may_change(ctx, host, "cancel.not_allowed")
    reason = clean(ctx.args)
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    await svc.cancel(ctx.uow, ctx.p, meeting, reason, ctx.person, ctx.now)
    after = await svc.plan(ctx.uow, ctx.p, ctx.now)
    key = "cancel.announce_reason" if reason else "cancel.announce"
    lines = [
        ctx.t(
            key,
            when=when_text(ctx, meeting.starts_at),
            person=ctx.person.display_name,
            reason=reason,
        ),
    ]
    if after.next_host is not None:
        lines.append(ctx.t("cancel.still_next", host=after.next_host.name))
    message = Reply.of(*lines, attachments=(meeting_file(ctx, meeting, host),))
    await announce(ctx.uow, ctx.p.id, message, ctx.now)


async def next_meeting(ctx: Context) -> Reply:
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    found = plan.next_meeting
    if found is None:
        turn = plan.turns[0] if plan.turns else None
        if turn is None or turn.period is None:
            return ctx.say("next.no_members")
        return Reply.of(
            ctx.t("next.none", host=turn.member.name, period=period_text(ctx, turn.period)),
            ctx.t(
                "next.how",
                command=Code(ctx.catalog.text(ctx.lang, "next.command")),
                example=Code(ctx.catalog.text(ctx.lang, "cmd.schedule.example")),
            ),
        )
    meeting, host = found
    items = await agenda_svc.agenda_for(ctx.uow, ctx.p, meeting, ctx.now)
    deadline = agenda_svc.agenda_deadline(ctx.p, meeting)
    return Reply.of(
        ctx.t(
            "next.meeting",
            when=when_text(ctx, meeting.starts_at),
            place=svc.default_place(meeting, host),
        ),
        _host_line(ctx, host),
        ctx.t(
            "next.agenda" if ctx.now <= deadline else "next.agenda_closed",
            count=len(items),
            deadline=when_text(ctx, deadline),
        ),
    )


def _meeting_item(ctx: Context, meeting: Meeting, host: Member | None) -> tuple[Span, ...]:
    spans: list[Span] = [Bold(when_text(ctx, meeting.starts_at))]
    if meeting.cancelled:
        note = ctx.catalog.text(ctx.lang, "meetings.cancelled")
        if meeting.cancel_reason:
            note += " – " + meeting.cancel_reason
        spans.append(Text(f" — {note}"))
        return tuple(spans)
    spans.append(
        Text(
            " — "
            + svc.default_place(meeting, host)
            + " — "
            + ctx.catalog.text(ctx.lang, "meetings.host", host=host.name if host else "-")
        )
    )
    return tuple(spans)


async def list_meetings(ctx: Context) -> Reply:
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    hosts = {m.id: h for m, h in plan.upcoming + plan.held}
    coming = [m for m in plan.meetings if m.starts_at > ctx.now]
    past = [m for m in plan.meetings if m.starts_at <= ctx.now][-10:]
    if not coming and not past:
        return ctx.say("meetings.none")
    blocks: list[Paragraph | BulletList] = []
    blocks.append(ctx.t("meetings.upcoming", count=len(coming)))
    if coming:
        blocks.append(BulletList(tuple(_meeting_item(ctx, m, hosts.get(m.id)) for m in coming)))
    if past:
        blocks.append(ctx.t("meetings.past"))
        blocks.append(BulletList(tuple(_meeting_item(ctx, m, hosts.get(m.id)) for m in past)))
    return Reply.of(*blocks)


async def calendar(ctx: Context) -> Reply:
    plan = await svc.plan(ctx.uow, ctx.p, ctx.now)
    hosts = {m.id: h for m, h in plan.upcoming}
    coming = [m for m in plan.meetings if m.starts_at > ctx.now]
    if not coming:
        return ctx.say("calendar.none")
    events = [calendar_event(ctx, m, hosts.get(m.id)) for m in coming]
    data = build_ics(ctx.p.name, ctx.p.timezone, events, ctx.now)
    name = ctx.catalog.text(ctx.lang, "ics.calendar_filename")
    return Reply.of(
        ctx.t("calendar.sent", count=len(coming)),
        attachments=(Attachment(name, "text/calendar", data),),
    )


def register(router: Router) -> None:
    router.add("next", "naechstes")(next_meeting)
    router.add("meetings", "treffen")(list_meetings)
    router.add("schedule", "termin")(schedule)
    router.add("move", "verschieben")(move)
    router.add("cancel", "absagen", confirm=True)(cancel)
    router.add("calendar", "kalender")(calendar)
