"""How reminder events read in the chat rooms (fired reminders are `ChatNotice`s already)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Reply
from bot.i18n.reminders import group_name, setting_text
from bot.i18n.texts import Texts
from bot.usecases.reminders import ReminderSettingChanged


def setting_changed(texts: Texts, event: ReminderSettingChanged, now: datetime) -> Reply:
    return texts.say(
        "reminder_settings.changed",
        group=group_name(texts, event.setting.kind),
        value=setting_text(texts, event.setting),
        person=event.by,
    )


RENDERERS: dict[type, Any] = {
    ReminderSettingChanged: setting_changed,
}
