"""Each command's argument shapes, and the hostile variations of them.

`SHAPES` maps a command's key (as the router names it: "cmd.schedule", "cmd.host.swap") to
a function that writes plausible arguments; `line` then builds a whole chat line (English
name or German alias, `/` or `!`, `@botname`) and may make it hostile: control characters,
digits that are not ASCII, 100 kB, pipes, cut-offs. A command without a shape gets generic
arguments, so one added to the router is fuzzed at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.core.router import Command
from tests.fuzz.world import ZONES, World

UNICODE_DIGITS = ("²", "³", "¹", "٣", "۴", "१", "１", "৩", "𝟙", "⑤", "Ⅻ", "½")
CONTROL = ("\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\u2028", "\ud800", "\ufeff", "\u200b")
HOSTILE_TEXT = (
    "<script>alert(1)</script>",
    "**fett** _x_ `code`",
    "@room",
    "[x](javascript:alert(1))",
    "‮gefährlich",
    "🌍🇩🇪👩‍👩‍👧",
    "עברית",
    "%s %(x)s {0} {x}",
    "'; DROP TABLE member; --",
    "\\N \\\\ \\x00",
    "ﷺ" * 20,
)
WORDS = (
    "Radverkehr",
    "Wärmeplanung",
    "Förderaufruf endet am 30.6.",
    "Ladesäulen gemeinsam ausschreiben",
    "Bericht der Klimaschutzmanagerin",
    "Hochwasser im Kreisgebiet",
    "PV auf Schuldächern",
    "bis morgen",
    "von A bis B",
    "Thema 2",
)
FIELDS = ("#mobilität", "#energie", "#wasser", "#klimaanpassung", "#unbekannt", "#", "#2")
PLACES = (" im Rathaus Kleve", " in Goch", " at the town hall", " | Rathaus", " in ", "")
TIMES = ("10:00", "14 Uhr", "um 9", "2pm", "00:30", "02:30", "23:59", "24:00", "25:61", "12.30", "")
RELATIVE = (
    "morgen",
    "übermorgen",
    "heute",
    "nächsten Donnerstag",
    "next Thursday",
    "Donnerstag nächste Woche",
    "in 3 Tagen",
    "in 2 Wochen",
    "in 9999999 Tagen",
    "in 100 Jahren",
    "gestern",
    "tomorrow",
    "Montag",
    "am 2. März",
    "Ende des Monats",
)
EDGES = (
    "31.12.9999 23:59",
    "31.12.9999",
    "31.12.9999 00:00",
    "1.1.0001 00:30",
    "1.1.0001",
    "1.1.1 23:00",
    "2.1.0001 00:00",
    "30.12.9999 22:00",
)
"""The ends of what a datetime holds, which the partnership's zone may push beyond."""
CADENCES = ("quarterly", "vierteljährlich", "monatlich", "half-yearly", "jährlich", "täglich")
REMINDER_KINDS = (
    "treffen", "meeting", "tagesordnung", "protokoll", "terminplanung", "aufgaben", "teilnahme",
)  # fmt: skip


class Gen:
    """Random pieces of arguments, drawn from one seeded generator."""

    def __init__(self, rng: random.Random, world: World, now: datetime) -> None:
        self.rng, self.world, self.now = rng, world, now

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(options)

    def maybe(self, text: str, chance: float = 0.5) -> str:
        return text if self.rng.random() < chance else ""

    def number(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return str(self.rng.randint(0, 6))
        if r < 0.7:
            return "#" + str(self.rng.randint(1, 4))
        if r < 0.85:
            return self.pick(UNICODE_DIGITS) + self.maybe(self.pick(UNICODE_DIGITS))
        return self.pick(("-1", "+2", "1.5", "0x1", "9" * self.rng.choice((10, 19, 400, 5000))))

    def member(self) -> str:
        name = self.pick(self.world.member_names())
        r = self.rng.random()
        if r < 0.1:
            return name.upper()
        if r < 0.15:
            return f"  {name}  "
        return name

    def person(self) -> str:
        return self.pick(self.world.person_names())

    def text(self) -> str:
        r = self.rng.random()
        if r < 0.6:
            return self.pick(WORDS)
        if r < 0.85:
            return self.pick(HOSTILE_TEXT)
        return self.pick(WORDS) + "\n" + self.pick(WORDS) + "\n\n- " + self.pick(WORDS)

    def day(self) -> str:
        """A calendar day: near the clock, at a daylight-saving change, or at the ends of time."""
        r = self.rng.random()
        if r < 0.35:
            when = self.now + timedelta(days=self.rng.randint(-30, 400))
            return when.strftime(self.pick(("%d.%m.", "%d.%m.%Y", "%-d.%-m.%y", "%Y-%m-%d")))
        if r < 0.5:
            year = self.now.year + self.rng.randint(0, 1)
            return self.pick((f"28.3.{year}", f"31.3.{year}", f"27.10.{year}", f"26.10.{year}"))
        if r < 0.7:
            return self.pick(RELATIVE)
        if r < 0.85:
            return self.pick(
                (
                    "31.12.9999",
                    "1.1.0001",
                    "1.1.1",
                    "29.2.2100",
                    "1.1.1970",
                    "31.12.10000",
                    "0.0.",
                    "31.4.",
                    "30.2.",
                    "99.99.9999",
                    "15.13.2027",
                    "1.1.-1",
                )
            )
        return self.pick(UNICODE_DIGITS) + "." + self.pick(UNICODE_DIGITS) + "."

    def when(self) -> str:
        if self.rng.random() < 0.08:
            return self.pick(EDGES)
        return (self.day() + " " + self.pick(TIMES)).strip()

    def zone(self) -> str:
        r = self.rng.random()
        if r < 0.8:
            return self.pick(ZONES)
        return self.pick(("Mars/Olympus", "../../etc/passwd", "europe/berlin", "UTC+2", "", "/"))


def _datepoll(g: Gen) -> str:
    times = [g.when() for _ in range(g.rng.choice((0, 1, 2, 3, 3, 4, 11)))]
    separator = g.pick(("; ", "\n", ";", " ; "))
    return separator.join(times) + g.maybe(separator + g.pick(("bis ", "until ")) + g.day())


def _none(g: Gen) -> str:
    return g.maybe(g.pick(WORDS), 0.1)


def _owner_text_due(g: Gen) -> str:
    owner = g.member() if g.rng.random() < 0.7 else g.person()
    return f"{owner} {g.text()}" + g.maybe(" " + g.pick(("bis", "until")) + " " + g.day())


def _remind(g: Gen) -> str:
    when, text = g.when(), g.text()
    return f"{when} | {text}" if g.rng.random() < 0.3 else f"{when} {text}"


def _reminder_setting(g: Gen) -> str:
    kind = g.pick((*REMINDER_KINDS, "quatsch", ""))
    value = g.pick(("an", "aus", "on", "off", "14,1", "3 10", "0", "999", "1;2;3", "²", "x"))
    return f"{kind} {value}".strip()


WEB_PARTS = ("protokolle", "beschlüsse", "alles", "minutes", "übersicht", "kekse", "regeln,")


def _which_meeting(g: Gen) -> str:
    """A meeting as /zusage and /teilnahme name it: none, its number or its day."""
    return g.maybe(g.number() if g.rng.random() < 0.5 else g.day(), 0.7)


SHAPES: dict[str, Callable[[Gen], str]] = {
    "cmd.help": lambda g: g.maybe(g.pick(("mitglied", "termin", "help", "quatsch", "/ja", "?"))),
    "cmd.setup": lambda g: g.pick(("Klima-Allianz", "Bündnis Süd", "Neu", "")) + g.maybe(" X"),
    "cmd.link": lambda g: (
        g.pick(g.world.codes)
        if g.world.codes and g.rng.random() < 0.6
        else g.maybe(g.pick(("K7M2Q9XA", "abc", "²²²²²²²²")))
    ),
    "cmd.rules.set": lambda g: g.text(),
    "cmd.member.add": lambda g: g.member(),
    "cmd.member.remove": lambda g: g.member() + g.maybe(" Austritt zum Jahresende"),
    "cmd.member.rename": lambda g: f"{g.member()} | {g.member()}" + g.maybe(" | x", 0.1),
    "cmd.iam": lambda g: g.maybe(g.member(), 0.8),
    "cmd.contact.add": lambda g: f"{g.member()} {g.person()}",
    "cmd.contact.remove": lambda g: f"{g.member()} {g.person()}",
    "cmd.coordinator.add": lambda g: g.person(),
    "cmd.coordinator.remove": lambda g: g.person(),
    "cmd.schedule": lambda g: g.when() + g.pick(PLACES),
    "cmd.move": lambda g: g.when() + g.pick(PLACES),
    "cmd.cancel": lambda g: g.maybe(g.text()),
    "cmd.host.skip": lambda g: g.maybe(g.text()),
    "cmd.host.swap": lambda g: f"{g.member()} | {g.member()}" + g.maybe(" | " + g.text()),
    "cmd.host.set": lambda g: g.member() + g.maybe(" " + g.text()),
    "cmd.settings.language": lambda g: g.pick(("de", "en", "EN", "fr", "", "deutsch")),
    "cmd.settings.timezone": lambda g: g.zone(),
    "cmd.settings.max-contacts": lambda g: g.number(),
    "cmd.settings.cadence": lambda g: g.pick(CADENCES),
    "cmd.agenda.add": lambda g: g.text() + g.maybe(" " + g.pick(FIELDS)),
    "cmd.agenda.remove": lambda g: g.number(),
    "cmd.agenda.move": lambda g: f"{g.number()} {g.number()}",
    "cmd.settings.agenda-deadline": lambda g: g.number() + g.maybe(g.pick(("d", " Tage"))),
    "cmd.topic": lambda g: g.number() if g.rng.random() < 0.5 else g.text(),
    "cmd.info": lambda g: g.text(),
    "cmd.decision": lambda g: g.text(),
    "cmd.action": _owner_text_due,
    "cmd.present": lambda g: g.maybe(g.member()),
    "cmd.absent": lambda g: g.maybe(g.member()),
    "cmd.attend": _which_meeting,
    "cmd.decline": _which_meeting,
    "cmd.maybe": _which_meeting,
    "cmd.attendance": _which_meeting,
    "cmd.minutes": lambda g: g.maybe(g.number() if g.rng.random() < 0.5 else g.day()),
    "cmd.minutes.add": lambda g: g.text(),
    "cmd.done": lambda g: g.number(),
    "cmd.remind": _remind,
    "cmd.datepoll": _datepoll,
    "cmd.datepoll.decide": lambda g: g.maybe(g.number()),
    "cmd.vote": lambda g: (
        " ".join(g.number() for _ in range(g.rng.randint(0, 3)))
        + g.maybe(g.pick((" keine", "none", ", 2")))
    ),
    "cmd.reminders.cancel": lambda g: g.number(),
    "cmd.settings.reminders": _reminder_setting,
    "cmd.forget": lambda g: g.person(),
    "cmd.website.public": lambda g: " ".join(g.pick(WEB_PARTS) for _ in range(g.rng.randint(0, 3))),
    "cmd.website.private": lambda g: g.pick(WEB_PARTS),
    "cmd.website.contacts": lambda g: g.pick(("an", "aus", "on", "off", "", "vielleicht")),
    "cmd.calendar.subscribe": lambda g: g.maybe(g.pick(("neu", "new", "bitte"))),
    "cmd.yes": lambda g: (
        g.pick(g.world.tokens)
        if g.world.tokens and g.rng.random() < 0.3
        else g.maybe(g.pick(("abcdef12", "x", "²")))
    ),
    "cmd.no": lambda g: (
        g.pick(g.world.tokens) if g.world.tokens and g.rng.random() < 0.3 else g.maybe("abcdef12")
    ),
}


def mutate(g: Gen, args: str) -> str:
    """Make the arguments hostile in one of the ways people and platforms do."""
    rng = g.rng
    r = rng.random()
    at = rng.randint(0, len(args))
    if r < 0.3:
        return args[:at] + g.pick(CONTROL) * rng.randint(1, 3) + args[at:]
    if r < 0.45:
        digits = [i for i, ch in enumerate(args) if ch.isdigit()]
        if digits:
            i = rng.choice(digits)
            return args[:i] + g.pick(UNICODE_DIGITS) + args[i + 1 :]
        return args + " " + g.pick(UNICODE_DIGITS)
    if r < 0.55:
        return args[:at] + g.pick((" | ", "|", "||", " | | ")) + args[at:]
    if r < 0.65:
        return args[:at]
    if r < 0.72:
        return args + " " + ("x" * 99 + " ") * rng.randint(1, 1000)
    if r < 0.8:
        return args.upper() if rng.random() < 0.5 else args.replace(" ", "\t")
    if r < 0.9:
        return args + "\n" + g.text()
    return "  " + args + "   "


def line(g: Gen, command: Command) -> str:
    """A chat line asking for `command`: its name or alias, subcommand, arguments."""
    rng = g.rng
    german = rng.random() < 0.6
    name = command.alias if german else command.name
    if rng.random() < 0.05:
        name = name.upper()
    head = rng.choice(("/", "/", "/", "!")) + name
    if rng.random() < 0.05:
        head += rng.choice(("@partnerbot", "@anderer_bot", "@"))
    if command.sub:
        head += " " + ((command.sub_alias or command.sub) if german else command.sub)
    shape = SHAPES.get(command.key, _none)
    args = shape(g)
    if rng.random() < 0.25:
        args = mutate(g, args)
    return f"{head} {args}" if args else head


def chatter(g: Gen) -> str:
    """Lines that are not commands of this bot, or commands nobody knows."""
    return g.pick(
        (
            "Guten Morgen!",
            "/",
            "!",
            "/quatsch",
            "/termin@anderer_bot 1.1.",
            "//termin",
            " /hilfe",
            "/\x00",
            "/" + "x" * 5000,
            "/hilfe\x00mitglied",
            "!!",
            "/mitglied",
            "/gastgeber",
            "/einstellungen farbe blau",
        )
    )
