"""How meeting mode and minutes read in the chat rooms: the start with the agenda and a
cheat-sheet, and the summary of finished minutes with the minutes as files."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Block, BulletList, Reply, Text, command_or_code
from bot.i18n.agenda import agenda_view_blocks
from bot.i18n.meetings import taker_text
from bot.i18n.texts import Texts
from bot.usecases.minutes import MeetingStarted, MinutesWritten
from bot.usecases.minutes_render import action_spans, minutes_files, taker_of

CHEATSHEET = ("topic", "info", "decision", "action", "present", "absent", "undo", "end")


def started(texts: Texts, event: MeetingStarted, now: datetime) -> Reply:
    host = event.host
    return Reply.of(
        texts.t(
            "startmeeting.announce",
            when=texts.when(event.meeting.starts_at),
            host=host.name if host else "-",
            person=event.by,
            taker=taker_text(texts, host.name if host else None, event.taker),
        ),
        *agenda_view_blocks(texts, event.agenda, intro=False),
        texts.t("startmeeting.present_from_replies", names=", ".join(event.present))
        if event.present
        else None,
        texts.t("startmeeting.cheatsheet"),
        BulletList(
            tuple((command_or_code(texts.text(f"startmeeting.cheat.{k}")),) for k in CHEATSHEET)
        ),
    )


def written(texts: Texts, event: MinutesWritten, now: datetime) -> Reply:
    """What every room reads when minutes are finished; the full minutes are attached."""
    doc = event.doc
    key = "endmeeting.announce" if event.source == "meeting" else "minutes.added"
    person = taker_of(texts.catalog, doc)
    blocks: list[Block] = [texts.t(key, when=texts.when(doc.when), person=person)]
    decisions = doc.decisions()
    if decisions:
        blocks.append(texts.t("minutes.decisions"))
        blocks.append(BulletList(tuple((Text(d),) for d in decisions)))
    found = doc.actions()
    if found:
        blocks.append(texts.t("minutes.actions"))
        blocks.append(BulletList(tuple((action_spans(texts.catalog, doc.lang, a),) for a in found)))
    if doc.carried:
        blocks.append(texts.t("endmeeting.carried", count=len(doc.carried)))
    return Reply.of(*blocks, attachments=minutes_files(texts.catalog, doc))


RENDERERS: dict[type, Any] = {
    MeetingStarted: started,
    MinutesWritten: written,
}
