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
    assert config.problems == [
        "[telegram] webhook mode needs webhook_url = 'https://...' "
        "('http://...' only with a local Bot API server as base_url)"
    ]


def test_a_plain_http_webhook_only_with_a_local_bot_api_server() -> None:
    """`telegram-bot-api --local` posts to plain http; Telegram itself only to https."""

    def problems(base_url: str) -> list[str]:
        env = {
            "PARTNERBOT_TELEGRAM_TOKEN": "1:A",
            "PARTNERBOT_TELEGRAM_MODE": "webhook",
            "PARTNERBOT_TELEGRAM_WEBHOOK_URL": "http://127.0.0.1:8443/telegram/hook",
            "PARTNERBOT_TELEGRAM_BASE_URL": base_url,
        }
        return load(None, env).problems

    assert problems("http://localhost:8081") == []
    assert problems("http://127.0.0.1:8081") == []
    assert problems("http://[::1]:8081") == []
    assert len(problems("")) == 1
    assert len(problems("https://api.telegram.org")) == 1
    assert len(problems("http://botapi.example.org")) == 1
