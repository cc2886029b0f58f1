"""Matrix adapter (matrix-nio)."""

from __future__ import annotations

from pathlib import Path

from bot.config import MatrixSection
from bot.platform import PlatformService


def create_service(section: MatrixSection, data_dir: Path) -> PlatformService:
    raise NotImplementedError("the Matrix adapter is being built (issue 6)")
