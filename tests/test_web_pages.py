"""Every page of the web site, in German and English, in a real browser: Debian's Chromium
driven by Playwright, checked by axe-core (no serious or critical violation), with the
injection strings of the bad-input tests staying text. Screenshots (desktop and phone) and
a printed PDF of the minutes land in tests/artifacts/web/ (not committed) for a reviewer.

One browser and one site for the module; the whole module takes well under a minute."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from storage.database import Database
from tests.browser import ARTIFACTS, launched, serious_violations
from tests.web_site import HOSTILE, NAMES, Site, start_site

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOMS = {"main": "de", "en": "en"}
LANG_OF = {lang: room for room, lang in ROOMS.items()}
PAGES = ["", "meetings", "minutes", "minutes/*", "actions", "decisions", "rules"]
"""Below the site's address; `minutes/*` is the first meeting's minutes."""
TITLES = {
    "de": [
        "Übersicht",
        "Treffen",
        "Protokolle",
        "Protokoll vom",
        "Aufgaben",
        "Beschlüsse",
        "Geschäftsordnung",
    ],
    "en": [
        "Overview",
        "Meetings",
        "Minutes",
        "Minutes of",
        "Action items",
        "Decisions",
        "Rules of procedure",
    ],
}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('web') / 'site.sqlite3'}")
    await database.upgrade()
    site = await start_site(database, ROOMS)
    try:
        yield site
    finally:
        await site.stop()
        await database.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with launched() as found:
        yield found


async def _minutes_path(page: Page, base: str) -> str:
    await page.goto(base + "minutes")
    href = await page.locator("main a").first.get_attribute("href")
    assert href and href.startswith("minutes/"), href
    return href


async def _check(page: Page, lang: str, title: str, name: str) -> None:
    """Semantics, no markup from user text, and axe's verdict."""
    assert await page.get_attribute("html", "lang") == lang
    assert await page.locator("h1").count() == 1
    assert (await page.locator("h1").inner_text()).startswith(title)
    assert await page.locator("main").count() == 1
    assert await page.locator("nav").count() == 1
    assert await page.locator("script, img, iframe").count() == 0
    assert NAMES[lang] in await page.title()
    body = await page.locator("body").inner_text()
    assert HOSTILE[0] in body  # the partnership's name, as typed, in the header
    assert await serious_violations(page) == []


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_every_page_in_a_real_browser_with_no_serious_accessibility_violation(
    site: Site, browser: Browser, lang: str
) -> None:
    base = site.sites[LANG_OF[lang]]
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    minutes = await _minutes_path(page, base)
    for path, title in zip(PAGES, TITLES[lang], strict=True):
        name = path.replace("/*", "-one") or "overview"
        response = await page.goto(base + (minutes if path == "minutes/*" else path))
        assert response is not None and response.status == 200, path
        await _check(page, lang, title, name)
        await page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}.png"), full_page=True)
        await page.set_viewport_size({"width": 390, "height": 844})
        await page.screenshot(path=str(ARTIFACTS / f"{lang}-{name}-phone.png"), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path}: the page scrolls sideways on a phone ({width}px)"
        await page.set_viewport_size({"width": 1200, "height": 900})
    assert dialogs == []
    await context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_user_text_stays_text_on_every_page(site: Site, browser: Browser, lang: str) -> None:
    base = site.sites[LANG_OF[lang]]
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    minutes = await _minutes_path(page, base)
    seen = ""
    for path in PAGES:
        await page.goto(base + (minutes if path == "minutes/*" else path))
        seen += await page.locator("body").inner_text() + "\n"
        assert await page.locator("script, img, iframe, b").count() == 0
        links = [await a.get_attribute("href") or "" for a in await page.locator("a").all()]
        assert not [h for h in links if h.lower().startswith(("javascript:", "x"))], links
    for hostile in HOSTILE:
        assert hostile in seen or hostile.rstrip(";") in seen, hostile
    await context.close()


async def test_works_without_javascript_and_with_the_keyboard(site: Site, browser: Browser) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(site.sites["main"])
    await page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert await focused.inner_text() == "Zum Inhalt springen"
    assert await focused.is_visible()
    outline = await focused.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none")
    await page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # every part through the menu, by keyboard: the link's name becomes the page's heading
    for label in TITLES["de"][1:3] + TITLES["de"][4:]:
        await page.goto(site.sites["main"])
        link = page.get_by_role("navigation").get_by_role("link", name=label, exact=True)
        await link.focus()
        await page.keyboard.press("Enter")
        await page.wait_for_load_state()
        assert await page.locator("h1").inner_text() == label
        assert await page.locator('nav a[aria-current="page"]').inner_text() == label
    await context.close()


async def test_the_minutes_print_without_the_menu(site: Site, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    minutes = await _minutes_path(page, site.sites["main"])
    await page.goto(site.sites["main"] + minutes)
    await page.emulate_media(media="print")
    assert await page.locator("nav").is_hidden()
    assert await page.locator("footer").is_hidden()
    assert "Wir beantragen Fördermittel" in await page.locator("main").inner_text()
    pdf = await page.pdf(path=str(ARTIFACTS / "de-minutes-print.pdf"))
    assert pdf.startswith(b"%PDF")
    await context.close()


async def test_the_public_part_shows_only_what_was_opened(site: Site, browser: Browser) -> None:
    out = await site.bot.text(":room main\n@anna: /webseite öffentlich protokolle beschlüsse")
    public = re.search(r"http://\S+/p/\S+/", out)
    assert public, out
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(public[0])
    nav = await page.get_by_role("navigation").inner_text()
    assert "Protokolle" in nav and "Beschlüsse" in nav
    assert "Aufgaben" not in nav and "Geschäftsordnung" not in nav
    assert "Nächstes Treffen" not in await page.locator("main").inner_text()
    await _check(page, "de", "Übersicht", "public")
    await page.screenshot(path=str(ARTIFACTS / "de-public.png"), full_page=True)
    for hidden in ("actions", "rules", "meetings"):
        response = await page.goto(public[0] + hidden)
        assert response is not None and response.status == 404
    response = await page.goto(public[0] + "decisions")
    assert response is not None and response.status == 200
    await page.screenshot(path=str(ARTIFACTS / "de-public-decisions.png"), full_page=True)
    await site.bot.say(":room main\n@anna: /webseite privat alles")
    response = await page.goto(public[0] + "decisions")
    assert response is not None and response.status == 404
    await context.close()


async def test_the_not_found_page(site: Site, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    response = await page.goto(site.base + "/s/not-a-link/")
    assert response is not None and response.status == 404
    assert await serious_violations(page) == []
    await page.screenshot(path=str(ARTIFACTS / "not-found.png"), full_page=True)
    await context.close()


async def test_the_members_are_listed_in_host_order(site: Site, browser: Browser) -> None:
    """As /mitglieder lists them: alphabetical as a German reader sorts (DIN 5007)."""
    from bot.core.text import din5007_key

    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(site.sites["main"])
    names = [await s.inner_text() for s in await page.locator("ul.members strong").all()]
    assert len(names) >= 3 and names == sorted(names, key=din5007_key), names
    await context.close()
