"""A calendar feed as iCalendar: the same events as the chat's calendar files, so a meeting
keeps its UID, a move raises its SEQUENCE, and a cancelled meeting stays in the feed with
STATUS:CANCELLED (a subscribed calendar then strikes it instead of silently keeping it)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.calendar import build_ics
from bot.i18n import Catalog
from bot.i18n.meetings import calendar_event
from bot.i18n.texts import Texts
from bot.usecases.web_pages import Feed


def feed_ics(catalog: Catalog, feed: Feed, now: datetime) -> bytes:
    partnership = feed.partnership
    texts = Texts(catalog, partnership.language, partnership.timezone)
    events = [calendar_event(texts, partnership, e.meeting, e.host, e.taker) for e in feed.entries]
    name = partnership.name
    if feed.mine:
        name = texts.text("web.feed_mine_name", name=partnership.name, person=feed.person)
    return build_ics(name, partnership.timezone, events, now)
