"""The live calendar: a person subscribes in the chat, a meeting is moved and another
cancelled, the feed fetched again shows both (same UID, higher SEQUENCE, STATUS:CANCELLED
kept), the time zone is right in summer and winter, and a real CalDAV server (Radicale, on
loopback) accepts every version of the feed."""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import icalendar
import pytest

from storage.database import Database
from tests.web_site import HOSTILE, Site, free_port, links, start_site

PLAN = f"""
:admin anna
@anna: /setup Klima-Allianz {HOSTILE[0]}
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Kalkar
@anna: /ichbin Kleve
@bernd: /ichbin Goch
@anna: /termin 14.1.2027 10:00 im Rathaus {HOSTILE[1]}
@anna: /termin weiteres 8.7.2027 10:00 in Kalkar
"""


@pytest.fixture
async def site(sqlite_database: Database) -> AsyncIterator[Site]:
    found = await start_site(sqlite_database)
    await found.bot.say(PLAN)
    try:
        yield found
    finally:
        await found.stop()


@pytest.fixture
async def radicale(tmp_path: Path) -> AsyncIterator[str]:
    """A real Radicale on loopback, anyone may log in, each user owns their calendars."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "radicale", "--server-hosts", f"127.0.0.1:{port}"),
        *("--auth-type", "none", "--rights-type", "owner_only"),
        *("--storage-filesystem-folder", str(tmp_path / "collections")),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(20), aiohttp.ClientSession() as session:
            while True:
                try:
                    async with session.get(url + "/.web/"):
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        await process.wait()


def _http(webcal: str) -> str:
    return "http://" + webcal.removeprefix("webcal://")


async def subscribe(site: Site, who: str = "anna", words: str = "") -> tuple[str, str]:
    out = await site.bot.text(f"@{who}: /kalender abonnieren {words}".rstrip())
    found = [u for u in out.split() if u.startswith("webcal://")]
    assert len(found) == 2, out
    assert _http(found[0]) in links(out)  # the https form for calendars that want one
    return _http(found[0]), _http(found[1])


async def fetch(url: str) -> tuple[int, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.read()


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_moves_and_cancellations_reach_subscribers(site: Site, radicale: str) -> None:
    feed, _mine = await subscribe(site)
    status, before = await fetch(feed)
    assert status == 200
    first = events(before)
    assert len(first) == 2
    (winter, summer) = sorted(first.values(), key=lambda e: e["DTSTART"].dt)
    assert {str(e["STATUS"]) for e in first.values()} == {"CONFIRMED"}
    await put_into_radicale(radicale, "before", before)

    out = await site.bot.text(
        "@anna: /verschieben 14.1. auf 21.1.2027 15:00\n@anna: /absagen 8.7.\n@anna: /ja"
    )
    assert "21.01.2027" in out and "abgesagt" in out, out

    status, after = await fetch(feed)
    assert status == 200
    second = events(after)
    assert set(second) == set(first)  # same UIDs: calendars update, they do not duplicate
    moved, cancelled = second[str(winter["UID"])], second[str(summer["UID"])]
    assert moved["DTSTART"].dt == datetime(2027, 1, 21, 14, 0, tzinfo=UTC)
    assert int(moved["SEQUENCE"]) > int(winter["SEQUENCE"])
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) > int(summer["SEQUENCE"])
    stored = await put_into_radicale(radicale, "after", after)
    assert str(stored[str(summer["UID"])]["STATUS"]) == "CANCELLED"
    assert stored[str(winter["UID"])]["DTSTART"].dt == moved["DTSTART"].dt


async def put_into_radicale(radicale: str, name: str, data: bytes) -> dict[str, icalendar.Event]:
    """PUT the whole feed as a calendar collection (Radicale parses and validates it, and
    answers 400 to anything it cannot read), then read back what it stored."""
    auth = {"Authorization": "Basic " + base64.b64encode(b"anna:x").decode()}
    url = f"{radicale}/anna/{name}/"
    async with aiohttp.ClientSession(headers=auth) as session:
        async with session.put(url, data=data, headers={"Content-Type": "text/calendar"}) as put:
            assert put.status in (200, 201), await put.text()
        async with session.get(url) as got:
            assert got.status == 200
            return events(await got.read())


async def test_radicale_refuses_a_broken_calendar(radicale: str) -> None:
    """The oracle can fail: an event without a UID and with a start that is no date."""
    broken = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:soon\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    auth = {"Authorization": "Basic " + base64.b64encode(b"anna:x").decode()}
    async with (
        aiohttp.ClientSession(headers=auth) as session,
        session.put(f"{radicale}/anna/broken/", data=broken) as put,
    ):
        assert put.status == 400


async def test_the_time_zone_is_right_in_winter_and_summer(site: Site) -> None:
    feed, _ = await subscribe(site)
    _, data = await fetch(feed)
    calendar = icalendar.Calendar.from_ical(data)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    offsets = {str(part.name): str(part["TZOFFSETTO"].to_ical()) for part in zones[0].subcomponents}
    assert offsets == {"STANDARD": "+0100", "DAYLIGHT": "+0200"}
    starts = sorted((e["DTSTART"] for e in calendar.walk("VEVENT")), key=lambda s: s.dt)
    assert [s.params["TZID"] for s in starts] == ["Europe/Berlin", "Europe/Berlin"]
    # 10:00 local both times: 09:00 UTC in January, 08:00 UTC in July
    assert [s.dt.astimezone(UTC).hour for s in starts] == [9, 8]
    assert b"DTSTART;TZID=Europe/Berlin:20270114T100000" in data
    assert b"DTSTART;TZID=Europe/Berlin:20270708T100000" in data


async def test_my_meetings_are_those_of_my_member(site: Site) -> None:
    """bernd speaks for Goch, which hosts the first meeting; Kalkar hosts the second."""
    _, mine = await subscribe(site, "bernd")
    _, data = await fetch(mine)
    found = list(events(data).values())
    assert [str(e["SUMMARY"]) for e in found] == [
        f"Treffen Klima-Allianz {HOSTILE[0]} (Gastgeber: Goch)"
    ]
    assert "meine Treffen (bernd)" in str(icalendar.Calendar.from_ical(data)["X-WR-CALNAME"])
    everything, _ = await subscribe(site, "bernd")
    assert len(events((await fetch(everything))[1])) == 2


async def test_user_text_stays_text_in_the_feed(site: Site) -> None:
    feed, _ = await subscribe(site)
    _, data = await fetch(feed)
    assert data.count(b"BEGIN:VEVENT") == 2
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == f"Klima-Allianz {HOSTILE[0]}"
    places = sorted(str(e["LOCATION"]) for e in calendar.walk("VEVENT"))
    assert places == ["Kalkar", f"Rathaus {HOSTILE[1]}"]


async def test_new_calendar_links_end_the_old_ones(site: Site) -> None:
    old_feed, old_mine = await subscribe(site)
    new_feed, new_mine = await subscribe(site, words="neu")
    assert (await fetch(old_feed))[0] == 404
    assert (await fetch(old_mine))[0] == 404
    assert (await fetch(new_feed))[0] == 200
    assert (await fetch(new_mine))[0] == 200
