"""Logging in to the homeserver, and retrying while it is away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from nio import AsyncClient, LoginResponse, WhoamiError

from bot.adapters.matrix import session
from bot.config import MatrixSection

log = logging.getLogger(__name__)

UNREACHABLE: tuple[type[BaseException], ...] = (aiohttp.ClientError, OSError, TimeoutError)
"""What a homeserver that is away (restarting, network down) looks like from here."""


class LoginFailed(RuntimeError):
    """The homeserver refused the configured credentials (the secret is never included)."""


def backoff(attempt: int, max_backoff: float) -> float:
    return float(min(max_backoff, 0.25 * 2 ** min(attempt, 16)))


async def retrying(what: str, step: Callable[[], Awaitable[None]], max_backoff: float) -> None:
    """Run `step` until the homeserver could be reached."""
    attempt = 0
    while True:
        try:
            await step()
            return
        except UNREACHABLE as error:
            wait = backoff(attempt, max_backoff)
            attempt += 1
            log.warning(
                "Matrix %s: homeserver unreachable (%s); retrying in %.1f s",
                what,
                type(error).__name__,
                wait,
            )
            await asyncio.sleep(wait)


async def log_in(client: AsyncClient, section: MatrixSection, store_path: Path) -> None:
    """With the access token, the stored login or the password, always as the same device."""
    await _log_in(client, section, store_path)
    _skip_empty_room_saves(client)


async def _log_in(client: AsyncClient, section: MatrixSection, store_path: Path) -> None:
    user_id = section.user_id
    stored = session.load(store_path, section.homeserver, user_id)
    if section.access_token:
        token = section.access_token.reveal()
        client.user_id = user_id
        client.access_token = token
        who = await client.whoami()
        if isinstance(who, WhoamiError):
            client.access_token = ""
            raise LoginFailed(f"the homeserver refused the access token ({who.status_code})")
        if who.user_id != user_id:
            raise LoginFailed(f"the access token belongs to {who.user_id}, not {user_id}")
        device_id = who.device_id or (stored.device_id if stored else "")
        if not device_id:
            raise LoginFailed("the homeserver did not say which device the token belongs to")
        client.restore_login(user_id, device_id, token)
        session.save(store_path, session.StoredSession(section.homeserver, user_id, device_id, ""))
        return
    if stored is not None and stored.access_token:
        client.user_id = user_id
        client.access_token = stored.access_token
        who = await client.whoami()
        if not isinstance(who, WhoamiError) and who.device_id in (None, stored.device_id):
            client.restore_login(user_id, stored.device_id, stored.access_token)
            return
        client.access_token = ""
        log.info("Matrix: the stored login is no longer valid; logging in again")
    if stored is not None:
        client.device_id = stored.device_id  # log in again as the same device: same keys
    answer = await client.login(password=section.password.reveal(), device_name=section.device_name)
    if not isinstance(answer, LoginResponse):
        raise LoginFailed(f"the homeserver refused the password login ({answer.status_code})")
    session.save(
        store_path,
        session.StoredSession(section.homeserver, user_id, answer.device_id, answer.access_token),
    )


def _skip_empty_room_saves(client: AsyncClient) -> None:
    """nio writes the set of newly encrypted rooms to its crypto store after every sync, even
    when it is empty: a blocking SQLite query in the event loop for every message received.
    An empty set has nothing to save."""
    store = getattr(client, "store", None)
    if store is None or getattr(store, "_skips_empty_saves", False):
        return
    save = store.save_encrypted_rooms

    def save_encrypted_rooms(rooms: Any) -> None:
        if rooms:
            save(rooms)

    store.save_encrypted_rooms = save_encrypted_rooms
    store._skips_empty_saves = True
