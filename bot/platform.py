"""What a chat platform adapter offers `partnerbot run`: a messenger and a connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.core.messenger import Messenger

if TYPE_CHECKING:
    from bot.app import App


class Connection(Protocol):
    """What the health listener and the metrics ask of a platform: is it connected."""

    platform: str

    def connected(self) -> bool: ...


class PlatformService(Connection, Protocol):
    """One platform's connection. `start` returns once events flow into `app.handle`."""

    @property
    def messenger(self) -> Messenger: ...

    async def start(self, app: App) -> None: ...

    async def stop(self) -> None: ...
