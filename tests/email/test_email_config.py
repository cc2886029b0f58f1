"""The [email] section: checked, the password from the environment and never shown,
`check-config` connects to the relay and says what is wrong."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load
from bot.ops.instrument import secrets_of
from bot.ops.logging import LineFormatter
from tests.email.conftest import Relay, free_port

PASSWORD = "Relais-Geheimnis-42"


def write(tmp_path: Path, email: str) -> Path:
    config = tmp_path / "partnerbot.toml"
    config.write_text(
        f'[bot]\ndatabase = "sqlite:///{tmp_path}/x.sqlite3"\n'
        '[telegram]\ntoken = "7123456789:AAHsecretTelegramTokenValue"\n'
        "[email]\n" + email,
        encoding="utf-8",
    )
    return config


def test_the_section_is_checked_in_words() -> None:
    env = {"PARTNERBOT_TELEGRAM_TOKEN": "1:x"}
    config = load(None, {**env, "PARTNERBOT_EMAIL_HOST": "", "PARTNERBOT_EMAIL_SECURITY": "ssl"})
    problems = "\n".join(config.problems)
    assert "[email] needs the host" in problems
    assert "[email] security must be 'starttls', 'tls' or 'none'" in problems
    assert "[email] from must be an address" in problems
    config = load(
        None,
        {
            **env,
            "PARTNERBOT_EMAIL_HOST": "mail.kreis.de",
            "PARTNERBOT_EMAIL_FROM_ADDRESS": "bot@kreis.de",
            "PARTNERBOT_EMAIL_USER": "bot",
            "PARTNERBOT_SMTP_PASSWORD": PASSWORD,
        },
    )
    assert config.problems == []
    assert config.email is not None and config.email.password.reveal() == PASSWORD
    assert PASSWORD not in repr(config.email)
    assert PASSWORD in secrets_of(config)
    record = logging.LogRecord("x", logging.INFO, "", 0, f"login with {PASSWORD}", None, None)
    assert PASSWORD not in LineFormatter(secrets=secrets_of(config)).format(record)


def test_no_password_without_tls(tmp_path: Path) -> None:
    config = load(
        write(
            tmp_path,
            'host = "mail.kreis.de"\nsecurity = "none"\nuser = "bot"\nfrom = "bot@kreis.de"\n',
        ),
        {"PARTNERBOT_EMAIL_PASSWORD": PASSWORD},
    )
    assert "[email] never sends a password without TLS: use starttls or tls" in config.problems
    assert config.email is not None and config.email.from_address == "bot@kreis.de"


def test_check_config_connects_to_the_relay(
    tmp_path: Path,
    relay: tuple[Relay, int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, port = relay
    monkeypatch.delenv("PARTNERBOT_DATABASE_URL", raising=False)
    good = f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom = "bot@kreis.de"\n'
    assert main(["check-config", "--config", str(write(tmp_path, good))]) == 0
    out, _ = capsys.readouterr()
    assert f"e-mail via 127.0.0.1:{port} (none)" in out

    closed = good.replace(str(port), str(free_port()))
    assert main(["check-config", "--config", str(write(tmp_path, closed))]) == 1
    _, err = capsys.readouterr()
    assert "problem: [email] cannot connect to 127.0.0.1" in err

    no_tls = good.replace('"none"', '"starttls"') + 'user = "bot"\n'
    monkeypatch.setenv("PARTNERBOT_EMAIL_PASSWORD", PASSWORD)
    assert main(["check-config", "--config", str(write(tmp_path, no_tls))]) == 1
    out, err = capsys.readouterr()
    assert "does not offer starttls" in err or "cannot connect" in err, err
    assert PASSWORD not in out + err
