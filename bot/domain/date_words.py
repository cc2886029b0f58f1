"""The words and patterns of dates and times as people type them, German and English.

Kept apart from the reading rules in dates.py, so that every pattern can be pinned by the
phrase table; all patterns run on lower-cased text of the same length as the typed text."""

from __future__ import annotations

import re
from collections.abc import Iterable

NUMBERS = {
    "ein": 1, "eins": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "one": 1, "a": 1,
    "an": 1, "zwei": 2, "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4, "fünf": 5,
    "fuenf": 5, "five": 5, "sechs": 6, "six": 6, "sieben": 7, "seven": 7, "acht": 8,
    "eight": 8, "neun": 9, "nine": 9, "zehn": 10, "ten": 10, "elf": 11, "eleven": 11,
    "zwölf": 12, "zwoelf": 12, "twelve": 12,
}  # fmt: skip
_MONTH_NAMES = (
    ("januar", "jänner", "jaenner", "january", "jan"),
    ("februar", "february", "feb"),
    ("märz", "maerz", "marz", "march", "mär", "mrz", "mar"),
    ("april", "apr"),
    ("mai", "may"),
    ("juni", "june", "jun"),
    ("juli", "july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("oktober", "october", "okt", "oct"),
    ("november", "nov"),
    ("dezember", "december", "dez", "dec"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_WEEKDAY_NAMES = (
    ("montag", "monday", "mon", "mo"),
    ("dienstag", "tuesday", "tues", "tue", "di"),
    ("mittwoch", "wednesday", "wed", "mi"),
    ("donnerstag", "thursday", "thurs", "thur", "thu", "do"),
    ("freitag", "friday", "fri", "fr"),
    ("samstag", "sonnabend", "saturday", "sat", "sa"),
    ("sonntag", "sunday", "sun", "so"),
)
WEEKDAYS = {name: number for number, names in enumerate(_WEEKDAY_NAMES) for name in names}
_SHORT = {"mo", "di", "mi", "do", "fr", "sa", "so", "mon", "tue", "wed", "thu", "fri", "sat"}


def _alternatives(names: Iterable[object]) -> str:
    return "|".join(sorted((re.escape(str(n)) for n in names), key=len, reverse=True))


_MONTH = rf"(?P<month>{_alternatives(MONTHS)})\.?"
_LONG_WEEKDAYS = _alternatives(n for n in WEEKDAYS if n not in _SHORT and n != "sun")
# a short weekday ("Di.", "Mo,") only with its dot or comma: "so" and "do" are words too
_WEEKDAY = (
    rf"(?P<weekday>{_LONG_WEEKDAYS}|(?:{_alternatives(_SHORT | {'sun'})})(?=[.,]|\s+\d{{1,2}}\.\d))"
)
_NUMBER = rf"(?:\d{{1,2}}|{_alternatives(NUMBERS)})"
_YEAR = r"(?P<year>\d{4})"

URL = re.compile(r"\bhttps?://\S+")
ONLINE = re.compile(
    r"(?:(?<=\s)|^)(?:(?:per|via|über|ueber|mit|auf|as|on|by)\s+)?"
    r"(?P<tool>online|zoom|teams|webex|jitsi|bigbluebutton|bbb|videokonferenz"
    r"|video ?call|videocall)(?=\s|$|[.,;])"
)

# --- days ---------------------------------------------------------------------------------
ISO = re.compile(r"(?<![\d.:/])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?![\d:])")
DOTTED = re.compile(
    r"(?<![\d.:/])(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\."
    r"(?:(?P<year>\d{4}|\d{2})(?![\d:.])|\s(?P<spaced>(?:19|20)\d\d)(?![\d:.]))?"
)
DOTTED_OPEN = re.compile(
    r"(?<![\d.:/])(?P<day>0?[1-9]|[12]\d|3[01])\.(?P<month>0?[1-9]|1[0-2])(?![\d.:])"
    r"(?!\s*(?:uhr|h\b))"
)
SLASHED = re.compile(
    r"(?<![\d/.:])(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?(?![\d/])"
)
DAY_MONTH = re.compile(
    rf"(?<![\d.:])(?P<day>\d{{1,2}})(?:\.|st|nd|rd|th)?\s*(?:of\s+)?{_MONTH}"
    rf"(?:\s*,?\s*{_YEAR}(?![\d:.]))?(?![\w])"
)
MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?![:.]\d)(?!\s*(?:uhr|[ap]\.?m))"
    rf"(?:\s*,?\s*{_YEAR}(?![\d:.]))?"
)
_LONG_MONTH = _alternatives([n for n in MONTHS if len(n) > 3] + ["mai"])
MONTH_ONLY = re.compile(
    rf"\b(?:(?:anfang|mitte|ende|early|mid|late|end\s+of|im|in)\s+)?(?P<month>{_LONG_MONTH})\b"
    rf"(?:\s+{_YEAR}(?![\d:.]))?"
)
NEXT_MONTH = re.compile(
    r"\b(?:im\s+|in\s+)?(?:n(?:ä|ae)chste[nmrs]?|kommende[nmrs]?|next|coming)\s+(?:monat|month)\b"
)
WEEK = re.compile(
    r"\b(?:in\s+der\s+|in\s+)?(?P<which>(?:ü|ue)bern(?:ä|ae)chste[nrs]?|n(?:ä|ae)chste[nrs]?"
    r"|kommende[nrs]?|next|coming|(?P<the>the))\s+(?:woche|week)(?(the)\s+after\s+next)\b"
)
WEEKDAY = re.compile(
    rf"\b(?:(?P<which>n(?:ä|ae)chste[nrs]?|kommende[nrs]?|diese[nmrs]?|next|this|coming)\s+)?"
    rf"(?:am\s+|on\s+)?{_WEEKDAY}(?![\w])[.,]?"
)
TODAY = re.compile(r"\b(?:heute|today|tonight)\b")
DAY_AFTER_TOMORROW = re.compile(r"\b(?:(?:ü|ue)bermorgen|the\s+day\s+after\s+tomorrow)\b")
TOMORROW = re.compile(r"\b(?:morgen|tomorrow)\b")
YESTERDAY = re.compile(r"\b(?P<before>vor)?(?:gestern|yesterday)\b")
IN_UNITS = re.compile(
    rf"\b(?:in\s+(?P<count>{_NUMBER})\s+(?P<unit>tag|tage|tagen|days?|wochen|woche|weeks?"
    rf"|monaten|monate|monat|months?)|(?P<count2>{_NUMBER})\s+(?P<unit2>days?|weeks?|months?)"
    rf"\s+from\s+now)\b"
)

# --- times --------------------------------------------------------------------------------
_HM = r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?"
_HM_UHR = r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})|\s*uhr\s+(?P<uhr_minute>\d{2})(?!\d))?"
_END = r"(?P<end_hour>\d{1,2})(?:[:.](?P<end_minute>\d{2}))?"
_MERIDIEM = r"(?P<meridiem>[ap])\.?\s?m\b\.?"
RANGE = re.compile(
    rf"(?:\b(?P<lead>von|from|zwischen|between)\s+)?(?<![\d.:]){_HM_UHR}\s*(?:uhr\s*)?"
    rf"(?:{_MERIDIEM}\s*)?"
    rf"(?:-|–|—|\bbis\b|\bto\b|\buntil\b|\btill\b|(?(lead)\b(?:und|and)\b|(?!)))\s*{_END}"
    rf"\s*(?P<unit>uhr\b|h\b|(?P<end_meridiem>[ap])\.?\s?m\b\.?)?"
)
HOUR_UHR_MINUTES = re.compile(
    r"(?<![\d.:])(?P<hour>\d{1,2})\s*uhr\s+(?P<minute>\d{2})(?![\d.:])(?!\s*(?:uhr|h\b))"
)
WITH_UHR = re.compile(rf"(?<![\d.:]){_HM}\s*(?:uhr\b|h\b)")
WORD_UHR = re.compile(rf"\b(?P<hour>{_alternatives(NUMBERS)})\s+uhr\b")
WITH_MERIDIEM = re.compile(rf"(?<![\d.:])(?:at\s+)?{_HM}\s*{_MERIDIEM}")
HALF = re.compile(
    rf"\b(?:(?P<half>halb)|(?P<past>viertel\s+nach)|(?P<to>viertel\s+vor|dreiviertel)"
    rf"|(?P<half_en>half\s+past)|(?P<past_en>quarter\s+past)|(?P<to_en>quarter\s+to))"
    rf"\s+(?P<hour>{_NUMBER})\b(?:\s*uhr\b)?"
)
AFTER_WORD = re.compile(rf"\b(?:um|at|gegen|ab|around)\s+{_HM}(?![\d:.])")
COLON = re.compile(r"(?<![\d.:])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?![\d:])")
DOTTED_TIME = re.compile(r"(?<![\d.:])(?P<hour>[01]?\d|2[0-3])\.(?P<minute>[0-5]\d)(?![\d.:])")
FOUR_DIGITS = re.compile(r"(?<![\d.:/-])(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?![\d.:/])")
NOON = re.compile(r"\b(?:mittags|noon|midday)\b")
MIDNIGHT = re.compile(r"\b(?:mitternacht|midnight)\b")
AFTERNOON = re.compile(
    r"\b(?:nachmittags?|abends?|in\s+the\s+(?:afternoon|evening)|tonight"
    r"|am\s+nachmittag|am\s+abend)\b"
)
NIGHT = re.compile(r"\b(?:nachts|in\s+der\s+nacht|at\s+night)\b")
"""Night: "11 Uhr nachts" is 23:00, "3 Uhr nachts" 03:00 and "12 Uhr nachts" midnight."""
MORNING = re.compile(
    r"\b(?:morgens|vormittags?|fr(?:ü|ue)h|in\s+der\s+fr(?:ü|ue)h|am\s+morgen|am\s+vormittag"
    r"|in\s+the\s+morning)\b"
)

FILLER = re.compile(r"\b(?:am|um|den|dem|der|ab|gegen|on|at|the|of|uhr|o'clock)\b|[,;]")
DATEISH = re.compile(
    rf"\b(?:{_alternatives(n for n in MONTHS if len(n) > 3)}|{_LONG_WEEKDAYS}"
    r"|woche|wochen|monat|monate|monaten|jahr|tag|tage|tagen|morgen|heute|gestern"
    r"|uhr|today|tomorrow|yesterday|week|weeks|month|months|year|noon|midnight)\b"
    r"|\d{1,2}:\d{2}|\b\d{1,2}\s*[ap]\.?m\b|^\s*\d{1,4}\s*$"
    # "den 15.", "3.12": a day, not a room number (write "| Raum 3.12" for that)
    r"|(?<![\w.])\d{1,2}\.(?:\d{1,2}\.?)?(?![\w.])"
)
PLACE_LEAD = re.compile(r"^\s*[,;:@|\-–—]?\s*(?:(?:in|im|at|bei|auf)\s+)?", re.I)
PLACE_TAIL = re.compile(r"(?:\s+(?:und|and|oder|or|sowie|plus)|\s*[,;&+/|\-–—])+\s*$", re.I)


def number(word: str) -> int:
    """A count or hour as a digit string or a number word."""
    return int(word) if word.isascii() and word.isdigit() else NUMBERS[word]
