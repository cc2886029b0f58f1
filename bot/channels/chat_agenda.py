"""How agenda events read in the chat rooms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Reply
from bot.i18n.texts import Texts
from bot.usecases.agenda import AgendaDeadlineChanged


def deadline_changed(texts: Texts, event: AgendaDeadlineChanged, now: datetime) -> Reply:
    return texts.say(
        "settings.changed",
        setting=texts.text("settings.agenda_deadline"),
        value=texts.text("settings.agenda_deadline_value", days=event.days),
        person=event.by,
    )


RENDERERS: dict[type, Any] = {
    AgendaDeadlineChanged: deadline_changed,
}
