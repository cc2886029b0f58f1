"""/schedule, /next, /meetings, /move, /cancel, /calendar: when and where the partners meet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import confirm
from bot.core.context import Context
from bot.core.errors import Asked, UsageError
from bot.core.events import MessageEvent
from bot.core.model import Meeting, Member
from bot.core.reply import (
    Attachment,
    Bold,
    BulletList,
    Button,
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
from bot.domain.date_notes import notes_for
from bot.domain.dates import (
    MAX_DATE_TEXT,
    DateReading,
    Problem,
    WhenWhere,
    read_date_and_place,
    typed,
)
from bot.domain.places import without_article
from bot.i18n import dates as dates_i18n
from bot.i18n.meetings import (
    calendar_event,
    detail_lines,
    host_line,
    in_place,
    period_text,
    place_text,
)
from bot.i18n.meetings import when_text as meeting_when
from bot.usecases import meetings

MAX_URL = 500
"""An online link longer than this is not a meeting link."""


def when_text(ctx: Context, at: datetime) -> str:
    return fmt_datetime(at, ctx.lang, ctx.partnership.timezone)


def refuse_date(ctx: Context, reading: DateReading, text: str) -> UsageError:
    """A reason that says what was understood; the command's example follows."""
    return dates_i18n.refusal(ctx.texts, reading, text)


async def ask_date(ctx: Context, reading: DateReading, rest: str, head: str) -> Reply:
    """The best reading (and a second one, for a weekday that contradicts the date) to
    confirm with one tap; `head` is the command up to the date ("/verschieben 2 auf"),
    `rest` follows the date ("| Rathaus")."""
    assert reading.wall is not None
    line = typed(reading.wall, reading.end)
    choices = [(dates_i18n.reading_text(ctx.texts, reading), f"{head} {line}{rest}")]
    if reading.other is not None:
        other = DateReading(reading.other, reading.other, end=reading.end)
        choices.append(
            (dates_i18n.reading_text(ctx.texts, other), f"{head} {typed(reading.other)}{rest}")
        )
    return await confirm.offer(ctx, dates_i18n.question(ctx.texts, reading, line), choices)


def typed_command(ctx: Context) -> str:
    """The command word as typed ("/termin", "!termin@bot")."""
    assert isinstance(ctx.event, MessageEvent)
    return ctx.event.text.split(maxsplit=1)[0]


_FOLLOWING = ("weiteres", "weitere", "folgendes", "another", "following")
_TO = re.compile(r"\s+(?:auf|to)\s+|\s*(?:->|→)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class When:
    """What a `/termin` or `/verschieben` text says: start, place, end, address, link."""

    at: datetime
    place: str
    details: meetings.Details


def read_when(ctx: Context, text: str) -> WhenWhere:
    """`<when> [in <place>[, <address>]] [<link>]`, or a refusal with an example; the
    reading may still be unsure (asked back by the caller)."""
    text = clean(text)
    if not text:
        raise UsageError("date.missing")
    if len(text) > MAX_DATE_TEXT + 2 * MAX_NAME + MAX_URL:
        raise UsageError("date.too_long", max=MAX_DATE_TEXT, length=len(text))
    found = read_date_and_place(text, ctx.now, ctx.partnership.timezone, language=ctx.lang)
    if found.reading.at is None and found.reading.problem is not Problem.UNSURE:
        raise refuse_date(ctx, found.reading, text)
    return found


def _when(found: WhenWhere) -> When:
    """The meeting's start, place and details from a sure reading: after a comma the
    address; a link is the online link, a tool's name ("Zoom", "online") the place."""
    assert found.reading.at is not None
    place, _, address = found.place.partition(",")
    place, address = without_article(place.strip()), address.strip()
    url = found.link if found.link.casefold().startswith(("http://", "https://")) else ""
    if not place and found.link and not url:
        place = found.link
    if len(place) > MAX_NAME or len(address) > MAX_NAME:
        raise UsageError("meeting.place_too_long", max=MAX_NAME, length=len(place + address))
    if len(url) > MAX_URL:
        raise UsageError("meeting.url_too_long", max=MAX_URL, length=len(url))
    return When(found.reading.at, place, meetings.Details(found.reading.end, address, url))


def _rest(found: WhenWhere) -> str:
    where = " ".join(part for part in (found.place, found.link) if part)
    return f" | {where}" if where else ""


def _notes(ctx: Context, at: datetime) -> Reply | None:
    """A weekend, a public holiday or a night hour, pointed out (never refused)."""
    wall = at.astimezone(ZoneInfo(ctx.partnership.timezone))
    notes = notes_for(wall, ctx.partnership.state, ctx.lang)
    paragraph = dates_i18n.notes_text(ctx.texts, wall, notes)
    return Reply.of(paragraph) if paragraph is not None else None


def _command(ctx: Context, german: str, english: str) -> str:
    return "/" + (german if ctx.german else english)


def _which_question(ctx: Context, found: meetings.WhichMeeting, template: str) -> Asked:
    """Several planned meetings fit: each with its command (and a button for it);
    `template` is the command with `{n}` for the meeting's number."""
    items = tuple(
        (
            Text(f"{n}. {when_text(ctx, m.starts_at)} – {place_text(m, h)}: "),
            command_or_code(template.format(n=n)),
        )
        for n, m, h in found.planned
    )
    zone = ctx.partnership.timezone
    buttons = tuple(
        Button(f"{n}. {fmt_date(m.starts_at, ctx.lang, zone)}", template.format(n=n))
        for n, m, _ in found.planned
    )
    return Asked(Reply.of(ctx.t("meeting.which"), BulletList(items), buttons=buttons))


async def schedule(ctx: Context) -> Reply | None:
    """Announced in every room (this one included) by the chat channel. While a meeting is
    planned, asks first whether to move it or plan the following one; an unsure date is
    asked back; a weekend, a holiday or a night hour is pointed out."""
    words = ctx.args.split(maxsplit=1)
    following = bool(words) and words[0].casefold() in _FOLLOWING
    text = words[1] if following and len(words) > 1 else ("" if following else ctx.args)
    found = read_when(ctx, text)
    if found.reading.at is None:
        head = typed_command(ctx) + (f" {words[0]}" if following else "")
        await meetings.schedule.refuse_early(ctx.call)
        return await ask_date(ctx, found.reading, _rest(found), head)
    when = _when(found)
    command = meetings.ScheduleMeeting(when.at, when.place, when.details, following)
    result = await meetings.schedule(ctx.call, command)
    if isinstance(result, meetings.AlreadyPlanned):
        raise Asked(_already_planned(ctx, result, clean(text)))
    return _notes(ctx, when.at)


def _already_planned(ctx: Context, found: meetings.AlreadyPlanned, text: str) -> Reply:
    """Move a planned meeting, or plan the following one: each with its command."""
    zone = ctx.partnership.timezone
    to = "auf" if ctx.german else "to"
    choices: list[tuple[str, str]] = [
        (
            ctx.texts.text("schedule.button_move", day=fmt_date(m.starts_at, ctx.lang, zone)),
            f"{_command(ctx, 'verschieben', 'move')} {n} {to} {text}",
        )
        for n, (m, _) in enumerate(found.planned, start=1)
    ]
    word = "weiteres" if ctx.german else "another"
    choices.append(
        (
            ctx.texts.text("schedule.button_following"),
            f"{_command(ctx, 'termin', 'schedule')} {word} {text}",
        )
    )
    meeting, host = found.planned[-1]
    return Reply.of(
        ctx.t(
            "schedule.already_planned",
            when=when_text(ctx, meeting.starts_at),
            host=host.name if host else "-",
            next=found.next_host.name if found.next_host else "-",
        ),
        BulletList(tuple((Text(label + ": "), command_or_code(c)) for label, c in choices)),
        buttons=tuple(Button(label, command) for label, command in choices),
    )


def _split_which(text: str) -> tuple[str, str]:
    """ "2 auf 15.3. 10 Uhr" -> ("2", "15.3. 10 Uhr"); without a meeting named: ("", text)."""
    parts = _TO.split(text, maxsplit=1)
    if len(parts) == 2 and meetings.is_meeting_name(parts[0]):
        return parts[0].strip(), parts[1]
    return "", text


async def move(ctx: Context) -> Reply | None:
    """`[<number>|<day> auf] <when> [in <place>] [<link>]`: the named meeting, or the only
    one planned; with several, the user is asked which."""
    which, text = _split_which(clean(ctx.args))
    to = "auf" if ctx.german else "to"
    found = read_when(ctx, text)
    if found.reading.at is None:
        head = typed_command(ctx) + (f" {which} {to}" if which else "")
        await meetings.move.refuse_early(ctx.call)
        return await ask_date(ctx, found.reading, _rest(found), head)
    when = _when(found)
    command = meetings.MoveMeeting(when.at, when.place, which, when.details)
    result = await meetings.move(ctx.call, command)
    if isinstance(result, meetings.WhichMeeting):
        template = _command(ctx, "verschieben", "move") + " {n} " + f"{to} {text}"
        raise _which_question(ctx, result, template)
    return _notes(ctx, when.at)


def _leading_which(text: str) -> tuple[str, str]:
    words = text.split(maxsplit=1)
    if words and meetings.is_meeting_name(words[0]):
        return words[0], words[1] if len(words) > 1 else ""
    return "", text


async def cancel(ctx: Context) -> None:
    """`[<number>|<day>] [reason]`."""
    which, reason = _leading_which(clean(ctx.args))
    if len(reason) > MAX_TEXT:
        raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(reason))
    result = await meetings.cancel(ctx.call, meetings.CancelMeeting(reason, which))
    if isinstance(result, meetings.WhichMeeting):
        template = _command(ctx, "absagen", "cancel") + " {n} " + reason
        raise _which_question(ctx, result, template.strip())
    meeting, host = result.meeting, result.host
    ctx.confirming = ctx.t(
        "cancel.confirm_reason" if reason else "cancel.confirm",
        when=meeting_when(ctx.texts, meeting),
        in_place=in_place(ctx.texts, place_text(meeting, host)),
        host=host.name if host else "-",
        reason=reason,
    )


async def minute_taker(ctx: Context) -> None:
    """`[<number>|<day>] <person>`; "Gastgeber"/"host": the host writes them again."""
    which, person = _leading_which(clean(ctx.args))
    if not person:
        raise UsageError("taker.missing")
    if person.casefold() in ("gastgeber", "host"):
        person = ""
    result = await meetings.set_minute_taker(ctx.call, meetings.SetMinuteTaker(person, which))
    if isinstance(result, meetings.WhichMeeting):
        template = _command(ctx, "protokollant", "minutetaker") + " {n} " + clean(ctx.args)
        raise _which_question(ctx, result, template)


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
            when=meeting_when(ctx.texts, meeting),
            in_place=in_place(ctx.texts, place_text(meeting, host)),
        ),
        host_line(ctx.texts, host, found.taker),
        *detail_lines(ctx.texts, meeting),
        ctx.t(
            "next.agenda" if found.agenda_open else "next.agenda_closed",
            count=found.agenda_items,
            deadline=when_text(ctx, found.agenda_deadline),
        ),
    )


def _meeting_item(
    ctx: Context, meeting: Meeting, host: Member | None, number: int | None = None
) -> tuple[Span, ...]:
    spans: list[Span] = [Text(f"{number}. ")] if number else []
    spans.append(Bold(meeting_when(ctx.texts, meeting)))
    if meeting.cancelled:
        note = ctx.texts.text("meetings.cancelled")
        if meeting.cancel_reason:
            note += " – " + meeting.cancel_reason
        spans.append(Text(f" — {note}"))
        return tuple(spans)
    spans.append(
        Text(
            " — "
            + place_text(meeting, host)
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
        numbers = {m.id: n for n, m in enumerate(found.planned, start=1)}
        items = (_meeting_item(ctx, m, h, numbers.get(m.id)) for m, h in found.coming)
        blocks.append(BulletList(tuple(items)))
    if found.past:
        blocks.append(ctx.t("meetings.past"))
        blocks.append(BulletList(tuple(_meeting_item(ctx, m, h) for m, h in found.past)))
    return Reply.of(*blocks)


async def calendar(ctx: Context) -> Reply:
    found = await meetings.calendar(ctx.call)
    if not found.coming:
        return ctx.say("calendar.none")
    partnership = found.partnership
    events = [
        calendar_event(ctx.texts, partnership, m, h, found.takers.get(m.id))
        for m, h in found.coming
    ]
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
    router.add("minutetaker", "protokollant", uses=meetings.set_minute_taker)(minute_taker)
