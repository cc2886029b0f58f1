"""How meeting events read in the chat rooms: one message each, with the calendar file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.domain_events import MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.core.reply import Reply
from bot.i18n.meetings import host_line, in_place, meeting_file
from bot.i18n.texts import Texts
from bot.usecases.plan import default_place


def scheduled(texts: Texts, event: MeetingScheduled, now: datetime) -> Reply:
    meeting, host = event.meeting, event.host
    return Reply.of(
        texts.t(
            "schedule.announce",
            when=texts.when(meeting.starts_at),
            in_place=in_place(texts, default_place(meeting, host)),
            person=event.by,
        ),
        host_line(texts, host),
        attachments=(meeting_file(texts, event.partnership, meeting, host, now),),
    )


def moved(texts: Texts, event: MeetingMoved, now: datetime) -> Reply:
    meeting, host = event.meeting, event.host
    return Reply.of(
        texts.t(
            "move.announce",
            old=texts.when(event.old_start),
            when=texts.when(meeting.starts_at),
            in_place=in_place(texts, default_place(meeting, host)),
            person=event.by,
        ),
        host_line(texts, host),
        attachments=(meeting_file(texts, event.partnership, meeting, host, now),),
    )


def cancelled(texts: Texts, event: MeetingCancelled, now: datetime) -> Reply:
    key = "cancel.announce_reason" if event.reason else "cancel.announce"
    lines = [
        texts.t(key, when=texts.when(event.meeting.starts_at), person=event.by, reason=event.reason)
    ]
    if event.next_host is not None:
        lines.append(texts.t("cancel.still_next", host=event.next_host.name))
    attachment = meeting_file(texts, event.partnership, event.meeting, event.host, now)
    return Reply.of(*lines, attachments=(attachment,))


RENDERERS: dict[type, Any] = {
    MeetingScheduled: scheduled,
    MeetingMoved: moved,
    MeetingCancelled: cancelled,
}
