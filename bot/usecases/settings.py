"""A partnership's settings: language, time zone, how many contact persons a member may
name, how often the partners meet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.domain_events import DomainEvent
from bot.core.model import Partnership
from bot.core.permissions import Who
from bot.usecases.base import Call, use_case

Setting = Literal["language", "timezone", "max_contacts", "cadence", "state"]


@dataclass(frozen=True)
class SettingChanged(DomainEvent):
    setting: Setting
    value: str
    """As stored: a language or cadence code, a zone name, a number."""
    by: str


@dataclass(frozen=True)
class ChangeSetting:
    setting: Setting
    value: str
    """Already checked: a language code, a known zone, 1–5, a cadence code."""


@use_case("settings.show")
async def show(call: Call) -> Partnership:
    return call.partnership


@use_case("settings.change", Who.COORDINATOR)
async def change(call: Call, command: ChangeSetting) -> SettingChanged:
    partnership, value = call.partnership, command.value
    if command.setting == "language":
        partnership.language = value
    elif command.setting == "timezone":
        partnership.timezone = value
    elif command.setting == "state":
        partnership.state = value
    elif command.setting == "max_contacts":
        partnership.max_contacts = int(value)
    else:
        partnership.cadence = value
    await call.uow.partnerships.save(partnership)
    await call.audit(f"settings.{command.setting}", value=value)
    event = SettingChanged(partnership, command.setting, value, call.person.display_name)
    call.raise_event(event)
    return event
