"""Replies like a careful colleague: every reply of a long console tour (a new coordinator,
German and English) is read for known grammar errors; plural forms, places and
confirmations are checked where they are made."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.domain.places import english_at, german_in, without_article
from bot.i18n import Catalog
from handlers import build_router
from storage.database import Database
from tests.harness import ConsoleBot

SCENARIOS = Path(__file__).parent / "scenarios"
TOUR_START = "2027-01-10 09:00"

_ENGLISH_NAMES = sorted(
    {c.name for c in build_router().commands if c.name != c.alias and not c.hidden},
    key=len,
    reverse=True,
)
ENGLISH_COMMAND = re.compile(r"(?<![\w/])[/!](?:" + "|".join(_ENGLISH_NAMES) + r")\b")

KNOWN_ERRORS = {
    "both": [
        r"\(0\)",
        r"\b1 (?:Punkte|Ansprechpartner\*innen|Treffen \(|items|contact persons|meetings)\b",
        r"\b0 (?:Punkte|items)\b",
        r": 0\.",
        r"\b(?:you|anna|bernd) (?:koordiniert sie|coordinates it)\b",
        r"wirklich ausführen\?|really do it\?",
    ],
    "de": [
        r"\bbisher 0\b",
        r"\b1 Tagen?\b",
        r"\bin (?:Rathaus|Kreishaus|Bürgerhaus|Landratsamt|Sitzungssaal|Stadthalle|"
        r"Kreisverwaltung|Gemeinde|Stadt|der der|dem|Kreis)\b",
        r"\bim (?:der|Stadthalle|Kreisverwaltung|Gemeinde)\b",
        r"\bder Stadthalle Kalkar\b(?<!in der Stadthalle Kalkar)",
    ],
    "en": [r"\b1 (?:days|proposals)\b"],
}


def known_errors(lang: str, message: str) -> list[str]:
    """The known grammar errors in one reply (its text, without the console's prefix)."""
    found = [
        m.group(0)
        for pattern in KNOWN_ERRORS["both"] + KNOWN_ERRORS[lang]
        for m in re.finditer(pattern, message)
    ]
    if lang == "de":
        found += [m.group(0) for m in ENGLISH_COMMAND.finditer(message)]
    return found


def test_the_scanner_finds_what_the_issue_reported() -> None:
    """The reports of issue #14, verbatim: each one is caught."""
    reported = {
        "de": [
            "Tagesordnung: bisher 0 Punkte; Vorschläge bitte bis X.",
            "Kommende Treffen (0):",
            "Nächstes Treffen: Fr., 12.03.2027, 10:00 in Rathaus Bedburg-Hau.",
            "Einen Punkt 3 gibt es nicht; die Tagesordnung hat 1 Punkte.",
            "Die Partnerschaft X ist gegründet. you koordiniert sie.",
            "Frist für die Tagesordnung: 1 Tage vor dem Treffen",
            "/member braucht einen Unterbefehl:",
            "Gründen Sie eine mit /setup <Name> oder verbinden Sie den Raum mit /link <Code>.",
            "Bitte bestätigen: /absagen – wirklich ausführen?",
            "Neues Treffen: Fr., 12.03.2027, 10:00 in der Stadthalle Kalkar (… im der Stadthalle)",
        ],
        "en": ["Agenda: 1 items so far", "Upcoming meetings (0):", "1 days before the meeting"],
    }
    for lang, messages in reported.items():
        assert [m for m in messages if not known_errors(lang, m)] == []


def _text(message: str) -> str:
    """A console message as the chat shows it: no `[room] bot: ` prefix, no indent."""
    return message.split(" bot: ", 1)[1].replace("\n  ", "\n")


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_a_new_coordinators_tour_has_no_known_grammar_error(
    sqlite_database: Database, lang: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=TOUR_START, lang=lang)
    script = (SCENARIOS / f"colleague.{lang}.script").read_text(encoding="utf-8")
    replies = [_text(m) for m in await bot.say(script)]
    assert len(replies) > 70
    errors = {r: e for r in replies if (e := known_errors(lang, r))}
    assert errors == {}
    assert bot.warnings == []


async def test_the_year_of_meetings_has_no_known_grammar_error(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now="2026-11-23 10:00")
    script = (SCENARIOS / "year.de.scenario").read_text(encoding="utf-8")
    replies = [_text(m) for m in await bot.say(script)]
    assert {r: e for r in replies if (e := known_errors("de", r))} == {}


def test_counts_take_the_languages_plural_forms_and_zero_reads_as_words() -> None:
    catalog = Catalog.load()
    agenda = [catalog.text("de", "next.agenda", count=n, deadline="Fr.") for n in (0, 1, 2)]
    assert agenda == [
        "Tagesordnung: noch keine Punkte; Vorschläge bitte bis Fr..",
        "Tagesordnung: bisher 1 Punkt; Vorschläge bitte bis Fr..",
        "Tagesordnung: bisher 2 Punkte; Vorschläge bitte bis Fr..",
    ]
    upcoming = [catalog.text("en", "meetings.upcoming", count=n) for n in (0, 1, 3)]
    assert upcoming == ["No meeting planned.", "Upcoming meeting:", "Upcoming meetings (3):"]
    assert catalog.plurals["de"]["agenda.no_such_item"][0].endswith("{count} Punkt.")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Rathaus Bedburg-Hau", "im Rathaus Bedburg-Hau"),
        ("der Stadthalle Kalkar", "in der Stadthalle Kalkar"),
        ("Stadthalle", "in der Stadthalle"),
        ("Kreishaus", "im Kreishaus"),
        ("Kreisverwaltung Kleve", "in der Kreisverwaltung Kleve"),
        ("dem Bürgerhaus Uedem", "im Bürgerhaus Uedem"),
        ("großen Sitzungssaal", "im großen Sitzungssaal"),
        ("Kreis Kleve", "im Kreis Kleve"),
        ("Gemeinde Kranenburg", "in der Gemeinde Kranenburg"),
        ("Kalkar", "in Kalkar"),
        ("Kranenburg", "in Kranenburg"),
        ("Darmstadt", "in Darmstadt"),
        ("Emmerich am Rhein", "in Emmerich am Rhein"),
        ("Kastell Goch", "im Kastell Goch"),
        ("Kreishandwerkerschaft Kleve", "in der Kreishandwerkerschaft Kleve"),
        ("Stiftung Haus Kalkar", "in der Stiftung Haus Kalkar"),
        ("Alten Brauerei", "in der Alten Brauerei"),
        ("Wesel", "in Wesel"),
        ("Straelen", "in Straelen"),
        ("online", "online"),
    ],
)
def test_a_place_gets_the_right_german_preposition(typed: str, said: str) -> None:
    assert german_in(without_article(typed)) == said


def test_an_english_place_reads_at() -> None:
    assert english_at("Kleve town hall") == "at Kleve town hall"
    assert english_at("online") == "online"


async def test_the_place_is_kept_without_its_article(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=TOUR_START)
    out = await bot.say(
        ":admin anna\n@anna: /gruenden Allianz\n@anna: /mitglied neu Kalkar\n"
        "@anna: /termin 12.3.2027 10 Uhr in der Stadthalle Kalkar\n@anna: /treffen"
    )
    assert "— Stadthalle Kalkar —" in out[-1]
    assert "10:00 in der Stadthalle Kalkar (eingetragen von anna)" in out[-2]


async def test_a_confirmation_names_what_it_confirms(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=TOUR_START)
    out = await bot.say(
        ":admin anna\n@anna: /gruenden Allianz\n@anna: /mitglied neu Goch\n"
        "@anna: /termin 12.3.2027 10 Uhr im Rathaus Goch\n@anna: /absagen Hochwasser"
    )
    assert out[-1].startswith(
        "[main] bot: Bitte bestätigen: Das Treffen am Fr., 12.03.2027, 10:00 im Rathaus Goch (Gastgeber: Goch) "
        "wirklich absagen, mit dem Grund „Hochwasser“? Antworten Sie mit /ja oder /nein"
    )
    code = re.search(r"Ihr Code: (\w{8})", (await bot.say("@anna: /verbinden"))[0])
    assert code
    out = await bot.say(f":room zwei\n:admin anna\n@anna: /verbinden {code[1]}\n@anna: /trennen")
    assert out[-1].startswith(
        "[zwei] bot: Bitte bestätigen: Diesen Raum (zwei) wirklich von der Partnerschaft Allianz trennen?"
    )


async def test_a_missing_subcommand_is_named_in_the_replys_language(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=TOUR_START)
    out = await bot.say(":admin anna\n@anna: /gruenden Allianz\n@anna: /member")
    assert out[-1].startswith("[main] bot: /mitglied braucht einen Unterbefehl:")
