"""Telegram adapter (python-telegram-bot)."""

from __future__ import annotations

from pathlib import Path

from bot.config import TelegramSection
from bot.platform import PlatformService


def create_service(section: TelegramSection, data_dir: Path) -> PlatformService:
    raise NotImplementedError("the Telegram adapter is being built (issue 7)")
