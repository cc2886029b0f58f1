"""Dates and times as a German or English reader expects them, in the partnership's zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

_LOCALES = {"de": "de_DE", "en": "en_GB"}


def local(when: datetime, tz: str) -> datetime:
    return when.astimezone(ZoneInfo(tz))


def fmt_date(when: datetime, lang: str, tz: str) -> str:
    """21.11.2026 / 21 Nov 2026."""
    return str(format_date(local(when, tz).date(), format="medium", locale=_LOCALES[lang]))


def fmt_datetime(when: datetime, lang: str, tz: str) -> str:
    """Sa., 21.11.2026, 14:00 / Sat, 21 Nov 2026, 14:00."""
    pattern = "EEE, dd.MM.yyyy, HH:mm" if lang == "de" else "EEE, d MMM yyyy, HH:mm"
    return str(format_datetime(local(when, tz), pattern, locale=_LOCALES[lang]))
