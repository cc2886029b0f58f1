"""A meeting in a Telegram group: the .ics, the agenda, a reminder, meeting mode, and the
minutes as Markdown and HTML documents, through python-telegram-bot and the fake Bot API."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.telegram.conftest import World
from tests.telegram.test_scenarios import ANNA, BERND, GROUP, founded


def _documents(world: World, suffix: str) -> list[tuple[str, bytes]]:
    return [
        c.files["document"]
        for c in world.fake.ok_calls("sendDocument")
        if c.files["document"][0].endswith(suffix)
    ]


async def test_a_meeting_from_schedule_to_minutes(world: World) -> None:
    await founded(world)
    world.fake.set_status(GROUP, BERND, "member")
    await world.say(GROUP, ANNA, "/mitglied neu Goch")
    await world.say(GROUP, ANNA, "/mitglied neu Kleve")
    await world.say(GROUP, ANNA, "/ichbin Goch")
    await world.say(GROUP, BERND, "/ichbin Kleve")

    day = (world.clock.now() + timedelta(days=10)).date()
    await world.say(GROUP, ANNA, f"/termin {day:%d.%m.%Y} 10:00 im Rathaus Goch")
    ((_, ics),) = _documents(world, ".ics")
    assert b"BEGIN:VCALENDAR" in ics and b"Rathaus Goch" in ics

    out = await world.say(GROUP, BERND, "/tagesordnung neu <b>Radverkehr</b> & **mehr** #mobilität")
    assert any("<b>Radverkehr</b> & **mehr**" in text for text in out)
    sent = world.fake.ok_calls("sendMessage")[-1].params["text"]
    assert "&lt;b&gt;Radverkehr&lt;/b&gt; &amp; **mehr**" in sent

    await world.say(
        GROUP, ANNA, f"/erinnern {day - timedelta(days=2):%d.%m.%Y} 09:00 Unterlagen lesen"
    )
    await world.app.fire_timers()
    await world.settle()
    assert not [t for t in world.fake.sent(GROUP) if "Erinnerung von" in t]
    zone = world.clock.now().tzinfo
    world.clock.set(
        datetime.combine(day - timedelta(days=2), datetime.min.time(), zone).replace(hour=9)
    )
    await world.app.fire_timers()
    await world.settle()
    reminders = [t for t in world.fake.sent(GROUP) if "Erinnerung von" in t]
    assert len(reminders) == 1 and "Unterlagen lesen" in reminders[0]

    world.clock.set(datetime.combine(day, datetime.min.time(), zone).replace(hour=9, minute=55))
    for line in (
        "/sitzungsbeginn",
        "/anwesend",
        "/anwesend Kleve",
        "/thema 1",
        "/beschluss Gemeinsames Konzept <i>beauftragen</i>",
        "/aufgabe Kleve Angebote einholen",
        "/sitzungsende",
    ):
        await world.say(GROUP, ANNA, line)
    ((md_name, markdown),) = _documents(world, ".md")
    ((_, page),) = _documents(world, ".html")
    assert md_name == f"Protokoll-{day:%Y-%m-%d}.md"
    assert b"Angebote einholen" in markdown and b"Gemeinsames Konzept" in markdown
    assert b"&lt;i&gt;beauftragen&lt;/i&gt;" in page and b"<i>beauftragen</i>" not in page
