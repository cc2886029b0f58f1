"""Who gets into the web site, and how: the link from the chat, its replacement, the same
404 for every wrong address, the security headers, and throttled guessing."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import text

from storage.database import Database
from tests.harness import ConsoleBot
from tests.web_site import HOSTILE, Site, links, start_site

ROOMS = {"main": "de", "en": "en"}


@pytest.fixture
async def site(sqlite_database: Database) -> AsyncIterator[Site]:
    """One partnership with members and contact persons (what access depends on)."""
    found = await start_site(sqlite_database, {"main": "de"}, full=False)
    try:
        yield found
    finally:
        await found.stop()


@pytest.fixture
async def both(database: Database) -> AsyncIterator[Site]:
    """Two whole partnerships, on every backend."""
    found = await start_site(database, ROOMS)
    try:
        yield found
    finally:
        await found.stop()


async def get(url: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as response:
        return response.status, await response.text(), dict(response.headers)


async def test_a_wrong_or_replaced_link_gets_the_same_404_as_a_missing_page(site: Site) -> None:
    old = site.sites["main"]
    status, body, _ = await get(old)
    assert status == 200 and "Klima-Allianz Niederrhein" in body
    out = await site.bot.text(":room main\n@anna: /webseite neu")
    assert "Der bisherige Link funktioniert ab sofort nicht mehr." in out
    new = links(out)[0]
    assert new != old
    missing = await get(site.base + "/no/such/page")
    assert missing[0] == 404
    for url in (
        old,
        old + "meetings",
        site.base + "/s/" + "A" * 43 + "/",
        site.base + "/p/" + "A" * 16 + "/",
        site.base + "/k/" + "A" * 43 + ".ics",
        new + "no-such-part",
        site.base + "/",
        site.base + "/s/",
    ):
        status, body, _ = await get(url)
        assert (status, body) == (404, missing[1]), url
    status, body, _ = await get(new)
    assert status == 200 and "Klima-Allianz Niederrhein" in body


async def test_no_page_names_another_partnership_and_only_hashes_are_stored(
    both: Site, database: Database
) -> None:
    for room, other in (("main", "Climate Alliance Rhine"), ("en", "Klima-Allianz Niederrhein")):
        for path in ("", "meetings", "minutes", "actions", "decisions", "rules"):
            status, body, _ = await get(both.sites[room] + path)
            assert status == 200 and other not in body, (room, path)
    token = both.sites["main"].rstrip("/").rsplit("/", 1)[1]
    async with database.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT kind, token_hash FROM web_link"))).all()
    assert ("site", hashlib.sha256(token.encode()).hexdigest()) in [tuple(r) for r in rows]
    assert token not in str(rows)


async def test_security_headers_on_every_answer(site: Site) -> None:
    for url in (site.sites["main"], site.base + "/nothing", site.base + "/static/site.css"):
        _, _, headers = await get(url)
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "script-src" not in policy
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
    _, _, headers = await get(site.sites["main"])
    assert headers["Cache-Control"] == "no-store"
    assert "noindex" in headers["X-Robots-Tag"]


async def test_guessing_is_throttled_per_client(site: Site) -> None:
    good = site.sites["main"]
    for n in range(10):
        status, _, _ = await get(f"{site.base}/s/guess{n}/")
        assert status == 404
    status, _, headers = await get(good)
    assert status == 429 and int(headers["Retry-After"]) > 0
    # behind the reverse proxy on loopback, another visitor is another address
    status, _, _ = await get(good, **{"X-Forwarded-For": "203.0.113.9"})
    assert status == 200
    site.bot.clock.set(site.bot.clock.now() + timedelta(seconds=61))
    status, _, _ = await get(good)
    assert status == 200


async def test_only_coordinators_get_the_link(site: Site) -> None:
    out = await site.bot.text(":room main\n@bernd: /webseite")
    assert links(out) == []
    assert "Koordination" in out, out
    out = await site.bot.text(":room main\n@bernd: /webseite neu")
    assert links(out) == []
    status, _, _ = await get(site.sites["main"])
    assert status == 200


async def test_the_link_is_shown_once_and_the_contacts_only_when_allowed(site: Site) -> None:
    out = await site.bot.text(":room main\n@anna: /webseite")
    assert links(out) == [] and "kann ihn deshalb nicht noch einmal zeigen" in out
    _, body, _ = await get(site.sites["main"])
    assert "bernd" not in body and "Die Ansprechpartner*innen werden hier nicht genannt." in body
    out = await site.bot.text(":room main\n@anna: /webseite kontakte an")
    assert (
        out
        == [
            "[main] bot: Die Webseite zeigt die Ansprechpartner*innen der Mitglieder. "
            "Mit /webseite kontakte aus blenden Sie sie aus."
        ][0]
    )
    _, body, _ = await get(site.sites["main"])
    assert "<strong>Goch</strong>: bernd" in body


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (
            "/webseite öffentlich protokolle kekse",
            "„kekse“ ist kein Teil der Webseite. Möglich sind übersicht, treffen, protokolle, "
            "aufgaben, beschlüsse, regeln oder alles.",
        ),
        ("/webseite öffentlich", "Bitte nennen Sie, welche Teile der Webseite gemeint sind"),
        ("/webseite kontakte vielleicht", "Bitte schreiben Sie „an“ oder „aus“."),
        ("/kalender abonnieren bitte", "„bitte“ verstehe ich bei /kalender abonnieren nicht"),
    ],
)
async def test_bad_input_is_answered_with_a_reason_and_changes_nothing(
    site: Site, line: str, answer: str
) -> None:
    out = await site.bot.text(f":room main\n@anna: {line}")
    assert out.startswith(f"[main] bot: {answer}"), out
    assert "/p/" not in out and "/k/" not in out


async def test_without_a_base_url_the_bot_says_the_site_is_not_set_up(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    out = await bot.text(":admin anna\n@anna: /setup Allianz\n@anna: /webseite")
    assert "nicht eingerichtet" in out and "[web] base_url" in out


async def test_injection_strings_in_chat_replies_stay_as_typed(site: Site) -> None:
    out = await site.bot.text(":room main\n@anna: /webseite")
    assert f"Klima-Allianz Niederrhein {HOSTILE[0]}" in out


async def test_a_person_who_is_forgotten_loses_their_calendar_links(site: Site) -> None:
    out = await site.bot.text(":room main\n@bernd: /kalender abonnieren")
    feeds = [u for u in links(out) if "/k/" in u]
    assert len(feeds) == 1  # the https form of the partnership feed
    assert (await get(feeds[0]))[0] == 200
    await site.bot.say("@bernd: /vergissmich\n@bernd: /ja")
    assert (await get(feeds[0]))[0] == 404


async def test_a_site_that_cannot_bind_is_logged_and_the_bot_goes_on(
    sqlite_database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    import socket

    from bot.config import Config
    from bot.ops.web import start_web

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        config = Config()
        config.web.listen = f"127.0.0.1:{taken.getsockname()[1]}"
        config.web.base_url = "https://p.example.org"
        bot = await ConsoleBot.start(sqlite_database)
        assert await start_web(bot.runtime, config) is None
    assert "the web site cannot start" in caplog.text
    assert "ist gegründet" in await bot.text(":admin anna\n@anna: /setup Allianz")
