"""/settings: language, time zone and how many contact persons a member may name."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import BulletList, Reply, Text
from bot.core.router import Router
from bot.core.text import ascii_number, clean
from bot.domain.date_notes import STATES
from bot.i18n import LANGUAGES
from bot.usecases import settings
from bot.usecases.plan import CADENCES


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("settings.unknown", setting=clean(ctx.args).split()[0][:50])
    partnership = await settings.show(ctx.call)
    text = ctx.texts.text
    values = (
        ("settings.language", text(f"language.{partnership.language}")),
        ("settings.timezone", partnership.timezone),
        ("settings.max_contacts", str(partnership.max_contacts)),
        ("settings.cadence", text(f"cadence.{partnership.cadence}")),
        ("settings.state", partnership.state or text("settings.state_none")),
        (
            "settings.agenda_deadline",
            text("settings.agenda_deadline_value", days=partnership.agenda_deadline_days),
        ),
    )
    return Reply.of(
        ctx.t("settings.header", name=partnership.name),
        BulletList(tuple((Text(text(k) + ": " + v),) for k, v in values)),
        ctx.t("settings.how"),
    )


_LANGUAGE_WORDS = {
    "de": "de",
    "deutsch": "de",
    "german": "de",
    "en": "en",
    "english": "en",
    "englisch": "en",
}


async def set_language(ctx: Context) -> None:
    """Announced in every room, in the new language, by the chat channel."""
    value = clean(ctx.args).casefold()
    if value not in _LANGUAGE_WORDS:
        raise UsageError("settings.bad_language", languages=", ".join(LANGUAGES))
    await settings.change(ctx.call, settings.ChangeSetting("language", _LANGUAGE_WORDS[value]))


@cache
def _zones() -> frozenset[str]:
    """The IANA names: `ZoneInfo("Europe")` opens a directory and raises IsADirectoryError."""
    return frozenset(available_timezones())


async def set_timezone(ctx: Context) -> None:
    value = clean(ctx.args)
    try:
        if not value or len(value) > 64 or value not in _zones():
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UsageError("settings.bad_timezone", value=value[:64]) from error
    await settings.change(ctx.call, settings.ChangeSetting("timezone", value))


async def set_max_contacts(ctx: Context) -> None:
    value = clean(ctx.args)
    if not 1 <= (ascii_number(value) or 0) <= 5:
        raise UsageError("settings.bad_max_contacts", value=value[:20])
    await settings.change(ctx.call, settings.ChangeSetting("max_contacts", value))


_CADENCE_WORDS = {
    "quarterly": "quarterly",
    "vierteljaehrlich": "quarterly",
    "quartalsweise": "quarterly",
    "monthly": "monthly",
    "monatlich": "monthly",
    "half-yearly": "half-yearly",
    "halbjaehrlich": "half-yearly",
    "yearly": "yearly",
    "annually": "yearly",
    "jaehrlich": "yearly",
}


async def set_cadence(ctx: Context) -> None:
    """How often the partners meet; the rotation's expected periods follow it."""
    value = clean(ctx.args).casefold().replace("ä", "ae")
    if value not in _CADENCE_WORDS:
        choices = ", ".join(ctx.texts.text(f"cadence.{c}") for c in CADENCES)
        raise UsageError("settings.bad_cadence", value=clean(ctx.args)[:30], values=choices)
    await settings.change(ctx.call, settings.ChangeSetting("cadence", _CADENCE_WORDS[value]))


_STATE_NAMES = {
    "baden-wuerttemberg": "BW", "bayern": "BY", "bavaria": "BY", "berlin": "BE",
    "brandenburg": "BB", "bremen": "HB", "hamburg": "HH", "hessen": "HE", "hesse": "HE",
    "mecklenburg-vorpommern": "MV", "niedersachsen": "NI", "lower saxony": "NI",
    "nordrhein-westfalen": "NW", "nrw": "NW", "north rhine-westphalia": "NW",
    "rheinland-pfalz": "RP", "saarland": "SL", "sachsen": "SN", "saxony": "SN",
    "sachsen-anhalt": "ST", "schleswig-holstein": "SH", "thueringen": "TH", "thuringia": "TH",
}  # fmt: skip
_NO_STATE = {"-", "keins", "keines", "kein", "none", "aus", "off"}


async def set_state(ctx: Context) -> None:
    """The Bundesland whose public holidays a meeting's day is checked against."""
    typed = clean(ctx.args)
    value = typed.casefold().replace("ä", "ae").replace("ü", "ue").replace("ö", "oe")
    if value in _NO_STATE:
        state = ""
    elif value.upper() in STATES:
        state = value.upper()
    elif value in _STATE_NAMES:
        state = _STATE_NAMES[value]
    else:
        raise UsageError("settings.bad_state", value=typed[:40], states=", ".join(STATES))
    await settings.change(ctx.call, settings.ChangeSetting("state", state))


def register(router: Router) -> None:
    change = settings.change
    router.add("settings", "einstellungen", uses=settings.show)(show)
    router.add("settings", "einstellungen", sub="language", sub_alias="sprache", uses=change)(
        set_language
    )
    router.add("settings", "einstellungen", sub="timezone", sub_alias="zeitzone", uses=change)(
        set_timezone
    )
    router.add(
        "settings", "einstellungen", sub="max-contacts", sub_alias="max-kontakte", uses=change
    )(set_max_contacts)
    router.add("settings", "einstellungen", sub="cadence", sub_alias="rhythmus", uses=change)(
        set_cadence
    )
    router.add("settings", "einstellungen", sub="state", sub_alias="bundesland", uses=change)(
        set_state
    )
