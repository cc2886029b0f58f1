"""Masking secrets in whatever the bot prints or logs: one helper for every place.

A database URL's password, a bot token, a Matrix password or access token never reach a
terminal or a log line; `mask_url` is for URLs shown on purpose (check-config, the console's
banner), `mask` for any text that may hold known secrets (a log line, an error message).
"""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"
SHORTEST = 4
"""Shorter "secrets" are not masked: replacing every "ab" would garble the text, not hide it."""


def _split(url: str) -> tuple[str, str, str] | None:
    """(scheme://, credentials, @rest) of a URL with credentials, else None."""
    if "://" not in url:
        return None
    scheme, rest = url.split("://", 1)
    authority_end = len(rest)
    for stop in "/?#":
        found = rest.find(stop, rest.rfind("@") + 1 if "@" in rest else 0)
        if found != -1:
            authority_end = min(authority_end, found)
    authority = rest[:authority_end]
    if "@" not in authority:
        return None
    credentials, host = authority.rsplit("@", 1)
    return scheme + "://", credentials, "@" + host + rest[authority_end:]


def url_password(url: str) -> str:
    """The password of `postgresql://bot:geheim@db/partnerbot` ("geheim"), or ""."""
    parts = _split(url)
    if parts is None or ":" not in parts[1]:
        return ""
    return parts[1].split(":", 1)[1]


def mask_url(url: str) -> str:
    """The URL with its password replaced: `postgresql://bot:***@db/partnerbot`."""
    parts = _split(url)
    if parts is None or ":" not in parts[1]:
        return url
    scheme, credentials, rest = parts
    return f"{scheme}{credentials.split(':', 1)[0]}:{REDACTED}{rest}"


class Masker:
    """Replaces every known secret in a text (longest first, so no part of one survives)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= SHORTEST}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text
