"""/remind, /reminders, /reminders cancel and /settings reminders: what the bot says on its own."""

from __future__ import annotations

import json
import re
from datetime import datetime

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import Reminder, ReminderSetting
from bot.core.reply import Block, Bold, BulletList, Code, Reply, Span, Text
from bot.core.router import Role, Router
from bot.core.text import MAX_TEXT, clean
from bot.core.timefmt import fmt_datetime
from bot.domain.dates import MAX_DATE_TEXT, DateReading, Problem, read_date
from bot.usecases.announce import announce
from bot.usecases.reminder_kinds import GROUP_KINDS, GROUPS, at_local_hour, load_settings
from handlers.meetings import refuse_date

MAX_DATE_WORDS = 8
LISTED_AUTOMATIC = 5


def _reading(text: str, ctx: Context) -> DateReading:
    """A date without a time means 09:00 that day."""
    reading = read_date(text, ctx.now, ctx.p.timezone)
    if reading.problem is Problem.NO_TIME and reading.wall is not None:
        at = at_local_hour(reading.wall.date(), ctx.p.timezone)
        if at > ctx.now:
            return DateReading(at, at)
        return DateReading(None, at, Problem.PAST)
    return reading


def read_reminder(ctx: Context) -> tuple[datetime, str]:
    """`<when> <text>` or `<when> | <text>`: the longest leading words that read as a date."""
    args = clean(ctx.args)
    if not args:
        raise UsageError("remind.missing")
    if "|" in args:
        when, _, text = args.partition("|")
        candidates = [(when.strip(), text.strip())]
    else:
        if len(args) <= MAX_DATE_TEXT and _reading(args, ctx).ok:
            raise UsageError("remind.text_missing")
        words = args.split(" ")
        candidates = [
            (" ".join(words[:n]), " ".join(words[n:]))
            for n in range(min(len(words) - 1, MAX_DATE_WORDS), 0, -1)
        ]
    best: tuple[DateReading, str] | None = None
    for when, text in candidates:
        if len(when) > MAX_DATE_TEXT:
            continue
        reading = _reading(when, ctx)
        if reading.ok:
            if not text:
                raise UsageError("remind.text_missing")
            if len(text) > MAX_TEXT:
                raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(text))
            assert reading.at is not None
            return reading.at, text
        if best is None or (best[0].wall is None and reading.wall is not None):
            best = (reading, when)
    if best is None:
        raise UsageError("remind.missing")
    raise refuse_date(ctx, best[0], best[1])


async def remind(ctx: Context) -> Reply:
    at, text = read_reminder(ctx)
    existing = await ctx.uow.reminders.of_partnership(ctx.p.id)
    number = 1 + max((int(r.key) for r in existing if r.kind == "adhoc"), default=0)
    payload = {
        "platform": ctx.r.ref.platform,
        "room": ctx.r.ref.room_id,
        "author": ctx.person.display_name,
        "author_id": ctx.person.id,
        "text": text,
    }
    await ctx.uow.reminders.add(ctx.p.id, "adhoc", str(number), at, payload, ctx.now)
    return ctx.say(
        "remind.set", number=number, when=fmt_datetime(at, ctx.lang, ctx.p.timezone), text=text
    )


def _adhoc_item(
    ctx: Context, reminder: Reminder, rooms: dict[tuple[str, str], str]
) -> tuple[Span, ...]:
    payload = reminder.payload
    where = rooms.get((str(payload["platform"]), str(payload["room"])), "-")
    return (
        Bold(f"#{reminder.key}"),
        Text(" " + fmt_datetime(reminder.due_at, ctx.lang, ctx.p.timezone) + " – "),
        Text(str(payload["text"])),
        Text(
            " " + ctx.catalog.text(ctx.lang, "reminders.by", person=payload["author"], room=where)
        ),
    )


async def list_reminders(ctx: Context) -> Reply:
    pending = await ctx.uow.reminders.of_partnership(ctx.p.id, ("pending",))
    adhoc = [r for r in pending if r.kind == "adhoc"]
    automatic = [r for r in pending if r.kind != "adhoc" and r.kind != "checkpoint"]
    rooms = {
        (r.ref.platform, r.ref.room_id): r.name
        for r in await ctx.uow.rooms.of_partnership(ctx.p.id)
    }
    blocks: list[Block] = []
    if adhoc:
        blocks.append(ctx.t("reminders.header", count=len(adhoc)))
        blocks.append(BulletList(tuple(_adhoc_item(ctx, r, rooms) for r in adhoc)))
        command = "/erinnerungen loeschen" if ctx.german else "/reminders cancel"
        blocks.append(ctx.t("reminders.how_cancel", command=Code(f"{command} {adhoc[0].key}")))
    else:
        blocks.append(
            ctx.t("reminders.none", example=Code(ctx.catalog.text(ctx.lang, "cmd.remind.example")))
        )
    if automatic:
        blocks.append(ctx.t("reminders.automatic", count=len(automatic)))
        blocks.append(
            BulletList(
                tuple(
                    (
                        Text(fmt_datetime(r.due_at, ctx.lang, ctx.p.timezone) + " – "),
                        Text(ctx.catalog.text(ctx.lang, f"reminders.kind.{r.kind}")),
                    )
                    for r in automatic[:LISTED_AUTOMATIC]
                )
            )
        )
    return Reply.of(*blocks)


async def cancel_reminder(ctx: Context) -> Reply:
    number = clean(ctx.args).lstrip("#")
    if not number.isdigit():
        raise UsageError("reminders.number_missing")
    pending = await ctx.uow.reminders.of_partnership(ctx.p.id, ("pending",))
    found = next((r for r in pending if r.kind == "adhoc" and r.key == str(int(number))), None)
    if found is None:
        raise UserError("reminders.not_found", number=number[:10])
    if found.payload.get("author_id") != ctx.person.id and not ctx.is_coordinator:
        raise UserError("reminders.not_yours", number=found.key, person=found.payload["author"])
    await ctx.uow.reminders.cancel([found.id])
    return ctx.say("reminders.cancelled", number=found.key, text=found.payload["text"])


# --- /settings reminders -------------------------------------------------------------------

_ON = {"on", "an", "ein", "ja", "yes"}
_OFF = {"off", "aus", "nein", "no"}
_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,;]\s*\d{1,3}|\s+\d{1,3})*$")


def _offered() -> list[str]:
    return [name for name in GROUPS if name in GROUP_KINDS]


def _group_name(ctx: Context, name: str) -> str:
    return ctx.catalog.text(ctx.lang, f"reminder_group.{name}")


def _setting_text(ctx: Context, setting: ReminderSetting) -> str:
    if not setting.enabled:
        return ctx.catalog.text(ctx.lang, "reminder_settings.off")
    unit = GROUPS[setting.kind].unit
    offsets = ", ".join(str(x) for x in setting.offsets)
    return ctx.catalog.text(ctx.lang, f"reminder_settings.{unit}", offsets=offsets)


async def reminder_settings(ctx: Context) -> Reply | None:
    words = clean(ctx.args).split(" ", 1)
    current = await load_settings(ctx.uow, ctx.p.id)
    if not words[0]:
        items = tuple(
            (
                Bold(_group_name(ctx, name)),
                Text(" (" + (GROUPS[name].alias if ctx.german else name) + "): "),
                Text(_setting_text(ctx, current.values[name])),
            )
            for name in _offered()
        )
        return Reply.of(
            ctx.t("reminder_settings.header"), BulletList(items), ctx.t("reminder_settings.how")
        )
    wanted = words[0].casefold().replace("ä", "ae")
    name = next((n for n in _offered() if wanted in (n, GROUPS[n].alias)), None)
    if name is None:
        choices = ", ".join(GROUPS[n].alias if ctx.german else n for n in _offered())
        raise UsageError("reminder_settings.unknown", value=words[0][:30], choices=choices)
    group = GROUPS[name]
    value = clean(words[1] if len(words) > 1 else "").casefold()
    setting = current.values[name]
    if value in _ON:
        setting = ReminderSetting(ctx.p.id, name, True, setting.offsets)
    elif value in _OFF:
        setting = ReminderSetting(ctx.p.id, name, False, setting.offsets)
    elif _NUMBERS.match(value):
        offsets = tuple(sorted({int(x) for x in re.split(r"[\s,;]+", value)}, reverse=True))
        if (
            (not group.many and len(offsets) > 1)
            or len(offsets) > 5
            or not all(group.low <= x <= group.high for x in offsets)
        ):
            raise UsageError(
                "reminder_settings.bad_offsets",
                value=value[:30],
                low=group.low,
                high=group.high,
                count=5 if group.many else 1,
            )
        setting = ReminderSetting(ctx.p.id, name, True, offsets)
    else:
        raise UsageError("reminder_settings.bad_value", value=value[:30])
    await ctx.uow.reminders.save_setting(setting)
    shown = _setting_text(ctx, setting)
    await ctx.uow.audit.add(
        ctx.p.id,
        ctx.person.id,
        "settings.reminders",
        json.dumps({"group": name, "enabled": setting.enabled, "offsets": list(setting.offsets)}),
        ctx.now,
    )
    await announce(
        ctx.uow,
        ctx.p.id,
        ctx.say(
            "reminder_settings.changed",
            group=_group_name(ctx, name),
            value=shown,
            person=ctx.person.display_name,
        ),
        ctx.now,
    )
    return None


def register(router: Router) -> None:
    router.add("remind", "erinnern")(remind)
    router.add("reminders", "erinnerungen")(list_reminders)
    router.add("reminders", "erinnerungen", sub="cancel", sub_alias="loeschen")(cancel_reminder)
    router.add(
        "settings", "einstellungen", Role.COORDINATOR, sub="reminders", sub_alias="erinnerungen"
    )(reminder_settings)
