"""The answer link on both backends (SQLite and PostgreSQL): the date poll goes out by e-mail
only while its kind is on, an office address's answer counts for its member (under its
stand-in), a person's answer by link and by chat are one answer, and removing the office
address takes its answers along. Against aiosmtpd and the site's own aiohttp application;
the browser tests are tests/test_web_answers.py."""

from __future__ import annotations

import re

from aiohttp.test_utils import TestClient
from aiohttp.web import Application, Request
from alembic import command
from sqlalchemy import text

from storage.migrate import alembic_config, upgrade
from tests.email.conftest import Relay
from tests.email.test_email_flow import BERND, KLEVE, confirmed_world, send
from tests.email.test_email_web_stop import BASE, mail_and_web
from tests.harness import ConsoleBot

__all__ = ["mail_and_web"]

POLL = "@anna: /terminumfrage 2.3.2027 10 Uhr; 4.3.2027 14 Uhr"


def link_in(relay: Relay, address: str) -> str:
    body = relay.to(address)[-1].get_body(("plain",))
    assert body is not None
    found = re.findall(re.escape(BASE) + r"(/a/[A-Za-z0-9_\-]+)", body.get_content())
    assert len(found) == 1, body.get_content()
    return str(found[0])


async def test_office_and_person_answer_from_their_links(
    mail_and_web: tuple[ConsoleBot, Relay, TestClient[Request, Application]],
) -> None:
    bot, relay, client = mail_and_web
    await confirmed_world(bot, relay)
    # switched off, a poll sends nothing
    await bot.say("@anna: /einstellungen email terminumfragen aus")
    await bot.say(POLL)
    await send(bot)
    assert relay.received == []
    await bot.say("@anna: /terminumfrage schliessen")
    await bot.say("@anna: /einstellungen email terminumfragen an")
    await bot.say(POLL)
    await send(bot)
    assert [str(m["Subject"]) for m in relay.to(KLEVE)] == [
        "Terminumfrage: Klima-Allianz Niederrhein"
    ]
    kleve, bernd = link_in(relay, KLEVE), link_in(relay, BERND)
    page = await client.get(kleve)
    assert page.status == 200 and "zählen für: Kleve." in await page.text()
    poll = re.findall(r'name="poll" value="(\d+)"', await page.text())[0]
    done = await client.post(
        kleve, data={"form": "poll", "poll": poll, "time": "2"}, allow_redirects=False
    )
    assert done.status == 303 and done.headers["Location"] == kleve + "?saved=poll"
    # Bernd answers by link, then changes his mind in the chat: one answer, the latest
    await client.post(bernd, data={"form": "poll", "poll": poll, "none": "1"})
    await bot.say("@bernd: /abstimmen 2")
    state = await bot.text("@anna: /terminumfrage")
    assert "2. Do., 04.03.2027, 14:00 – 2 von 3 Mitgliedern können: Goch, Kleve" in state, state
    assert "Noch keine Antwort von: Emmerich am Rhein." in state, state
    # the office address removed: its link is gone, and its answer with it
    await bot.say(f"@anna: /email entfernen {KLEVE}")
    assert (await client.get(kleve)).status == 404
    state = await bot.text("@anna: /terminumfrage")
    assert "2. Do., 04.03.2027, 14:00 – 1 von 3 Mitgliedern kann: Goch" in state, state
    assert "Kleve (E-Mail)" not in state


async def test_the_migration_gives_existing_addresses_their_codes(
    mail_and_web: tuple[ConsoleBot, Relay, TestClient[Request, Application]],
) -> None:
    """Down to the schema before answer links and up again: every address gets a code of
    its own (the stand-in column comes back empty)."""
    bot, relay, _ = mail_and_web
    await confirmed_world(bot, relay)
    engine = bot.database.engine
    async with engine.begin() as connection:
        await connection.run_sync(
            lambda sync: command.downgrade(alembic_config(sync), "0017_history_state")
        )
    await upgrade(engine)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT answer_code FROM email_address"))).all()
    codes = {code for (code,) in rows}
    assert len(rows) == len(codes) == 4 and all(len(c) == 32 for c in codes)
