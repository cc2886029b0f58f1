"""A real browser for the web tests: Debian's Chromium (installed by the project's own
script, never a browser download) driven by Playwright, and axe-core's verdict on a page.
Screenshots go to `ARTIFACTS` (not committed) for a reviewer."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> Path:
    """Debian's Chromium, installed by the project's own script when missing."""
    if not CHROMIUM.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "setup-browser")], check=False)
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup-browser as root")
    return CHROMIUM


@asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    """One Chromium (a test module's, through its module-scoped fixture)."""
    path = chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        found = await playwright.chromium.launch(executable_path=str(path), args=FLAGS)
        try:
            yield found
        finally:
            await found.close()


async def serious_violations(page: Page) -> list[tuple[str, str, list[str]]]:
    """axe-core's serious and critical findings on the page (rule, impact, first nodes)."""
    result = await Axe().run(page)
    return [
        (v["id"], v["impact"], [n["html"][:80] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
