"""Telegram adapter (python-telegram-bot): translation in `translate`, update handling in
`updates`, the connection in `service`."""

from __future__ import annotations

from pathlib import Path

from bot.config import TelegramSection
from bot.platform import PlatformService


def create_service(section: TelegramSection, data_dir: Path) -> PlatformService:
    from bot.adapters.telegram.service import TelegramService

    return TelegramService(section, data_dir)
