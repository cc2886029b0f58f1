"""Matrix adapter (matrix-nio): `translate` maps events and replies; `service` (the sync loop)
and its parts (`login`, `position`, `rooms`, `crypto`, `sending`) do the I/O."""

from __future__ import annotations

from pathlib import Path

from bot.config import MatrixSection
from bot.platform import PlatformService


def create_service(section: MatrixSection, data_dir: Path) -> PlatformService:
    from bot.adapters.matrix.service import MatrixService

    return MatrixService(section, data_dir)
