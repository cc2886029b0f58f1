"""The [telegram] section: a token from the environment is all a Telegram-only setup needs."""

from __future__ import annotations

from pathlib import Path

from bot.config import load


def test_an_empty_section_and_the_token_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "partnerbot.toml"
    path.write_text('[bot]\ndata_dir = "./data"\n\n[telegram]\n', encoding="utf-8")
    config = load(path, {"PARTNERBOT_TELEGRAM_TOKEN": "123456:ABC"})
    assert config.problems == []
    assert config.telegram is not None and config.matrix is None
    assert config.telegram.token.reveal() == "123456:ABC"
    assert config.telegram.mode == "polling"
    assert "123456:ABC" not in repr(config.telegram)


def test_an_empty_section_without_a_token_says_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "partnerbot.toml"
    path.write_text("[telegram]\n", encoding="utf-8")
    config = load(path, {})
    assert config.problems == ["[telegram] needs a token (better from PARTNERBOT_TELEGRAM_TOKEN)"]


def test_webhook_mode_by_environment(tmp_path: Path) -> None:
    config = load(
        None,
        {
            "PARTNERBOT_TELEGRAM_TOKEN": "123456:ABC",
            "PARTNERBOT_TELEGRAM_MODE": "webhook",
            "PARTNERBOT_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        },
    )
    assert config.problems == []
    assert config.telegram is not None and config.telegram.mode == "webhook"
    config = load(None, {"PARTNERBOT_TELEGRAM_TOKEN": "1:A", "PARTNERBOT_TELEGRAM_MODE": "webhook"})
    assert config.problems == ["[telegram] webhook mode needs webhook_url = 'https://...'"]
