"""/settings: language, time zone and how many contact persons a member may name."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import BulletList, Reply, Text
from bot.core.router import Role, Router
from bot.core.text import clean
from bot.i18n import LANGUAGES
from bot.i18n.texts import Texts
from bot.usecases.announce import announce
from bot.usecases.plan import CADENCES


async def show(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("settings.unknown", setting=clean(ctx.args).split()[0][:50])
    values = (
        ("settings.language", ctx.catalog.text(ctx.lang, f"language.{ctx.p.language}")),
        ("settings.timezone", ctx.p.timezone),
        ("settings.max_contacts", str(ctx.p.max_contacts)),
        ("settings.cadence", ctx.catalog.text(ctx.lang, f"cadence.{ctx.p.cadence}")),
        (
            "settings.agenda_deadline",
            ctx.catalog.text(
                ctx.lang, "settings.agenda_deadline_value", days=ctx.p.agenda_deadline_days
            ),
        ),
    )
    return Reply.of(
        ctx.t("settings.header", name=ctx.p.name),
        BulletList(tuple((Text(ctx.catalog.text(ctx.lang, k) + ": " + v),) for k, v in values)),
        ctx.t("settings.how"),
    )


async def _changed(ctx: Context, setting: str, value: str) -> None:
    await ctx.uow.partnerships.save(ctx.p)
    await ctx.uow.audit.add(
        ctx.p.id, ctx.person.id, f"settings.{setting}", json.dumps({"value": value}), ctx.now
    )
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say(
            "settings.changed",
            setting=ctx.catalog.text(ctx.lang, f"settings.{setting}"),
            value=value,
            person=ctx.person.display_name,
        ),
        ctx.now,
    )


async def set_language(ctx: Context) -> None:
    value = clean(ctx.args).casefold()
    aliases = {
        "de": "de",
        "deutsch": "de",
        "german": "de",
        "en": "en",
        "english": "en",
        "englisch": "en",
    }
    if value not in aliases:
        raise UsageError("settings.bad_language", languages=", ".join(LANGUAGES))
    ctx.p.language = aliases[value]
    ctx.texts = Texts(ctx.catalog, ctx.p.language, ctx.p.timezone)
    await _changed(ctx, "language", ctx.catalog.text(ctx.lang, f"language.{ctx.lang}"))


async def set_timezone(ctx: Context) -> None:
    value = clean(ctx.args)
    try:
        if not value or len(value) > 64 or value.startswith(("/", ".")):
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UsageError("settings.bad_timezone", value=value[:64]) from error
    ctx.p.timezone = value
    await _changed(ctx, "timezone", value)


async def set_max_contacts(ctx: Context) -> None:
    value = clean(ctx.args)
    if not value.isdigit() or not 1 <= int(value) <= 5:
        raise UsageError("settings.bad_max_contacts", value=value[:20])
    ctx.p.max_contacts = int(value)
    await _changed(ctx, "max_contacts", value)


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
        choices = ", ".join(ctx.catalog.text(ctx.lang, f"cadence.{c}") for c in CADENCES)
        raise UsageError("settings.bad_cadence", value=clean(ctx.args)[:30], values=choices)
    ctx.p.cadence = _CADENCE_WORDS[value]
    await _changed(ctx, "cadence", ctx.catalog.text(ctx.lang, f"cadence.{ctx.p.cadence}"))


def register(router: Router) -> None:
    router.add("settings", "einstellungen")(show)
    router.add("settings", "einstellungen", Role.COORDINATOR, sub="language", sub_alias="sprache")(
        set_language
    )
    router.add("settings", "einstellungen", Role.COORDINATOR, sub="timezone", sub_alias="zeitzone")(
        set_timezone
    )
    router.add(
        "settings", "einstellungen", Role.COORDINATOR, sub="max-contacts", sub_alias="max-kontakte"
    )(set_max_contacts)
    router.add("settings", "einstellungen", Role.COORDINATOR, sub="cadence", sub_alias="rhythmus")(
        set_cadence
    )
