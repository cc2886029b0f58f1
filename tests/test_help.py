"""/hilfe fits a chat: the few commands that matter to this person in this room now, every
command by area on request, and for one command exactly who may run it. And the console
as the README says: piped input makes you an administrator, and says so first."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.i18n import Catalog
from bot.i18n.texts import Texts
from handlers import build_router
from storage.database import Database
from tests.harness import ConsoleBot

MAX_HELP = 1500
START = "2027-01-10 09:00"
ROUTER = build_router()

# Each step reaches one situation; "who: /hilfe" is then asked there.
TOUR = {
    "not_linked": ("anna", ""),
    "coordinator": ("anna", ":admin anna\n@anna: /gruenden Allianz\n@anna: /mitglied neu Goch\n"
                    "@anna: /mitglied neu Kalkar"),
    "newcomer": ("bernd", ""),
    "next_host": ("bernd", "@bernd: /ichbin Goch"),
    "contact": ("carla", "@carla: /ichbin Kalkar"),
    "meeting_day": ("bernd", "@anna: /termin 12.3.2027 10 Uhr\n:time 2027-03-12 08:00"),
    "meeting_running": ("bernd", "@bernd: /sitzungsbeginn"),
}  # fmt: skip
MUST_SHOW = {
    "not_linked": ["/gruenden", "/verbinden"],
    "coordinator": ["/mitglied neu", "/kontakt neu", "/termin"],
    "newcomer": ["/ichbin", "/naechstes"],
    "next_host": ["/termin", "/tagesordnung neu"],
    "contact": ["/tagesordnung neu", "/aufgaben"],
    "meeting_day": ["/sitzungsbeginn"],
    "meeting_running": ["/thema", "/beschluss", "/sitzungsende"],
}


def _text(message: str) -> str:
    return message.split(" bot: ", 1)[1].replace("\n  ", "\n")


def _bullets(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("• ")]


async def _views(bot: ConsoleBot, help_word: str) -> dict[str, str]:
    views = {}
    for name, (who, steps) in TOUR.items():
        if steps:
            await bot.say(steps)
        views[name] = _text((await bot.say(f"@{who}: {help_word}"))[-1])
    return views


async def test_help_shows_what_matters_to_this_person_now(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=START)
    views = await _views(bot, "/hilfe")
    for name, text in views.items():
        commands = [line[2:].split(" – ")[0] for line in _bullets(text)]
        assert all(any(c.startswith(m) for c in commands) for m in MUST_SHOW[name]), name
        assert len(commands) <= 10, name
        if name != "not_linked":  # only /gruenden, /verbinden and /hilfe work there
            assert len(commands) >= 6, name
        assert "/hilfe alle" in text.splitlines()[-1], name
    assert len(set(views.values())) == len(views)
    assert "/mitglied neu" not in views["newcomer"]
    assert "/mitglied neu" not in views["meeting_running"]


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_no_help_message_is_over_1500_characters(
    sqlite_database: Database, lang: str
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=START, lang=lang)
    word = "/hilfe" if lang == "de" else "/help"
    texts = list((await _views(bot, word)).values())
    texts.append(_text((await bot.say(f"@anna: {word} {'alle' if lang == 'de' else 'all'}"))[-1]))
    families = {c.alias if lang == "de" else c.name for c in ROUTER.commands}
    for family in sorted(families):
        texts.append(_text((await bot.say(f"@anna: {word} {family}"))[-1]))
    assert len(texts) > 45
    assert [t[:60] for t in texts if len(t) > MAX_HELP] == []


async def test_help_all_lists_every_command_by_area(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=START)
    text = _text((await bot.say("@anna: /hilfe alle"))[-1])
    for command in ROUTER.commands:
        if not command.hidden:
            # a command's subcommands share one entry: "/tagesordnung [neu|entfernen]"
            head, _, sub = command.invocation(True).partition(" ")
            entry = re.search(re.escape(head) + r"(?: \[?([\w|-]+)\]?)?(?=,|\n|$)", text)
            assert entry is not None, command.key
            assert not sub or sub in (entry[1] or "").split("|"), (command.key, entry[0])
    assert "**Treffen:** " not in text and "• Treffen: /naechstes" in text
    assert "/tagesordnung [neu|entfernen|verschieben]" in text
    assert "/gastgeber ueberspringen|tauschen|setzen" in text


@pytest.mark.parametrize("lang", ["de", "en"])
async def test_help_for_a_command_says_exactly_who_may_run_each_of_its_use_cases(
    sqlite_database: Database, lang: str
) -> None:
    texts = Texts(Catalog.load(), lang, "Europe/Berlin")
    bot = await ConsoleBot.start(sqlite_database, now=START, lang=lang)
    await bot.say(":admin anna\n@anna: /setup Allianz")
    missing = []
    for command in ROUTER.commands:
        if command.hidden:
            continue
        word = command.alias if lang == "de" else command.name
        text = _text((await bot.say(f"@anna: /help {word}"))[-1])
        for case in command.use_cases or ():
            if texts.who_line(case.permission) not in text:
                missing.append((command.key, case.permission.name))
    assert missing == []


async def test_help_for_termin_names_the_coordination_and_the_hosts_contacts(
    sqlite_database: Database,
) -> None:
    bot = await ConsoleBot.start(sqlite_database, now=START)
    text = _text((await bot.say("@anna: /hilfe termin"))[-1])
    assert "Dürfen: die Koordination und die Ansprechpartner*innen des gastgebenden Mitglieds." in (
        text
    )
    assert text.startswith("/termin\n")
    assert "/schedule" not in text


def _console(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "console", "--now", START],
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PARTNERBOT_HOME": str(tmp_path), "LOGNAME": "clara"},
        check=False,
    )


def test_piped_commands_make_you_an_administrator_and_say_so_first(tmp_path: Path) -> None:
    result = _console(tmp_path, "/gruenden Klima-Allianz Kreis Kleve\n/mitglied neu Kleve\n")
    assert result.returncode == 0, result.stderr
    # under the login name of whoever types, which reads well in every sentence
    assert result.stderr.splitlines()[0].startswith("Konsole: Sie („clara“) sind Administrator*in")
    assert result.stdout.startswith(
        "[main] bot: Die Partnerschaft Klima-Allianz Kreis Kleve ist gegründet. "
        "Koordination: clara."
    )
    assert "[main] bot: Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von clara)." in (
        result.stdout
    )
    assert "you" not in result.stdout


def test_a_script_that_names_its_administrators_is_taken_at_its_word(tmp_path: Path) -> None:
    result = _console(tmp_path, ":admin anna\n/gruenden Allianz\n@anna: /gruenden Allianz\n")
    assert result.returncode == 0, result.stderr
    assert "Administrator" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[main] bot: Das dürfen nur Administrator*innen dieses Raums."
    assert lines[1].startswith("[main] bot: Die Partnerschaft Allianz ist gegründet")
