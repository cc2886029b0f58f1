"""With a web page, every e-mail's stop is a link: the mail program's one-click stop (RFC
8058) and the page behind the footer's link both stop the address, against aiosmtpd and the
bot's own web server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application, Request

from bot.adapters.web.server import WebSite
from tests.conftest import drop_schema, make_database
from tests.email.conftest import Relay, section
from tests.email.test_email_flow import BERND, KLEVE, confirmed_world, send
from tests.harness import ConsoleBot

BASE = "https://partner.example.org"


@pytest.fixture
async def mail_and_web(
    backend: str, tmp_path: Path, relay: tuple[Relay, int]
) -> AsyncIterator[tuple[ConsoleBot, Relay, TestClient[Request, Application]]]:
    database, schema = await make_database(backend, tmp_path)
    handler, port = relay
    bot = await ConsoleBot.start(database, email=section(port), web_base_url=BASE)
    site = WebSite(bot.app.uow_factory, bot.clock, bot.runtime.catalog)
    client = TestClient(TestServer(site.application(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield bot, handler, client
    finally:
        await client.close()
        await database.close()
        if schema is not None:
            await drop_schema(schema)


async def test_one_click_in_the_mail_program_stops_the_address(
    mail_and_web: tuple[ConsoleBot, Relay, TestClient[Request, Application]],
) -> None:
    bot, relay, client = mail_and_web
    await confirmed_world(bot, relay)
    await bot.say("@anna: /termin 2.3.2027 10:00")
    await send(bot)
    [invitation] = relay.to(KLEVE)
    links = str(invitation["List-Unsubscribe"])
    assert links.startswith(f"<{BASE}/stop/") and ", <mailto:" in links
    assert invitation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = links[1 : links.index(">")]
    plain = invitation.get_body(("plain",))
    assert plain is not None and f"Keine E-Mails mehr an diese Adresse: {url}" in (
        plain.get_content()
    )
    path = urlsplit(url).path
    # opening the link only asks (a link checker stops nothing); the form posts to itself
    asked = await client.get(path)
    page = await asked.text()
    assert asked.status == 200 and f"Sollen an {KLEVE} keine E-Mails" in page
    assert "form-action 'self'" in asked.headers["Content-Security-Policy"]
    assert "abbestellt" not in await bot.text("@anna: /email")
    # the mail program's one click: a POST with the RFC 8058 body
    done = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status == 200 and f"Erledigt: An {KLEVE} gehen keine E-Mails" in await done.text()
    assert f"{KLEVE} (Kleve) – abbestellt" in await bot.text("@anna: /email")
    relay.received.clear()
    await bot.say("@anna: /verschieben 9.3.2027 10:00")
    await send(bot)
    assert relay.to(KLEVE) == [] and len(relay.to(BERND)) == 1
    # twice is fine; a made-up code gets the site's one 404
    assert (await client.post(path)).status == 200
    assert (await client.post("/stop/0000000000000000")).status == 404
    assert (await client.get("/stop/0000000000000000")).status == 404
