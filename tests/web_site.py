"""A partnership with everything a web page shows, made through the console, and its web
site served for real on loopback (the same `WebSite` that `partnerbot run` starts)."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field

from bot.adapters.web.server import WebServer, WebSite
from storage.database import Database
from tests.harness import ConsoleBot

HOSTILE = [
    '<script>alert(1)</script> **fett** @room <a href="x">y</a> &amp;',
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} {% raw %}",
    "[x](javascript:alert(1))",
]
"""The injection strings of tests/test_bad_input.py and a few more (template syntax,
attribute breaking, a Markdown link): on every page they must stay text."""

NAMES = {"de": "Klima-Allianz Niederrhein", "en": "Climate Alliance Rhine"}


def _setup(room: str, lang: str) -> list[str]:
    lines = [
        f":room {room}",
        ":admin anna",
        f"@anna: /setup {NAMES[lang]} {HOSTILE[0]}",
    ]
    if lang == "en":
        lines.append("@anna: /settings language en")
    return [
        *lines,
        "@anna: /member add Kleve",
        "@anna: /member add Goch",
        f"@anna: /member add Kalkar {HOSTILE[1]}",
        "@anna: /iam Kleve",
        "@bernd: /iam Goch",
        f"@anna: /rules set Wir treffen uns vierteljährlich. {HOSTILE[0]}",
        f"  Der Gastgeber schreibt das Protokoll. {HOSTILE[2]}",
        f"@anna: /termin 10.12.2026 14:00 im Rathaus {HOSTILE[1]}, Markt 1",
        f"@anna: /agenda add Radwege {HOSTILE[0]} #mobilität",
    ]


def _meeting(room: str) -> list[str]:
    return [
        f":room {room}",
        "@anna: /startmeeting",
        "@anna: /topic 1",
        f"@anna: /info Die Förderung läuft bis 2027 {HOSTILE[2]}",
        f"@anna: /decision Wir beantragen Fördermittel {HOSTILE[1]}",
        f"@anna: /action Goch Antrag schreiben {HOSTILE[3]} bis 15.1.2027",
        "@anna: /present Kleve",
        "@anna: /present Goch",
        "@anna: /endmeeting",
    ]


def _after(room: str) -> list[str]:
    return [
        f":room {room}",
        f"@anna: /termin 11.3.2027 10:00 in Kalkar {HOSTILE[0]} https://meet.example.org/k?a=1&b=2",
        f"@bernd: /agenda add Wärmeplanung {HOSTILE[3]}",
    ]


def script(rooms: dict[str, str], full: bool = True) -> str:
    """Partnerships (room -> language), each with members, rules, a meeting held with
    minutes (information, a decision, an action item), a next meeting with its agenda;
    not `full`: only members and contact persons."""
    lines = [line for room, lang in rooms.items() for line in _setup(room, lang)]
    if not full:
        return "\n".join(line for line in lines if "/termin" not in line and "/agenda" not in line)
    lines.append(":time 2026-12-10 14:05")
    lines += [line for room in rooms for line in _meeting(room)]
    lines.append(":time 2026-12-11 09:00")
    lines += [line for room in rooms for line in _after(room)]
    return "\n".join(lines)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


LINK = re.compile(r"https?://127\.0\.0\.1:\d+/[spk]/[A-Za-z0-9_\-]+(?:/|\.ics)")


def links(text: str) -> list[str]:
    return LINK.findall(text)


@dataclass
class Site:
    bot: ConsoleBot
    server: WebServer
    base: str
    sites: dict[str, str] = field(default_factory=dict)
    """room -> the private link `/webseite` gave there."""

    async def link(self, room: str, command: str = "/webseite") -> str:
        out = await self.bot.text(f":room {room}\n@anna: {command}")
        found = links(out)
        assert found, out
        return found[0]

    async def stop(self) -> None:
        await self.server.stop()


async def start_site(
    database: Database,
    rooms: dict[str, str] | None = None,
    now: str = "2026-11-23 10:00",
    full: bool = True,
) -> Site:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = await ConsoleBot.start(database, now=now, web_base_url=base)
    if rooms:
        await bot.say(script(rooms, full))
    web = WebSite(bot.app.uow_factory, bot.clock, bot.runtime.catalog, base)
    server = WebServer(web, "127.0.0.1", port)
    await server.start()
    site = Site(bot, server, base)
    for room in rooms or {}:
        site.sites[room] = await site.link(room)
    return site
