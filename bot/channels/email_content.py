"""What each e-mail says: subject, body and calendar part per domain event, in the
partnership's language. The same for every recipient but the stop footer and the
attendee, which `bot.channels.email` adds per address."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.core.domain_events import (
    AgendaPosted,
    DomainEvent,
    MeetingCancelled,
    MeetingHostChanged,
    MeetingMoved,
    MeetingScheduled,
)
from bot.core.model import Meeting, Member
from bot.core.reply import Attachment, Block, BulletList, Link, Paragraph, Reply, Text
from bot.i18n.agenda import agenda_blocks
from bot.i18n.meetings import detail_lines, host_line, place_text, when_text
from bot.i18n.polls import option_text
from bot.i18n.texts import Texts
from bot.usecases.agenda_queries import agenda_for
from bot.usecases.date_polls import DatePollStarted
from bot.usecases.minutes import MinutesWritten
from bot.usecases.minutes_render import ActionDoc, action_spans, minutes_files, minutes_reply
from bot.usecases.ports import UnitOfWork


@dataclass(frozen=True)
class Content:
    kind: str
    subject: str
    body: tuple[Block, ...]
    meeting: Meeting | None = None
    """With a meeting: a calendar part (`method`) for it."""
    host: Member | None = None
    method: str = ""
    attachments: tuple[Attachment, ...] = field(default=())
    answer_link: str = ""
    """The sentence (catalog key) that gives each recipient their answer link, if any."""
    no_link: str = ""
    """Said instead when there is no web page to answer on."""


def _meeting_lines(texts: Texts, meeting: Meeting, host: Member | None) -> list[Block]:
    return [
        texts.t("email.when", when=when_text(texts, meeting)),
        texts.t("email.where", place=place_text(meeting, host)),
        *detail_lines(texts, meeting),
        host_line(texts, host),
    ]


async def _agenda_so_far(
    uow: UnitOfWork, texts: Texts, event: DomainEvent, meeting: Meeting, now: datetime
) -> list[Block]:
    items = await agenda_for(uow, event.partnership, meeting, now)
    if not items:
        return [texts.t("email.agenda_none")]
    return [texts.t("email.agenda_so_far"), *agenda_blocks(texts.catalog, texts.lang, items)]


async def content(
    uow: UnitOfWork, texts: Texts, event: DomainEvent, now: datetime
) -> Content | None:
    """The e-mail about `event` for every recipient; None: e-mail says nothing about it."""
    name = event.partnership.name
    if isinstance(event, MeetingScheduled):
        m, host = event.meeting, event.host
        day = texts.date(m.starts_at)
        body = [
            texts.t("email.invitation.intro", name=name, person=event.by),
            *_meeting_lines(texts, m, host),
            *await _agenda_so_far(uow, texts, event, m, now),
            texts.t("email.calendar_hint"),
        ]
        subject = texts.text("email.invitation.subject", name=name, date=day)
        return Content(
            "invitation",
            subject,
            tuple(body),
            m,
            host,
            "REQUEST",
            answer_link="email.invitation.link",
        )
    if isinstance(event, MeetingMoved):
        m, host = event.meeting, event.host
        body = [
            texts.t(
                "email.moved.intro", name=name, old=texts.when(event.old_start), person=event.by
            ),
            *_meeting_lines(texts, m, host),
            texts.t("email.calendar_update_hint"),
        ]
        subject = texts.text("email.moved.subject", name=name, date=texts.date(m.starts_at))
        return Content(
            "changes", subject, tuple(body), m, host, "REQUEST", answer_link="email.invitation.link"
        )
    if isinstance(event, MeetingHostChanged):
        m, host = event.meeting, event.host
        body = [
            texts.t("email.rehosted.intro", name=name, old=event.old_host),
            *_meeting_lines(texts, m, host),
            texts.t("email.calendar_update_hint"),
        ]
        subject = texts.text("email.rehosted.subject", name=name, date=texts.date(m.starts_at))
        return Content("changes", subject, tuple(body), m, host, "REQUEST")
    if isinstance(event, MeetingCancelled):
        m = event.meeting
        key = "email.cancelled.intro_reason" if event.reason else "email.cancelled.intro"
        body = [
            texts.t(
                key, name=name, when=texts.when(m.starts_at), person=event.by, reason=event.reason
            ),
            texts.t("email.calendar_cancel_hint"),
        ]
        subject = texts.text("email.cancelled.subject", name=name, date=texts.date(m.starts_at))
        return Content("changes", subject, tuple(body), m, event.host, "CANCEL")
    if isinstance(event, AgendaPosted):
        m, host = event.meeting, event.host
        items = list(event.blocks) or [texts.t("email.agenda_none")]
        body = [texts.t("email.agenda.intro", name=name), *_meeting_lines(texts, m, host), *items]
        subject = texts.text("email.agenda.subject", name=name, date=texts.date(m.starts_at))
        return Content("agenda", subject, tuple(body))
    if isinstance(event, DatePollStarted):
        return poll_content(texts, event)
    if isinstance(event, MinutesWritten):
        doc = event.doc
        minutes = minutes_reply(texts.catalog, doc)
        body = [texts.t("email.minutes.intro", name=name), *minutes.blocks]
        subject = texts.text("email.minutes.subject", name=name, date=texts.date(doc.when))
        return Content(
            "minutes", subject, tuple(body), attachments=minutes_files(texts.catalog, doc)
        )
    return None


def poll_content(texts: Texts, event: DatePollStarted) -> Content:
    """A date poll started: its times, and (per recipient) where to answer."""
    poll, name = event.poll, event.partnership.name
    times = tuple((Text(option_text(texts, o)),) for o in poll.options)
    body: tuple[Block, ...] = (
        texts.t(
            "email.datepoll.intro",
            name=name,
            person=event.by,
            host=event.host.name if event.host else "-",
            deadline=texts.when(poll.deadline),
        ),
        BulletList(times, ordered=True),
    )
    subject = texts.text("email.datepoll.subject", name=name)
    return Content(
        "datepoll",
        subject,
        body,
        answer_link="email.datepoll.link",
        no_link="email.datepoll.no_link",
    )


def actions_content(texts: Texts, event: MinutesWritten, mine: list[ActionDoc]) -> Content:
    """The action items one owner took on in these minutes."""
    doc = event.doc
    lines = tuple((action_spans(texts.catalog, doc.lang, a, owner=False),) for a in mine)
    body: tuple[Block, ...] = (
        texts.t(
            "email.actions.intro",
            name=event.partnership.name,
            when=texts.date(doc.when),
            count=len(mine),
        ),
        BulletList(lines),
        texts.t("email.actions.done_hint"),
    )
    subject = texts.text(
        "email.actions.subject",
        name=event.partnership.name,
        date=texts.date(doc.when),
        count=len(mine),
    )
    return Content("actions", subject, body)


def confirmation_body(texts: Texts, name: str, owner: str, by: str, code: str) -> Reply:
    return Reply.of(
        texts.t("email.confirm.intro", name=name, owner=owner, person=by),
        Paragraph((Text(texts.text("email.confirm.command", code=code)),)),
        texts.t("email.confirm.ignore"),
    )


def stop_footer(texts: Texts, name: str, address: str, stop_code: str, link: str = "") -> Reply:
    """Why this e-mail came, and how to stop them: a link where there is a web page."""
    return Reply.of(
        texts.t("email.footer.why", name=name, address=address),
        texts.t("email.footer.stop_link", link=Link(link, link)) if link else None,
        texts.t("email.footer.stop", code=stop_code),
    )
