"""End-to-end encryption: the key housekeeping nio's own sync loop would do, and the trust
policy for the devices of the rooms' members."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from nio import AsyncClient, LocalProtocolError

log = logging.getLogger(__name__)


class Keys:
    """One client's keys; `trust` is the config's "tofu" or "all"."""

    def __init__(self, client: AsyncClient, trust: str) -> None:
        self.client = client
        self.trust = trust
        self._lock = asyncio.Lock()

    async def housekeeping(self) -> None:
        """After each sync: send, upload, query and claim keys as needed; trust new devices."""
        client = self.client
        if client.olm is None:
            return
        async with self._lock:
            try:
                if client.outgoing_to_device_messages:
                    await client.send_to_device_messages()
                if client.should_upload_keys:
                    await client.keys_upload()
                if client.should_query_keys:
                    await client.keys_query()
                if client.should_claim_keys:
                    await client.keys_claim(client.get_users_for_key_claiming())
            except LocalProtocolError as error:
                log.debug("Matrix key housekeeping: %s", error)
            self._trust(self._encrypted_room_users())

    async def prepare(self, room_id: str) -> None:
        """Before sending into an encrypted room: its members and their devices are known."""
        client = self.client
        room = client.rooms[room_id]
        async with self._lock:
            if not room.members_synced:
                await client.joined_members(room_id)
            if client.should_query_keys:
                with contextlib.suppress(LocalProtocolError):
                    await client.keys_query()
            self._trust(room.users)

    def _encrypted_room_users(self) -> set[str]:
        return {u for r in self.client.rooms.values() if r.encrypted for u in r.users}

    def _trust(self, users: Iterable[str]) -> None:
        """trust = "tofu": a device seen for the first time is trusted (and remembered in the
        crypto store); devices an operator blacklisted stay blacklisted. With "all" nothing is
        marked and keys go to every device unverified."""
        client = self.client
        if self.trust != "tofu" or client.olm is None:
            return
        for user_id in users:
            for device in client.device_store.active_user_devices(user_id):
                if not (device.verified or device.blacklisted or device.ignored):
                    client.verify_device(device)
