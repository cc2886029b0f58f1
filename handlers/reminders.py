"""/remind, /reminders, /reminders cancel and /settings reminders: what the bot says on its own."""

from __future__ import annotations

import re
from datetime import time

from bot.core.context import Context
from bot.core.errors import UsageError
from bot.core.reply import Block, Bold, BulletList, Reply, Span, Text, command_or_code
from bot.core.router import Router
from bot.core.text import MAX_TEXT, ascii_number, clean
from bot.domain.dates import MAX_DATE_TEXT, DateReading, Problem, read_date
from bot.i18n.reminders import group_name, setting_text
from bot.usecases import reminders
from bot.usecases.reminder_model import GROUPS, REMIND_AT_HOUR
from handlers.meetings import ask_date, refuse_date, typed_command

MAX_DATE_WORDS = 8
LISTED_AUTOMATIC = 5


def _reading(text: str, ctx: Context) -> DateReading:
    """A date without a time means 09:00 that day."""
    return read_date(
        text,
        ctx.now,
        ctx.partnership.timezone,
        language=ctx.lang,
        default_time=time(REMIND_AT_HOUR),
    )


def read_reminder(ctx: Context) -> tuple[DateReading, str]:
    """`<when> <text>` or `<when> | <text>`: the longest leading words that read as a date
    (a reading still unsure is asked back by the caller, never shortened to a surer one)."""
    args = clean(ctx.args)
    if not args:
        raise UsageError("remind.missing")
    if "|" in args:
        when, _, text = args.partition("|")
        candidates = [(when.strip(), text.strip())]
    else:
        if len(args) <= MAX_DATE_TEXT and _usable(_reading(args, ctx)):
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
        if _usable(reading):
            if not text:
                raise UsageError("remind.text_missing")
            if len(text) > MAX_TEXT:
                raise UsageError("error.text_too_long", max=MAX_TEXT, length=len(text))
            return reading, text
        if best is None or (best[0].wall is None and reading.wall is not None):
            best = (reading, when)
    if best is None:
        raise UsageError("remind.missing")
    raise refuse_date(ctx, best[0], best[1])


def _usable(reading: DateReading) -> bool:
    return reading.ok or reading.problem is Problem.UNSURE


async def remind(ctx: Context) -> Reply:
    reading, text = read_reminder(ctx)
    if reading.at is None:
        await reminders.remind.refuse_early(ctx.call)
        return await ask_date(ctx, reading, f" | {text}", typed_command(ctx))
    at = reading.at
    done = await reminders.remind(ctx.call, reminders.SetReminder(at, text))
    return ctx.say("remind.set", number=done.number, when=ctx.texts.when(done.at), text=done.text)


def _adhoc_item(ctx: Context, reminder: reminders.AdhocReminder) -> tuple[Span, ...]:
    return (
        Bold(f"#{reminder.number}"),
        Text(" " + ctx.texts.when(reminder.due_at) + " – "),
        Text(reminder.text),
        Text(" " + ctx.texts.text("reminders.by", person=reminder.author, room=reminder.room)),
    )


async def list_reminders(ctx: Context) -> Reply:
    found = await reminders.list_reminders(ctx.call)
    blocks: list[Block] = []
    if found.adhoc:
        blocks.append(ctx.t("reminders.header", count=len(found.adhoc)))
        blocks.append(BulletList(tuple(_adhoc_item(ctx, r) for r in found.adhoc)))
        command = "/erinnerungen loeschen" if ctx.german else "/reminders cancel"
        first = found.adhoc[0].number
        blocks.append(ctx.t("reminders.how_cancel", command=command_or_code(f"{command} {first}")))
    else:
        blocks.append(
            ctx.t("reminders.none", example=command_or_code(ctx.texts.text("cmd.remind.example")))
        )
    if found.automatic:
        blocks.append(ctx.t("reminders.automatic", count=len(found.automatic)))
        blocks.append(
            BulletList(
                tuple(
                    (
                        Text(ctx.texts.when(r.due_at) + " – "),
                        Text(ctx.texts.text(f"reminders.kind.{r.kind}")),
                    )
                    for r in found.automatic[:LISTED_AUTOMATIC]
                )
            )
        )
    return Reply.of(*blocks)


async def cancel_reminder(ctx: Context) -> Reply:
    wanted = clean(ctx.args).lstrip("#")
    if ascii_number(wanted) is None:
        raise UsageError("reminders.number_missing")
    done = await reminders.cancel(ctx.call, reminders.CancelReminder(wanted))
    return ctx.say("reminders.cancelled", number=done.number, text=done.text)


# --- /settings reminders -------------------------------------------------------------------

_ON = {"on", "an", "ein", "ja", "yes"}
_OFF = {"off", "aus", "nein", "no"}
_NUMBERS = re.compile(r"^\d{1,3}(?:\s*[,;]\s*\d{1,3}|\s+\d{1,3})*$", re.ASCII)


def _shown_name(ctx: Context, name: str) -> str:
    return GROUPS[name].alias if ctx.german else name


def read_setting(ctx: Context, words: list[str]) -> reminders.ChangeReminderSetting:
    """`<group> on|off|<offsets>`."""
    wanted = words[0].casefold().replace("ä", "ae")
    offered = reminders.offered_groups()
    name = next((n for n in offered if wanted in (n, GROUPS[n].alias)), None)
    if name is None:
        choices = ", ".join(_shown_name(ctx, n) for n in offered)
        raise UsageError("reminder_settings.unknown", value=words[0][:30], choices=choices)
    value = clean(words[1] if len(words) > 1 else "").casefold()
    if value in _ON:
        return reminders.ChangeReminderSetting(name, True)
    if value in _OFF:
        return reminders.ChangeReminderSetting(name, False)
    if _NUMBERS.match(value):
        offsets = tuple(sorted({int(x) for x in re.split(r"[\s,;]+", value)}, reverse=True))
        return reminders.ChangeReminderSetting(name, True, offsets, value)
    raise UsageError("reminder_settings.bad_value", value=value[:30])


async def reminder_settings(ctx: Context) -> Reply | None:
    """Without arguments the settings; with them a change, told in every room."""
    words = clean(ctx.args).split(" ", 1)
    if words[0]:
        await reminders.change_setting(ctx.call, read_setting(ctx, words))
        return None
    items = tuple(
        (
            Bold(group_name(ctx.texts, setting.kind)),
            Text(" (" + _shown_name(ctx, setting.kind) + "): "),
            Text(setting_text(ctx.texts, setting)),
        )
        for setting in await reminders.settings(ctx.call)
    )
    return Reply.of(
        ctx.t("reminder_settings.header"), BulletList(items), ctx.t("reminder_settings.how")
    )


def register(router: Router) -> None:
    router.add("remind", "erinnern", uses=reminders.remind)(remind)
    router.add("reminders", "erinnerungen", uses=reminders.list_reminders)(list_reminders)
    router.add(
        "reminders", "erinnerungen", sub="cancel", sub_alias="loeschen", uses=reminders.cancel
    )(cancel_reminder)
    router.add(
        "settings",
        "einstellungen",
        sub="reminders",
        sub_alias="erinnerungen",
        uses=reminders.change_setting,
    )(reminder_settings)
