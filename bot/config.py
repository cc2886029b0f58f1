"""The configuration file (`partnerbot.toml`) with environment overrides.

Every key can be overridden by `PARTNERBOT_<SECTION>_<KEY>` (e.g. `PARTNERBOT_MATRIX_PASSWORD`,
`PARTNERBOT_TELEGRAM_TOKEN`, `PARTNERBOT_BOT_DATABASE`). Secrets are wrapped so that they never
show up in a log line or a repr.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.i18n import LANGUAGES


class Secret:
    """A password or token: usable, never printed."""

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass
class BotSection:
    language: str = "de"
    timezone: str = "Europe/Berlin"
    database: str = ""
    data_dir: str = ""


@dataclass
class MatrixSection:
    homeserver: str = ""
    user_id: str = ""
    password: Secret = field(default_factory=lambda: Secret(""))
    access_token: Secret = field(default_factory=lambda: Secret(""))
    device_name: str = "partnerbot"
    store_path: str = ""
    allow_invites_from: list[str] = field(default_factory=list)
    trust: str = "tofu"


@dataclass
class TelegramSection:
    token: Secret = field(default_factory=lambda: Secret(""))
    mode: str = "polling"
    webhook_url: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    base_url: str = ""


@dataclass
class EmailSection:
    """The mail relay invitations and minutes go out through (see README)."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    """"starttls" (port 587), "tls" (implicit TLS, port 465) or "none" (a relay on this
    machine or network that needs neither)."""
    user: str = ""
    password: Secret = field(default_factory=lambda: Secret(""))
    from_address: str = ""
    """Also the ORGANIZER of calendar invitations; `from` in the file."""
    reply_to: str = ""
    """Where answers and stop requests go (the coordinators' mailbox); `reply-to`."""
    timeout: int = 30


@dataclass
class HealthSection:
    listen: str = ""


@dataclass
class WebSection:
    listen: str = ""
    """host:port of the web site and calendar feeds; empty: none."""
    base_url: str = ""
    """The public address the links in the chat start with (behind a reverse proxy:
    https://partner.example.org)."""


@dataclass
class LogSection:
    level: str = "INFO"
    format: str = "keyvalue"


@dataclass
class Config:
    bot: BotSection = field(default_factory=BotSection)
    matrix: MatrixSection | None = None
    telegram: TelegramSection | None = None
    email: EmailSection | None = None
    problems: list[str] = field(default_factory=list)
    health: HealthSection = field(default_factory=HealthSection)
    log: LogSection = field(default_factory=LogSection)
    web: WebSection = field(default_factory=WebSection)


_SECRETS = {
    ("matrix", "password"),
    ("matrix", "access_token"),
    ("telegram", "token"),
    ("email", "password"),
}
_KEY_NAMES = {("email", "from"): "from_address", ("email", "reply-to"): "reply_to"}
"""Keys the file spells otherwise than Python can."""
_SECTIONS: dict[str, type[Any]] = {
    "bot": BotSection,
    "matrix": MatrixSection,
    "telegram": TelegramSection,
    "email": EmailSection,
    "health": HealthSection,
    "log": LogSection,
    "web": WebSection,
}


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    if (section, key) in _SECRETS:
        return Secret(str(value))
    if isinstance(default, list):
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return [str(v) for v in value]
    if isinstance(default, int):
        return int(value)
    return str(value)


def load(path: str | Path | None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the file (if any), apply the environment, and list every problem found."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    config = Config()
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            config.problems.append(f"config file {path} does not exist")
        except tomllib.TOMLDecodeError as error:
            config.problems.append(f"config file {path} is not valid TOML: {error}")
    for name, cls in _SECTIONS.items():
        values: dict[str, Any] = dict(raw.get(name, {}) or {})
        prefix = f"PARTNERBOT_{name.upper()}_"
        for env_key, env_value in env.items():
            if env_key.startswith(prefix):
                values[env_key[len(prefix) :].lower()] = env_value
        if name == "email" and env.get("PARTNERBOT_SMTP_PASSWORD") and (values or name in raw):
            values["password"] = env["PARTNERBOT_SMTP_PASSWORD"]
        values = {_KEY_NAMES.get((name, k), k): v for k, v in values.items()}
        if not values and name not in raw and name != "bot":
            continue  # an empty [telegram] in the file still means "use Telegram"
        section = cls()
        for key, value in values.items():
            if not hasattr(section, key):
                config.problems.append(f"[{name}] has no setting {key!r}")
                continue
            try:
                setattr(section, key, _coerce(name, key, value, getattr(section, key)))
            except (TypeError, ValueError):
                config.problems.append(f"[{name}] {key} has a value of the wrong kind")
        setattr(config, name, section)
    config.problems.extend(_check(config))
    return config


DATABASE_FILE = "partnerbot.sqlite3"


def data_dir(config: Config, environ: Mapping[str, str] | None = None) -> Path:
    """`[bot] data_dir`; empty: $PARTNERBOT_HOME, else $XDG_DATA_HOME/partnerbot, else
    ~/.local/share/partnerbot."""
    if config.bot.data_dir:
        return Path(config.bot.data_dir).expanduser().absolute()
    env = os.environ if environ is None else environ
    if env.get("PARTNERBOT_HOME"):
        return Path(env["PARTNERBOT_HOME"]).expanduser().absolute()
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    data = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return Path(data) / "partnerbot"


def database_url(config: Config, environ: Mapping[str, str] | None = None) -> str:
    """Which database a configured process uses, first match wins: `[bot] database` (or
    PARTNERBOT_BOT_DATABASE), then PARTNERBOT_DATABASE_URL, then the SQLite file
    partnerbot.sqlite3 in `data_dir` (see there)."""
    env = os.environ if environ is None else environ
    if config.bot.database:
        return config.bot.database
    if env.get("PARTNERBOT_DATABASE_URL"):
        return env["PARTNERBOT_DATABASE_URL"]
    return f"sqlite:///{data_dir(config, env) / DATABASE_FILE}"


def _check(config: Config) -> list[str]:
    problems: list[str] = []
    if config.bot.language not in LANGUAGES:
        problems.append(f"[bot] language must be one of {', '.join(LANGUAGES)}")
    try:
        ZoneInfo(config.bot.timezone)
    except Exception:
        problems.append(f"[bot] timezone {config.bot.timezone!r} is not an IANA time zone")
    if config.matrix is not None:
        m = config.matrix
        if not m.homeserver.startswith(("http://", "https://")):
            problems.append("[matrix] homeserver must be a URL like https://matrix.example.org")
        if not (m.user_id.startswith("@") and ":" in m.user_id):
            problems.append("[matrix] user_id must look like @partnerbot:example.org")
        if not m.password and not m.access_token:
            problems.append(
                "[matrix] needs a password or an access_token "
                "(better from PARTNERBOT_MATRIX_PASSWORD / PARTNERBOT_MATRIX_ACCESS_TOKEN)"
            )
        if m.trust not in ("tofu", "all"):
            problems.append("[matrix] trust must be 'tofu' or 'all'")
    if config.telegram is not None:
        t = config.telegram
        if not t.token:
            problems.append("[telegram] needs a token (better from PARTNERBOT_TELEGRAM_TOKEN)")
        if t.mode not in ("polling", "webhook"):
            problems.append("[telegram] mode must be 'polling' or 'webhook'")
        if t.mode == "webhook" and not _webhook_url_fits(t):
            problems.append(
                "[telegram] webhook mode needs webhook_url = 'https://...' "
                "('http://...' only with a local Bot API server as base_url)"
            )
    if config.email is not None:
        problems.extend(_check_email(config.email))
    problems.extend(_check_operations(config))
    if config.matrix is None and config.telegram is None:
        problems.append("neither [matrix] nor [telegram] is configured: nothing to connect to")
    return problems


def _check_email(section: EmailSection) -> list[str]:
    from bot.core.mail import normalise_address

    problems: list[str] = []
    if not section.host:
        problems.append("[email] needs the host of the mail relay, e.g. host = 'mail.kreis.de'")
    if not 0 < section.port < 65536:
        problems.append("[email] port must be a number from 1 to 65535 (587, or 465 with tls)")
    if section.security not in ("starttls", "tls", "none"):
        problems.append("[email] security must be 'starttls', 'tls' or 'none'")
    if normalise_address(section.from_address) is None:
        problems.append("[email] from must be an address, e.g. from = 'partnerbot@kreis.de'")
    if section.reply_to and normalise_address(section.reply_to) is None:
        problems.append("[email] reply-to must be an address, e.g. 'klima@kreis.de'")
    if section.user and not section.password:
        problems.append("[email] user needs a password (from PARTNERBOT_EMAIL_PASSWORD)")
    if section.password and not section.user:
        problems.append("[email] a password needs a user")
    if section.password and section.security == "none":
        problems.append("[email] never sends a password without TLS: use starttls or tls")
    return problems


def _webhook_url_fits(section: TelegramSection) -> bool:
    """Telegram posts only to https; a Bot API server of one's own on this machine
    (`telegram-bot-api --local`) posts to plain http as well."""
    if section.webhook_url.startswith("https://"):
        return True
    if not section.webhook_url.startswith("http://"):
        return False
    host = urlsplit(section.base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_operations(config: Config) -> list[str]:
    from bot.ops.health import ListenAddressError, parse_listen
    from bot.ops.logging import FORMATS, LEVELS

    problems: list[str] = []
    if config.health.listen:
        try:
            parse_listen(config.health.listen)
        except ListenAddressError:
            problems.append("[health] listen must be host:port, e.g. 127.0.0.1:9108")
    problems.extend(_check_web(config.web))
    if config.log.level.upper() not in LEVELS:
        problems.append(f"[log] level must be one of {', '.join(LEVELS)}")
    if config.log.format not in FORMATS:
        problems.append(f"[log] format must be one of {', '.join(FORMATS)}")
    return problems


def _check_web(web: WebSection) -> list[str]:
    from bot.ops.health import ListenAddressError, parse_listen

    problems: list[str] = []
    if web.listen:
        try:
            parse_listen(web.listen)
        except ListenAddressError:
            problems.append("[web] listen must be host:port, e.g. 127.0.0.1:8080")
    if web.base_url:
        parts = urlsplit(web.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            problems.append("[web] base_url must be an address like https://partner.example.org")
    if web.listen and not web.base_url:
        problems.append(
            "[web] base_url is needed with listen: the links in the chat start with it "
            "(e.g. https://partner.example.org)"
        )
    return problems
