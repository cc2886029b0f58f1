"""How changes of the partnership read in the chat rooms: rooms linked and unlinked, rules,
settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Reply
from bot.i18n.texts import Texts
from bot.usecases.partnership import RoomLinked, RoomUnlinked, RulesSet
from bot.usecases.settings import SettingChanged


def room_linked(texts: Texts, event: RoomLinked, now: datetime) -> Reply:
    return texts.say(
        "link.announce",
        room=event.room,
        platform=texts.text(f"platform.{event.platform}"),
        person=event.by,
        name=event.partnership.name,
    )


def room_unlinked(texts: Texts, event: RoomUnlinked, now: datetime) -> Reply:
    return texts.say("unlink.announce", room=event.room, person=event.by)


def rules_set(texts: Texts, event: RulesSet, now: datetime) -> Reply:
    return texts.say("rules.announce", person=event.by)


def setting_changed(texts: Texts, event: SettingChanged, now: datetime) -> Reply:
    """In the partnership's language (the new one, when that is what changed)."""
    value = event.value
    if event.setting in ("language", "cadence"):
        value = texts.text(f"{event.setting}.{value}")
    return texts.say(
        "settings.changed",
        setting=texts.text(f"settings.{event.setting}"),
        value=value,
        person=event.by,
    )


RENDERERS: dict[type, Any] = {
    RoomLinked: room_linked,
    RoomUnlinked: room_unlinked,
    RulesSet: rules_set,
    SettingChanged: setting_changed,
}
