"""How meeting events read in the chat rooms: one message each, with the calendar file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.channels.chat_attendance import asked
from bot.core.domain_events import (
    MeetingCancelled,
    MeetingHostChanged,
    MeetingMoved,
    MeetingScheduled,
    MinuteTakerSet,
)
from bot.core.reply import Reply
from bot.i18n.meetings import (
    detail_lines,
    host_line,
    in_place,
    meeting_file,
    place_text,
    when_text,
)
from bot.i18n.texts import Texts


def scheduled(texts: Texts, event: MeetingScheduled, now: datetime) -> Reply:
    meeting, host = event.meeting, event.host
    invitation, buttons = asked(texts, meeting)
    return Reply.of(
        texts.t(
            "schedule.announce",
            when=when_text(texts, meeting),
            in_place=in_place(texts, place_text(meeting, host)),
            person=event.by,
        ),
        host_line(texts, host),
        *detail_lines(texts, meeting),
        *invitation,
        attachments=(meeting_file(texts, event.partnership, meeting, host, now),),
        buttons=buttons,
    )


def moved(texts: Texts, event: MeetingMoved, now: datetime) -> Reply:
    meeting, host = event.meeting, event.host
    lines = [
        texts.t(
            "move.announce",
            old=texts.when(event.old_start),
            when=when_text(texts, meeting),
            in_place=in_place(texts, place_text(meeting, host)),
            person=event.by,
        ),
        host_line(texts, host, event.taker),
    ]
    if event.old_place and event.old_place != meeting.place:
        lines.append(texts.t("move.place_changed", old=event.old_place, person=event.by))
    file = meeting_file(texts, event.partnership, meeting, host, now, event.taker)
    invitation, buttons = asked(texts, meeting, again=event.old_start != meeting.starts_at)
    return Reply.of(
        *lines, *detail_lines(texts, meeting), *invitation, attachments=(file,), buttons=buttons
    )


def cancelled(texts: Texts, event: MeetingCancelled, now: datetime) -> Reply:
    key = "cancel.announce_reason" if event.reason else "cancel.announce"
    host = event.host.name if event.host else "-"
    lines = [
        texts.t(
            key,
            when=texts.when(event.meeting.starts_at),
            person=event.by,
            reason=event.reason,
            host=host,
        )
    ]
    if event.others:
        lines.append(texts.t("cancel.others_stay", count=event.others))
    if event.next_host is not None:
        lines.append(texts.t("cancel.still_next", host=event.next_host.name))
    attachment = meeting_file(texts, event.partnership, event.meeting, event.host, now)
    return Reply.of(*lines, attachments=(attachment,))


def host_changed(texts: Texts, event: MeetingHostChanged, now: datetime) -> Reply:
    meeting, host = event.meeting, event.host
    key = "meeting.rehosted_reason" if event.reason else "meeting.rehosted"
    return Reply.of(
        texts.t(
            key,
            when=when_text(texts, meeting),
            old=event.old_host,
            host=host.name if host else "-",
            place=place_text(meeting, host),
            reason=event.reason,
            person=event.by,
        ),
        attachments=(meeting_file(texts, event.partnership, meeting, host, now),),
    )


def taker_set(texts: Texts, event: MinuteTakerSet, now: datetime) -> Reply:
    host = event.host.name if event.host else "-"
    key = "taker.announce" if event.taker else "taker.announce_host"
    return Reply.of(
        texts.t(
            key,
            when=when_text(texts, event.meeting),
            taker=event.taker or "",
            host=host,
            person=event.by,
        )
    )


RENDERERS: dict[type, Any] = {
    MeetingScheduled: scheduled,
    MeetingMoved: moved,
    MeetingCancelled: cancelled,
    MeetingHostChanged: host_changed,
    MinuteTakerSet: taker_set,
}
