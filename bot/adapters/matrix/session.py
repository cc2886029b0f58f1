"""The bot's Matrix login, kept on disk so the device (and its encryption keys) survive restarts.

The file lives in the store directory next to the crypto store, readable by the bot's user
only. It holds the device id and, after a password login, the access token of that device;
the bot never logs out, so the device and its keys stay valid across restarts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "session.json"


@dataclass(frozen=True)
class StoredSession:
    homeserver: str
    user_id: str
    device_id: str
    access_token: str

    def __repr__(self) -> str:
        return f"StoredSession({self.user_id!r}, device {self.device_id!r}, token ***)"


def prepare_store(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def load(path: Path, homeserver: str, user_id: str) -> StoredSession | None:
    """The stored login of this user on this homeserver, if any."""
    try:
        data = json.loads((path / FILE_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("homeserver") != homeserver or data.get("user_id") != user_id:
        return None
    device_id = str(data.get("device_id") or "")
    if not device_id:
        return None
    return StoredSession(homeserver, user_id, device_id, str(data.get("access_token") or ""))


def save(path: Path, session: StoredSession) -> None:
    prepare_store(path)
    target = path / FILE_NAME
    temporary = path / (FILE_NAME + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(
            {
                "homeserver": session.homeserver,
                "user_id": session.user_id,
                "device_id": session.device_id,
                "access_token": session.access_token,
            },
            handle,
        )
    os.replace(temporary, target)
