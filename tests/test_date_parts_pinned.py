"""The parts of a typed date pinned one by one (issue #16: every change to
bot/domain/date_parts.py that a German or English user could notice fails a test here)."""

from __future__ import annotations

from datetime import date

from bot.domain.date_parts import Scan, read_parts

TODAY = date(2027, 3, 10)  # a Wednesday


def test_a_plain_dotted_day_is_read() -> None:
    parts = read_parts(Scan("15.3.2027"), TODAY, "de")
    assert parts.day == date(2027, 3, 15)
