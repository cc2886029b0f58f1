"""A year of quarterly meetings through the console: /naechstes and /reihenfolge are right
after every join, exit, skip, swap, meeting held, move and cancellation."""

from __future__ import annotations

import re
from pathlib import Path

from storage.database import Database
from tests.harness import ConsoleBot

SCENARIO = Path(__file__).parent / "scenarios" / "year.de.scenario"
EMM, BH, GOCH, KAL, KLE = "Emmerich am Rhein", "Bedburg-Hau", "Goch", "Kalkar", "Kleve"

# Worked out by hand from the rules: DIN 5007 order, continuing after the last host; a
# newcomer behind the rotation waits for the next round; a skip and a swap exchange turns.
ROTATIONS = [
    [EMM, GOCH, KAL, KLE],  # four members, nobody has hosted
    [EMM, GOCH, KAL, KLE],  # March meeting scheduled
    [GOCH, KAL, KLE, EMM],  # Emmerich hosted in March
    [GOCH, KAL, KLE, BH, EMM],  # Bedburg-Hau joined behind the rotation
    [KAL, GOCH, KLE, BH, EMM],  # Goch skipped: Kalkar first, Goch right after
    [GOCH, KLE, BH, EMM, GOCH],  # Kalkar hosted in June
    [GOCH, BH, EMM, GOCH],  # Kleve left
    [GOCH, BH, EMM, GOCH],  # September meeting scheduled and moved
    [BH, EMM, GOCH, KAL],  # Goch hosted: a new round
    [EMM, BH, GOCH, KAL],  # Bedburg-Hau and Emmerich swapped
    [BH, GOCH, KAL, BH],  # Emmerich hosted in December; Bedburg-Hau took its place
    [BH, GOCH, KAL, BH],  # March 2028 cancelled: Bedburg-Hau stays in line
]
NEXT = [
    (EMM, "erwartet im 4. Quartal 2026"),
    (EMM, "Di., 02.03.2027, 10:00"),
    (GOCH, "erwartet im 2. Quartal 2027"),
    (KAL, "erwartet im 2. Quartal 2027"),
    (KAL, "Do., 10.06.2027, 14:00"),
    (GOCH, "erwartet im 3. Quartal 2027"),
    (GOCH, "erwartet im 3. Quartal 2027"),
    (GOCH, "Do., 23.09.2027, 10:00"),
    (BH, "erwartet im 4. Quartal 2027"),
    (EMM, "erwartet im 4. Quartal 2027"),
    (EMM, "Do., 02.12.2027, 14:00"),
    (BH, "erwartet im 1. Quartal 2028"),
    (BH, "erwartet im 1. Quartal 2028"),
]
HELD = [("02.03.2027", EMM), ("10.06.2027", KAL), ("23.09.2027", GOCH), ("02.12.2027", EMM)]


def _rotation(message: str) -> list[str]:
    return re.findall(r"^  \d+\. (.+?) — ", message, re.M)


def _next(message: str) -> tuple[str, str]:
    planned = re.search(r"Nächstes Treffen: (.+?) (?:in|im) .*\n  Gastgeber: (.+?) –", message)
    if planned:
        return planned[2], planned[1]
    open_ = re.search(r"Als Nächstes lädt (.+?) ein, (erwartet im .+?)\.\n", message)
    assert open_, message
    return open_[1], open_[2]


async def test_a_year_of_quarterly_meetings(database: Database) -> None:
    bot = await ConsoleBot.start(database, now="2026-11-23 10:00")
    output = await bot.say(SCENARIO.read_text(encoding="utf-8"))
    assert bot.warnings == []
    rotations = [_rotation(m) for m in output if "Gastgeber-Reihenfolge der" in m]
    assert rotations == ROTATIONS
    answers = [_next(m) for m in output if "Nächstes Treffen:" in m or "Noch ist kein Treffen" in m]
    assert answers == NEXT
    last = output[-1]
    held = re.findall(r"• \w+\., (\d\d\.\d\d\.\d{4}), [\d:]+ — .+? — Gastgeber: (.+)", last)
    assert held == HELD
    assert "09.03.2028, 10:00 — abgesagt – Hochwasser" in last


async def test_the_transcript_is_unchanged(sqlite_database: Database) -> None:
    """The whole console output, reviewed once; any change shows up as a diff."""
    bot = await ConsoleBot.start(sqlite_database, now="2026-11-23 10:00")
    output = await bot.say(SCENARIO.read_text(encoding="utf-8"))
    expected = SCENARIO.with_suffix(".expected").read_text(encoding="utf-8")
    assert "\n".join(output) + "\n" == expected
