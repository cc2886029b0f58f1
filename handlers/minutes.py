"""Meeting mode (/startmeeting … /endmeeting) and the archive of minutes (/minutes)."""

from __future__ import annotations

import re
from datetime import date

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.reply import Attachment, BulletList, Reply, Text
from bot.core.router import Router
from bot.core.text import MAX_TEXT, ascii_number, clean
from bot.core.timefmt import local
from bot.usecases import minutes
from bot.usecases.minutes_render import (
    day_text,
    minutes_files,
    minutes_reply,
    render_markdown,
    taker_of,
)

MAX_ENTRY = 1000
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$", re.ASCII)


def _entry_text(ctx: Context, missing: str) -> str:
    text = clean(ctx.args)
    if not text:
        raise UsageError(missing)
    if len(text) > MAX_ENTRY:
        raise UsageError("error.text_too_long", max=MAX_ENTRY, length=len(text))
    return text


async def start(ctx: Context) -> None:
    """Every room gets the agenda and a cheat-sheet (the chat channel)."""
    await minutes.start(ctx.call)


async def topic(ctx: Context) -> Reply:
    noted = await minutes.topic(ctx.call, _entry_text(ctx, "topic.missing"))
    if noted.number is not None:
        return ctx.say("topic.agenda_item", number=noted.number, text=noted.text)
    return ctx.say("topic.set", text=noted.text)


async def info(ctx: Context) -> Reply:
    text = await minutes.info(ctx.call, _entry_text(ctx, "info.missing"))
    return ctx.say("info.noted", text=text)


async def decision(ctx: Context) -> Reply:
    text = await minutes.decision(ctx.call, _entry_text(ctx, "decision.missing"))
    return ctx.say("decision.noted", text=text)


async def action(ctx: Context) -> Reply:
    noted = await minutes.action(ctx.call, _entry_text(ctx, "action.missing"))
    if noted.due is not None:
        return ctx.say(
            "action.noted_due",
            owner=noted.owner,
            text=noted.text,
            date=day_text(noted.due, ctx.lang),
        )
    return ctx.say("action.noted", owner=noted.owner, text=noted.text)


async def present(ctx: Context) -> Reply:
    noted = await minutes.present(ctx.call, clean(ctx.args))
    return ctx.say(
        "present.noted",
        member=noted.member,
        count=len(noted.present),
        names=", ".join(noted.present),
    )


async def undo(ctx: Context) -> Reply:
    undone = await minutes.undo(ctx.call)
    return ctx.say("undo.done", kind=ctx.texts.text(f"entry.{undone.kind}"), text=undone.text)


async def end(ctx: Context) -> None:
    """Every room gets the summary with the minutes as files (the chat channel)."""
    await minutes.end(ctx.call)


async def add(ctx: Context) -> None:
    text = clean(ctx.args, multiline=True)
    if not text:
        raise UsageError("minutes.text_missing")
    if len(text) > MAX_TEXT * 4:
        raise UsageError("error.text_too_long", max=MAX_TEXT * 4, length=len(text))
    await minutes.add(ctx.call, text)


def _read_day(ctx: Context, text: str) -> date | None:
    match = _DAY.match(text)
    if match is None:
        return None
    year = match[3] or str(local(ctx.now, ctx.texts.timezone).year)
    try:
        return date(int(year) + (2000 if len(year) == 2 else 0), int(match[2]), int(match[1]))
    except ValueError:
        return None


async def show(ctx: Context) -> Reply:
    wanted = clean(ctx.args)
    index = ascii_number(wanted)
    if wanted and index is None and _read_day(ctx, wanted) is None:
        raise UsageError("minutes.bad_choice", value=wanted[:30])
    day = _read_day(ctx, wanted) if wanted and index is None else None
    archive = await minutes.show(ctx.call, index if index is not None else day)
    if not wanted:
        if not archive.total:
            return ctx.say("minutes.none")
        lines = tuple(
            (
                Text(
                    ctx.texts.text(
                        "minutes.list_item",
                        when=ctx.texts.date(doc.when),
                        host=doc.host or "-",
                        person=taker_of(ctx.catalog, doc),
                    )
                ),
            )
            for doc in archive.docs
        )
        shown = len(archive.docs)
        return Reply.of(
            ctx.t("minutes.list", count=archive.total)
            if shown == archive.total
            else ctx.t("minutes.list_latest", count=archive.total, shown=shown),
            BulletList(lines, ordered=True, start=archive.first),
            ctx.t("minutes.list_how"),
        )
    if index is not None:
        if not archive.docs:
            raise UserError("minutes.no_such", number=index, count=archive.total)
        doc = archive.docs[0]
    else:
        assert day is not None
        if not archive.docs:
            raise UserError("minutes.none_on", date=day_text(day, ctx.lang))
        doc = archive.docs[0]
    reply = minutes_reply(ctx.catalog, doc)
    return Reply(reply.blocks, attachments=minutes_files(ctx.catalog, doc))


async def export(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("minutes.export_no_args")
    archive = await minutes.export(ctx.call)
    if not archive:
        return ctx.say("minutes.none")
    parts = [render_markdown(minutes_reply(ctx.catalog, doc)) for doc in archive]
    data = "\n---\n\n".join(parts).encode("utf-8")
    name = ctx.texts.text("minutes.export_filename")
    return Reply.of(
        ctx.t("minutes.exported", count=len(archive)),
        attachments=(Attachment(name, "text/markdown", data),),
    )


def register(router: Router) -> None:
    router.add("startmeeting", "sitzungsbeginn", uses=minutes.start)(start)
    router.add("topic", "thema", uses=minutes.topic)(topic)
    router.add("info", "info", uses=minutes.info)(info)
    router.add("decision", "beschluss", uses=minutes.decision)(decision)
    router.add("action", "aufgabe", uses=minutes.action)(action)
    router.add("present", "anwesend", uses=minutes.present)(present)
    router.add("undo", "rueckgaengig", uses=minutes.undo)(undo)
    router.add("endmeeting", "sitzungsende", uses=minutes.end)(end)
    router.add("minutes", "protokoll", uses=minutes.show)(show)
    router.add("minutes", "protokoll", sub="add", sub_alias="neu", uses=minutes.add)(add)
    router.add("minutes", "protokoll", sub="export", sub_alias="export", uses=minutes.export)(
        export
    )
