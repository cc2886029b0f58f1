"""Vague due days as people write them after "bis" / "until": read as the day they name,
or recognised as a date the bot cannot pin down, so it asks instead of dropping it.

"Ende März" is the 31st, "Mitte April" the 15th, "Ende nächster Woche" its Friday, "KW 12"
the Friday of that ISO week, "Ende Q2" the quarter's last day. "Anfang Mai" or "nächste
Woche" name no day: `vague` says so and the caller asks for one.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

MONTHS = {
    "januar": 1, "jan": 1, "january": 1, "februar": 2, "feb": 2, "february": 2,
    "märz": 3, "maerz": 3, "marz": 3, "mär": 3, "mar": 3, "march": 3, "april": 4, "apr": 4,
    "mai": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
    "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:\s+(?P<year>\d{4}))?"
_END = r"(?:ende|end\s+of|the\s+end\s+of|spätestens\s+ende)"
_MID = r"(?:mitte|mid|mid-|the\s+middle\s+of|middle\s+of)"

_THIS = r"(?:des\s+|der\s+|dieses\s+|dieser\s+|this\s+|the\s+)?"
_NEXT = r"(?:der\s+)?(?:nächsten|naechsten|nächster|naechster|next)\s+"
_RULES = [
    (rf"^{_END}\s+(?:des\s+)?(?P<month>{_MONTH})\.?{_YEAR}$", "month_end"),
    (rf"^{_MID}\s*(?P<month>{_MONTH})\.?{_YEAR}$", "month_mid"),
    (rf"^(?:{_END}\s+{_THIS}(?:monats|month)|monatsende)$", "this_month_end"),
    (rf"^(?:{_END}\s+{_THIS}(?:jahres|year)|jahresende)$", "year_end"),
    (rf"^{_END}\s+{_THIS}(?:woche|week)$", "week_end"),
    (rf"^{_END}\s+{_NEXT}(?:woche|week)$", "next_week_end"),
    (rf"^(?:kw|week|woche)\s*(?P<week>\d{{1,2}}){_YEAR}$", "iso_week"),
    (rf"^(?:{_END}\s+)?(?:q|quartal\s*)(?P<quarter>[1-4]){_YEAR}$", "quarter_end"),
    (rf"^{_END}\s+(?:des\s+)?(?P<quarter>[1-4])\.\s*quartals{_YEAR}$", "quarter_end"),
]
_PATTERNS = [(re.compile(rule, re.I), kind) for rule, kind in _RULES]
_VAGUE = re.compile(
    r"^(?:(?:anfang|beginning\s+of|early|late|spät|später|ende|end\s+of)\s+)?"
    rf"(?:{_MONTH}|frühjahr|frühling|sommer|herbst|winter|spring|summer|autumn|fall"
    r"|bald|soon|demnächst|(?:nächste[nr]?|naechste[nr]?|next)\s+(?:woche|monat|week|month))"
    r"\.?(?:\s+\d{4})?$",
    re.I,
)


def _future(year: int | None, month: int, day_of: int | None, today: date) -> date:
    """The month's day `day_of` (None: its last), this year or, if past, the next."""
    for candidate in (year,) if year else (today.year, today.year + 1):
        last = calendar.monthrange(candidate, month)[1]
        found = date(candidate, month, min(day_of or last, last))
        if year or found >= today:
            return found
    raise AssertionError("unreachable: the next year's day is never past")


def read_vague_due(text: str, today: date) -> date | None:
    """The day a vague due phrase names, or None if it is not one of them."""
    phrase = " ".join(text.casefold().split()).rstrip(".")
    for pattern, kind in _PATTERNS:
        match = pattern.match(phrase)
        if match is None:
            continue
        groups = match.groupdict()
        year = int(groups["year"]) if groups.get("year") else None
        if year is not None and not 2000 <= year <= 2100:
            return None
        if kind in ("month_end", "month_mid"):
            month = MONTHS[groups["month"].casefold()]
            return _future(year, month, 15 if kind == "month_mid" else None, today)
        if kind == "this_month_end":
            return _future(today.year, today.month, None, today)
        if kind == "year_end":
            return date(today.year, 12, 31)
        if kind in ("week_end", "next_week_end"):
            friday = today + timedelta(days=(4 - today.weekday()) % 7)
            return friday + timedelta(weeks=1 if kind == "next_week_end" else 0)
        if kind == "iso_week":
            week, week_year = int(groups["week"]), year or today.year
            try:
                found = date.fromisocalendar(week_year, week, 5)
            except ValueError:
                return None
            if found < today and year is None:
                found = date.fromisocalendar(week_year + 1, min(week, 52), 5)
            return found
        quarter = int(groups["quarter"])
        return _future(year, quarter * 3, None, today)
    return None


def vague(text: str) -> bool:
    """A phrase that is a time without a day ("Anfang Mai", "März", "bald"), not text that
    merely goes on after "bis" ("von Januar bis März auswerten")."""
    return _VAGUE.match(" ".join(text.casefold().split())) is not None
