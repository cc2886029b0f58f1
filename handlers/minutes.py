"""Meeting mode (/startmeeting … /endmeeting) and the archive of minutes (/minutes)."""

from __future__ import annotations

import re
from datetime import date

from bot.core.context import Context
from bot.core.errors import UsageError, UserError
from bot.core.model import Meeting, Member, Minutes
from bot.core.reply import Attachment, Block, BulletList, Code, Reply, Text
from bot.core.router import Router
from bot.core.text import MAX_TEXT, clean
from bot.core.timefmt import fmt_date, local
from bot.usecases import actions as action_svc
from bot.usecases import agenda as agenda_svc
from bot.usecases import minutes as svc
from bot.usecases.announce import announce
from bot.usecases.members import find_member, roster
from bot.usecases.minutes_render import (
    MinutesDoc,
    action_spans,
    day_text,
    minutes_reply,
    render_html_page,
    render_markdown,
)
from bot.usecases.people import known_persons
from bot.usecases.plan import current_plan, in_din_order
from handlers.agenda import agenda_reply
from handlers.meetings import may_change, when_text

MAX_ENTRY = 1000
_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$")


async def _participant(ctx: Context) -> Member | None:
    """Contact persons and coordinators take part in the minutes; returns the member."""
    member = (await roster(ctx.uow, ctx.p)).member_of(ctx.person)
    if member is None and not ctx.is_coordinator:
        raise UserError("minutes.not_participant")
    return member


async def _running(ctx: Context) -> Minutes:
    record = await svc.session(ctx.uow, ctx.p)
    if record is None:
        raise UserError("meeting.not_running")
    await _participant(ctx)
    return record


def _entry_text(ctx: Context, missing: str) -> str:
    text = clean(ctx.args)
    if not text:
        raise UsageError(missing)
    if len(text) > MAX_ENTRY:
        raise UsageError("error.text_too_long", max=MAX_ENTRY, length=len(text))
    return text


async def start(ctx: Context) -> None:
    if await svc.session(ctx.uow, ctx.p) is not None:
        raise UserError("meeting.already_running")
    found = await svc.meeting_of_day(ctx.uow, ctx.p, ctx.now)
    if found is None:
        plan = await current_plan(ctx.uow, ctx.p, ctx.now)
        following = plan.next_meeting
        if following is None:
            raise UserError("startmeeting.no_meeting")
        raise UserError(
            "startmeeting.wrong_day",
            when=when_text(ctx, following[0].starts_at),
            today=fmt_date(ctx.now, ctx.lang, ctx.p.timezone),
        )
    meeting, host = found
    await may_change(ctx, host, "startmeeting.not_allowed")
    await svc.start(ctx.uow, ctx.p, meeting, ctx.person, ctx.now)
    blocks: list[Block] = [
        ctx.t(
            "startmeeting.announce",
            when=when_text(ctx, meeting.starts_at),
            host=host.name if host else "-",
            person=ctx.person.display_name,
        ),
        *await agenda_reply(ctx, intro=False),
        ctx.t("startmeeting.cheatsheet"),
        BulletList(
            tuple(
                (Code(ctx.catalog.text(ctx.lang, f"startmeeting.cheat.{k}")),)
                for k in ("topic", "info", "decision", "action", "present", "undo", "end")
            )
        ),
    ]
    await announce(ctx.uow, ctx.p.id, Reply.of(*blocks), ctx.now)


async def topic(ctx: Context) -> Reply:
    record = await _running(ctx)
    text = _entry_text(ctx, "topic.missing")
    if text.isdigit():
        meeting, _ = await svc.meeting_and_host(ctx.uow, ctx.p, record.meeting_id, ctx.now)
        items = await agenda_svc.agenda_for(ctx.uow, ctx.p, meeting, ctx.now)
        item = agenda_svc.numbered(items, text)
        if item.done:
            raise UserError("topic.already", number=int(text), text=item.text[:80])
        await svc.take_up(ctx.uow, record, item, ctx.person, ctx.now)
        return ctx.say("topic.agenda_item", number=int(text), text=item.text)
    await svc.note(ctx.uow, record, "topic", text, ctx.person, ctx.now)
    return ctx.say("topic.set", text=text)


async def info(ctx: Context) -> Reply:
    record = await _running(ctx)
    text = _entry_text(ctx, "info.missing")
    await svc.note(ctx.uow, record, "info", text, ctx.person, ctx.now)
    return ctx.say("info.noted", text=text)


async def decision(ctx: Context) -> Reply:
    record = await _running(ctx)
    text = _entry_text(ctx, "decision.missing")
    await svc.note(ctx.uow, record, "decision", text, ctx.person, ctx.now)
    return ctx.say("decision.noted", text=text)


async def action(ctx: Context) -> Reply:
    record = await _running(ctx)
    line = _entry_text(ctx, "action.missing")
    current = await roster(ctx.uow, ctx.p)
    persons = list((await known_persons(ctx.uow, ctx.p)).values())
    owner, rest = action_svc.read_owner(current.members, persons, line)
    text, due = action_svc.read_due(rest, ctx.now, ctx.p.timezone)
    if not text:
        raise UsageError("action.text_missing", owner=owner.name)
    member = owner.member or (current.member_of(owner.person) if owner.person else None)
    await svc.note(
        ctx.uow,
        record,
        "action",
        text,
        ctx.person,
        ctx.now,
        member_id=member.id if member else None,
        person_id=owner.person.id if owner.person else None,
        due=due,
    )
    label = svc.owner_label(owner.person, member)
    if due is not None:
        return ctx.say("action.noted_due", owner=label, text=text, date=day_text(due, ctx.lang))
    return ctx.say("action.noted", owner=label, text=text)


async def present(ctx: Context) -> Reply:
    record = await _running(ctx)
    name = clean(ctx.args)
    current = await roster(ctx.uow, ctx.p)
    if name:
        found = find_member(current.members, name)
        if found is None:
            raise UsageError("member.unknown", name=name[:100])
        member = found
    else:
        own = current.member_of(ctx.person)
        if own is None:
            raise UsageError("present.whom")
        member = own
    entries = await ctx.uow.minutes.entries(record.id)
    here = [e.member_id for e in entries if e.kind == "present"]
    if member.id not in here:
        await svc.note(ctx.uow, record, "present", "", ctx.person, ctx.now, member_id=member.id)
        here.append(member.id)
    names = [m.name for m in in_din_order([m for m in current.members if m.id in here])]
    return ctx.say("present.noted", member=member.name, count=len(names), names=", ".join(names))


async def undo(ctx: Context) -> Reply:
    record = await _running(ctx)
    entry = await svc.undo(ctx.uow, ctx.p, record)
    kind = ctx.catalog.text(ctx.lang, f"entry.{entry.kind}")
    if entry.kind == "present":
        member = next(
            (m for m in await ctx.uow.members.of_partnership(ctx.p.id) if m.id == entry.member_id),
            None,
        )
        return ctx.say("undo.done", kind=kind, text=member.name if member else "-")
    return ctx.say("undo.done", kind=kind, text=entry.text)


def minutes_files(ctx: Context, doc: MinutesDoc) -> tuple[Attachment, Attachment]:
    reply = minutes_reply(ctx.catalog, doc)
    day = local(doc.when, doc.timezone).strftime("%Y-%m-%d")
    stem = ctx.catalog.text(doc.lang, "minutes.filename", date=day)
    return (
        Attachment(stem + ".md", "text/markdown", render_markdown(reply).encode("utf-8")),
        Attachment(stem + ".html", "text/html", render_html_page(reply, doc.lang).encode("utf-8")),
    )


def summary(ctx: Context, doc: MinutesDoc, key: str) -> Reply:
    """What every room reads when minutes are finished; the full minutes are attached."""
    blocks: list[Block] = [
        ctx.t(key, when=when_text(ctx, doc.when), person=doc.taker or "-"),
    ]
    decisions = doc.decisions()
    if decisions:
        blocks.append(ctx.t("minutes.decisions"))
        blocks.append(BulletList(tuple((Text(d),) for d in decisions)))
    actions = doc.actions()
    if actions:
        blocks.append(ctx.t("minutes.actions"))
        blocks.append(BulletList(tuple((action_spans(ctx.catalog, doc.lang, a),) for a in actions)))
    if doc.carried:
        blocks.append(ctx.t("endmeeting.carried", count=len(doc.carried)))
    return Reply.of(*blocks, attachments=minutes_files(ctx, doc))


async def end(ctx: Context) -> None:
    record = await _running(ctx)
    meeting, host = await svc.meeting_and_host(ctx.uow, ctx.p, record.meeting_id, ctx.now)
    if record.taker_person_id != ctx.person.id:
        await may_change(ctx, host, "endmeeting.not_allowed")
    finished = await svc.finish(ctx.uow, ctx.p, record, meeting, host, ctx.person, ctx.now)
    await announce(ctx.uow, ctx.p.id, summary(ctx, finished.doc, "endmeeting.announce"), ctx.now)


async def _last_without_minutes(ctx: Context) -> tuple[Meeting, Member | None]:
    plan = await current_plan(ctx.uow, ctx.p, ctx.now)
    for meeting, host in reversed(plan.held):
        if not meeting.cancelled and await ctx.uow.minutes.for_meeting(meeting.id) is None:
            return meeting, host
    raise UserError("minutes.nothing_to_add")


async def add(ctx: Context) -> None:
    text = clean(ctx.args, multiline=True)
    if not text:
        raise UsageError("minutes.text_missing")
    if len(text) > MAX_TEXT * 4:
        raise UsageError("error.text_too_long", max=MAX_TEXT * 4, length=len(text))
    meeting, host = await _last_without_minutes(ctx)
    await may_change(ctx, host, "minutes.add_not_allowed")
    finished = await svc.attach(ctx.uow, ctx.p, meeting, host, text, ctx.person, ctx.now)
    await announce(ctx.uow, ctx.p.id, summary(ctx, finished.doc, "minutes.added"), ctx.now)


def _read_day(ctx: Context, text: str) -> date | None:
    match = _DAY.match(text)
    if match is None:
        return None
    year = match[3] or str(local(ctx.now, ctx.p.timezone).year)
    try:
        return date(int(year) + (2000 if len(year) == 2 else 0), int(match[2]), int(match[1]))
    except ValueError:
        return None


async def show(ctx: Context) -> Reply:
    archive = await svc.archive(ctx.uow, ctx.p)
    wanted = clean(ctx.args)
    if not wanted:
        if not archive:
            return ctx.say("minutes.none")
        lines = tuple(
            (
                Text(
                    ctx.catalog.text(
                        ctx.lang,
                        "minutes.list_item",
                        when=fmt_date(doc.when, ctx.lang, ctx.p.timezone),
                        host=doc.host or "-",
                        person=doc.taker or "-",
                    )
                ),
            )
            for _, doc in archive
        )
        return Reply.of(
            ctx.t("minutes.list", count=len(archive)),
            BulletList(lines, ordered=True),
            ctx.t("minutes.list_how"),
        )
    if wanted.isdigit():
        index = int(wanted)
        if not 1 <= index <= len(archive):
            raise UserError("minutes.no_such", number=index, count=len(archive))
        doc = archive[index - 1][1]
    else:
        day = _read_day(ctx, wanted)
        if day is None:
            raise UsageError("minutes.bad_choice", value=wanted[:30])
        found = [d for _, d in archive if local(d.when, ctx.p.timezone).date() == day]
        if not found:
            raise UserError("minutes.none_on", date=day_text(day, ctx.lang))
        doc = found[0]
    reply = minutes_reply(ctx.catalog, doc)
    return Reply(reply.blocks, attachments=minutes_files(ctx, doc))


async def export(ctx: Context) -> Reply:
    if clean(ctx.args):
        raise UsageError("minutes.export_no_args")
    archive = await svc.archive(ctx.uow, ctx.p)
    if not archive:
        return ctx.say("minutes.none")
    parts = [render_markdown(minutes_reply(ctx.catalog, doc)) for _, doc in archive]
    data = "\n---\n\n".join(parts).encode("utf-8")
    name = ctx.catalog.text(ctx.lang, "minutes.export_filename")
    return Reply.of(
        ctx.t("minutes.exported", count=len(archive)),
        attachments=(Attachment(name, "text/markdown", data),),
    )


def register(router: Router) -> None:
    router.add("startmeeting", "sitzungsbeginn")(start)
    router.add("topic", "thema")(topic)
    router.add("info", "info")(info)
    router.add("decision", "beschluss")(decision)
    router.add("action", "aufgabe")(action)
    router.add("present", "anwesend")(present)
    router.add("undo", "rueckgaengig")(undo)
    router.add("endmeeting", "sitzungsende")(end)
    router.add("minutes", "protokoll")(show)
    router.add("minutes", "protokoll", sub="add", sub_alias="neu")(add)
    router.add("minutes", "protokoll", sub="export", sub_alias="export")(export)
