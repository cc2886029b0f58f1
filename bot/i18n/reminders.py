"""Wording of reminders shared by the handlers and the chat channel: a settings group's name
and how its setting reads."""

from __future__ import annotations

from bot.core.model import ReminderSetting
from bot.i18n.texts import Texts
from bot.usecases.reminder_model import GROUPS


def group_name(texts: Texts, name: str) -> str:
    """ "Treffen" / "meeting": a settings group as `/settings reminders` shows it."""
    return texts.text(f"reminder_group.{name}")


def setting_text(texts: Texts, setting: ReminderSetting) -> str:
    """ "aus", "14, 1 Tage vorher": a group's setting."""
    if not setting.enabled:
        return texts.text("reminder_settings.off")
    unit = GROUPS[setting.kind].unit
    offsets = ", ".join(str(x) for x in setting.offsets)
    return texts.text(f"reminder_settings.{unit}", offsets=offsets)
