"""How date polls read in the chat rooms: the poll itself when it starts, the result (which
ends the platforms' polls) when it closes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Reply
from bot.i18n import polls
from bot.i18n.texts import Texts
from bot.usecases.date_polls import DatePollClosed, DatePollStarted


def started(texts: Texts, event: DatePollStarted, now: datetime) -> Reply:
    return polls.started(texts, event.poll, event.host, event.by)


def closed(texts: Texts, event: DatePollClosed, now: datetime) -> Reply:
    return polls.closed(texts, event.tally, event.proposal, event.host, event.by)


RENDERERS: dict[type, Any] = {
    DatePollStarted: started,
    DatePollClosed: closed,
}
