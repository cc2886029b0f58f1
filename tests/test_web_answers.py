"""Answers without a chat account: an invitation and a date poll reach the town halls by
e-mail (a real SMTP server, aiosmtpd), each address with its personal answer link; a real
browser (Debian's Chromium, Playwright) opens it, ticks times or says Zusage/Absage, and the
answer counts in /terminumfrage, /teilnahme and the site's overview exactly like a chat
answer. An office address speaks for its member. axe-core checks the page in German and
English; screenshots land in tests/artifacts/web/.

One partnership, one browser and one site for the module; the tests run in order, each
building on the one before (a poll, then its closing, then the invitation's replies)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from playwright.async_api import Browser, Page
from sqlalchemy import text

from bot.adapters.web.server import WebServer, WebSite
from storage.database import Database
from tests.browser import ARTIFACTS, launched, serious_violations
from tests.email.conftest import Relay, code_in, section
from tests.harness import ConsoleBot
from tests.web_site import HOSTILE, free_port

pytestmark = pytest.mark.asyncio(loop_scope="module")

KLEVE = "klimaschutz@kleve.de"
"""Kleve's office address: no person behind it, it speaks for its member."""
BERND = "bernd.b@goch.de"
DORA = "dora@emmerich.de"
NAME = f"Klima-Allianz {HOSTILE[0]}"
PLACE = f"Rathaus {HOSTILE[1]}"

SETUP = f"""
:admin anna
@anna: /setup {NAME}
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Emmerich am Rhein
@bernd: /ichbin Goch
@dora: /ichbin Emmerich am Rhein
"""


@dataclass
class World:
    bot: ConsoleBot
    relay: Relay
    base: str
    database: Database

    async def send(self) -> None:
        assert self.bot.runtime.mail_delivery is not None
        while await self.bot.runtime.mail_delivery.deliver_due():
            pass

    def link(self, address: str, subject: str) -> str:
        """The answer link in the newest e-mail to `address` whose subject starts so."""
        mails = [m for m in self.relay.to(address) if str(m["Subject"]).startswith(subject)]
        assert mails, (address, subject, self.relay.subjects(address))
        body = mails[-1].get_body(("plain",))
        assert body is not None
        found = re.findall(re.escape(self.base) + r"/a/[A-Za-z0-9_\-]+", body.get_content())
        assert len(found) == 1, body.get_content()
        return str(found[0])


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    relay = Relay()
    controller = Controller(relay, hostname="127.0.0.1", port=free_port())
    controller.start()
    database = Database(f"sqlite:///{tmp_path_factory.mktemp('answers') / 'a.sqlite3'}")
    await database.upgrade()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = await ConsoleBot.start(database, web_base_url=base, email=section(controller.port))
    server = WebServer(
        WebSite(bot.app.uow_factory, bot.clock, bot.runtime.catalog, base), "127.0.0.1", port
    )
    await server.start()
    found = World(bot, relay, base, database)
    try:
        await bot.say(SETUP)
        await bot.say(
            f"@anna: /email neu Kleve {KLEVE}\n@bernd: /email neu {BERND}\n@dora: /email neu {DORA}"
        )
        await found.send()
        for address, who in ((KLEVE, "anna"), (BERND, "bernd"), (DORA, "dora")):
            code = code_in(relay.to(address)[0], "bestaetigen")
            assert "bestätigt" in await bot.text(f"@{who}: /email bestaetigen {code}")
        relay.received.clear()
        yield found
    finally:
        await server.stop()
        controller.stop()
        await database.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with launched() as found:
        yield found


async def axe_clean(page: Page, shot: str) -> None:
    assert await page.locator("h1").count() == 1 and await page.locator("main").count() == 1
    assert await page.locator("script, img, iframe").count() == 0
    assert await serious_violations(page) == []
    await page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(ARTIFACTS / f"{shot}-phone.png"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the answer page scrolls sideways on a phone ({width}px)"
    await page.set_viewport_size({"width": 1200, "height": 900})


async def submit(page: Page, button: str) -> int:
    """Press the form's button; the status of the page it leads to."""
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name=button).click()
    response = await navigation.value
    assert response is not None
    return response.status


async def ticked(page: Page) -> list[str]:
    return [await b.get_attribute("id") or "" for b in await page.locator("input:checked").all()]


async def test_the_poll_e_mail_s_link_answers_and_counts_for_the_member(
    world: World, browser: Browser
) -> None:
    bot = world.bot
    await bot.say(f"@anna: /termin 10.12.2026 14:00 im {PLACE}")
    await bot.say("@anna: /terminumfrage 2.3.2027 10 Uhr; 4.3.2027 14 Uhr; 9.3.2027 10 Uhr")
    await world.send()
    for address in (KLEVE, BERND, DORA):
        assert [s.split(":")[0] for s in world.relay.subjects(address)] == [
            "Einladung",
            "Terminumfrage",
        ]
        # one link per address, the same in the invitation and the poll
        assert world.link(address, "Einladung") == world.link(address, "Terminumfrage")
    kleve = world.link(KLEVE, "Terminumfrage")
    mail = world.relay.to(KLEVE)[-1]
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None and html is not None
    assert "3. Di., 09.03.2027, 10:00" in plain.get_content()
    assert f'<a href="{kleve}">' in html.get_content()
    assert "Ihre Antwort geben Sie hier, ohne Anmeldung" in plain.get_content()
    assert kleve != world.link(BERND, "Terminumfrage")
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(5000)
    page = await context.new_page()
    response = await page.goto(kleve)
    assert response is not None and response.status == 200
    assert "form-action 'self'" in response.headers["content-security-policy"]
    main = await page.locator("main").inner_text()
    assert "Ihre Antworten auf dieser Seite zählen für: Kleve." in main
    assert KLEVE not in await page.content()  # the page names the member, not the address
    assert HOSTILE[1] in main and HOSTILE[0] in await page.title()  # text stays text
    assert await ticked(page) == []
    await axe_clean(page, "de-answer")
    # by keyboard: tick times 1 and 3, send
    await page.get_by_label("Di., 02.03.2027, 10:00").check()
    await page.get_by_label("Di., 09.03.2027, 10:00").focus()
    await page.keyboard.press("Space")
    status = await submit(page, "Antwort zur Terminumfrage senden")
    assert "?saved=poll" in page.url, (status, await page.inner_text("main"))
    assert "Danke! Ihre Antwort zur Terminumfrage ist gespeichert." in (
        await page.get_by_role("status").inner_text()
    )
    assert await ticked(page) == ["time-1", "time-3"]
    await axe_clean(page, "de-answer-saved")
    state = await bot.text("@anna: /terminumfrage")
    assert "1. Di., 02.03.2027, 10:00 – 1 von 3 Mitgliedern kann: Kleve" in state, state
    assert "3. Di., 09.03.2027, 10:00 – 1 von 3 Mitgliedern kann: Kleve" in state
    assert "Noch keine Antwort von diesen 2 Mitgliedern: Emmerich am Rhein, Goch." in state
    # a changed answer replaces the old one; sending it twice keeps it once
    await page.get_by_label("Di., 02.03.2027, 10:00").uncheck()
    await page.get_by_label("Do., 04.03.2027, 14:00").check()
    for _ in range(2):
        await submit(page, "Antwort zur Terminumfrage senden")
    assert await ticked(page) == ["time-2", "time-3"]
    state = await bot.text("@anna: /terminumfrage")
    assert "1. Di., 02.03.2027, 10:00 – noch kein Mitglied" in state, state
    assert "2. Do., 04.03.2027, 14:00 – 1 von 3 Mitgliedern kann: Kleve" in state
    async with world.database.engine.connect() as connection:
        votes = (await connection.execute(text("SELECT numbers, via FROM date_poll_vote"))).all()
    assert len(votes) == 1 and votes[0][1] == "email", votes
    # Bernd, by his own address: none of the times; it counts for Goch, merged with chat
    await page.goto(world.link(BERND, "Terminumfrage"))
    assert "zählen für: bernd." in await page.locator("main").inner_text()
    await page.get_by_label("Keine dieser Zeiten passt").check()
    await submit(page, "Antwort zur Terminumfrage senden")
    assert await ticked(page) == ["time-none"]
    await bot.say("@dora: /abstimmen 2")
    state = await bot.text("@anna: /terminumfrage")
    assert "2. Do., 04.03.2027, 14:00 – 2 von 3 Mitgliedern können: Emmerich am Rhein, Kleve" in (
        state
    ), state
    assert "Alle Mitglieder haben geantwortet." in state
    await context.close()


async def post(url: str, body: str | bytes, **headers: str) -> tuple[int, str]:
    heads = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=heads, allow_redirects=False) as response,
    ):
        return response.status, await response.text()


async def test_bad_posts_get_a_clear_answer_and_store_nothing(world: World) -> None:
    link = world.link(DORA, "Terminumfrage")
    before = await world.bot.text("@anna: /terminumfrage")
    cases: list[tuple[str | bytes, int, str]] = [
        ("form=poll&poll=1&time=7", 400, "Diese Zeit gibt es in der Terminumfrage nicht"),
        ("form=poll&poll=1&time=1&none=1", 400, "nicht beides"),
        ("form=poll&poll=1", 400, "mindestens eine Zeit"),
        ("form=poll&poll=1&time=" + HOSTILE[0], 400, "konnte die Seite nicht lesen"),
        ("form=poll&poll=1%27%3B--&time=1", 400, "konnte die Seite nicht lesen"),
        ("form=meeting&meeting=1&answer=" + HOSTILE[1], 400, "Zusage, Absage oder Vielleicht"),
        ("form=meeting&meeting=999&answer=yes", 409, "Ihre Antwort wurde nicht gespeichert"),
        ("form=" + HOSTILE[2], 400, "konnte die Seite nicht lesen"),
        (b"form=poll&poll=1&time=\xff", 400, "konnte die Seite nicht lesen"),
        ("form=poll&poll=1&time=1&x=" + "a" * 5000, 413, "zu lang"),
    ]
    for body, status, sentence in cases:
        got, page = await post(link, body)
        assert (got, sentence in page) == (status, True), (body, page[-600:])
        assert "<script>" not in page and "<img" not in page  # hostile strings stay text
    # another site cannot make a visitor's browser answer
    got, page = await post(link, "form=poll&poll=1&time=1", Origin="https://evil.example")
    assert (got, "kam nicht von dieser Seite" in page) == (403, True)
    got, _ = await post(link, "form=poll&poll=1&time=1", **{"Sec-Fetch-Site": "cross-site"})
    assert got == 403
    # a wrong code is the site's one 404, as is a GET of it
    async with aiohttp.ClientSession() as session, session.get(world.base + "/nope") as r:
        missing = await r.text()
    for url in (world.base + "/a/" + "A" * 32, world.base + "/a/"):
        got, page = await post(url, "form=poll&poll=1&time=1")
        assert (got, page) == (404, missing)
    # guessing codes is throttled like every link (here a visitor behind the proxy)
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    for n in range(10):
        got, _ = await post(f"{world.base}/a/guess{n}", "form=poll&poll=1&time=1", **guesser)
        assert got == 404
    got, _ = await post(link, "form=poll&poll=1&time=1", **guesser)
    assert got == 429
    assert await world.bot.text("@anna: /terminumfrage") == before
    async with world.database.engine.connect() as connection:
        replies = (await connection.execute(text("SELECT count(*) FROM meeting_reply"))).scalar()
    assert replies == 0


async def test_a_closed_poll_refuses_and_invitation_replies_count(
    world: World, browser: Browser
) -> None:
    bot = world.bot
    context = await browser.new_context(java_script_enabled=False)
    context.set_default_timeout(5000)
    page = await context.new_page()
    await page.goto(world.link(DORA, "Terminumfrage"))
    await bot.say("@anna: /terminumfrage schliessen")  # meanwhile, in the chat
    before = await bot.text("@anna: /terminumfrage")
    await page.get_by_label("Di., 02.03.2027, 10:00").check()
    await submit(page, "Antwort zur Terminumfrage senden")
    alert = await page.get_by_role("alert").inner_text()
    assert alert == (
        "Die Terminumfrage ist schon geschlossen; Ihre Antwort wurde nicht gespeichert."
    )
    assert "Zurzeit läuft keine Terminumfrage." in await page.locator("main").inner_text()
    assert await bot.text("@anna: /terminumfrage") == before
    # the invitation: Dora says yes, Kleve's office no, from their links, without script
    for address, answer in ((DORA, "Zusage: Wir kommen"), (KLEVE, "Absage: Wir kommen nicht")):
        await page.goto(world.link(address, "Einladung"))
        await page.get_by_label(answer).check()
        await submit(page, "Antwort zum Treffen am 10.12.2026 senden")
        assert "Ihre Antwort zur Einladung ist gespeichert" in await page.inner_text("main")
        assert await page.get_by_label(answer).is_checked()
    await context.close()
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(5000)
    page = await context.new_page()
    await page.goto(world.link(KLEVE, "Einladung"))
    await axe_clean(page, "de-answer-meeting")  # axe needs script
    attendance = await bot.text("@anna: /teilnahme")
    assert "Zugesagt hat 1 Mitglied:\n  • Emmerich am Rhein – dora\n" in attendance, attendance
    assert "Abgesagt hat 1 Mitglied:\n  • Kleve – Kleve (E-Mail)\n" in attendance
    assert "Noch nicht geantwortet hat 1 Mitglied: Goch" in attendance
    # the site's overview counts the replies of the next meeting
    site = re.findall(r"http://\S+/s/\S+/", await bot.text("@anna: /webseite"))
    async with aiohttp.ClientSession() as session, session.get(site[0]) as response:
        overview = await response.text()
    assert "2 von 3 Mitgliedern haben geantwortet: 1 kommt, 1 nicht" in overview
    await context.close()


async def test_the_answer_page_in_english(world: World, browser: Browser) -> None:
    bot = world.bot
    await bot.say("@anna: /einstellungen sprache en")
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(5000)
    page = await context.new_page()
    await page.goto(world.link(BERND, "Terminumfrage"))
    assert await page.get_attribute("html", "lang") == "en"
    assert await page.locator("h1").inner_text() == "Your answers"
    assert "There is no open date poll at the moment." in await page.inner_text("main")
    await page.get_by_label("Maybe").check()
    await submit(page, "Send my answer for the meeting on")
    assert "Your answer to the invitation is saved." in await page.inner_text("main")
    await axe_clean(page, "en-answer")
    site = re.findall(r"http://\S+/s/\S+/", await bot.text("@anna: /website new"))
    await page.goto(site[0])
    assert "3 of 3 members have replied: 1 coming, 1 not, 1 maybe" in await page.inner_text("main")
    await context.close()


async def test_a_removed_or_stopped_address_s_link_is_gone(world: World) -> None:
    kleve, dora = world.link(KLEVE, "Einladung"), world.link(DORA, "Einladung")
    header = str(world.relay.to(DORA)[-1]["List-Unsubscribe"])
    stop = header[1 : header.index(">")]
    async with aiohttp.ClientSession() as session:
        async with session.get(world.base + "/nope") as response:
            missing = await response.text()
        for link in (kleve, dora):
            async with session.get(link) as response:
                assert response.status == 200
        assert "removed" in await world.bot.text(f"@anna: /email remove {KLEVE}")
        async with session.post(stop) as response:
            assert response.status == 200
        for link in (kleve, dora):
            async with session.get(link) as response:
                assert (response.status, await response.text()) == (404, missing)
            got, page = await post(link, "form=meeting&meeting=1&answer=yes")
            assert (got, page) == (404, missing)
    # the office address's answers went with it, as a person's go when they leave
    attendance = await world.bot.text("@anna: /attendance")
    assert "1 member has not answered yet: Kleve" in attendance, attendance
    assert "• Emmerich am Rhein – dora" in attendance  # a person's own answer stays
