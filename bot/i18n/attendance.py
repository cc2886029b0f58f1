"""How replies to an invitation read: the answer buttons under an announcement, who comes
(`/teilnahme`, the host's count before the meeting) and who has not answered yet."""

from __future__ import annotations

from bot.core.attendance import ANSWERS, MAYBE, NO, YES
from bot.core.model import Meeting
from bot.core.reply import Block, BulletList, Button, Paragraph, Text
from bot.core.timefmt import fmt_datetime, local
from bot.i18n import Catalog
from bot.usecases.attendance_tally import MemberAnswer, Tally

COMMANDS = {
    "de": {YES: "zusage", NO: "absage", MAYBE: "vielleicht"},
    "en": {YES: "attend", NO: "decline", MAYBE: "maybe"},
}
"""The command of each answer, as the partnership's language names it."""


def day_name(meeting: Meeting, timezone: str) -> str:
    """The meeting's day as the reply commands take it ("10.12.2026"): unlike its number in
    /treffen it does not change when an earlier meeting is held."""
    return local(meeting.starts_at, timezone).strftime("%d.%m.%Y")


def answer_command(lang: str, answer: str, meeting: Meeting, timezone: str) -> str:
    return f"/{COMMANDS.get(lang, COMMANDS['de'])[answer]} {day_name(meeting, timezone)}"


def answer_buttons(catalog: Catalog, lang: str, meeting: Meeting, tz: str) -> tuple[Button, ...]:
    """One tap answers, as the person who tapped."""
    return tuple(
        Button(catalog.text(lang, f"attendance.button.{a}"), answer_command(lang, a, meeting, tz))
        for a in ANSWERS
    )


def invitation(catalog: Catalog, lang: str, meeting: Meeting, tz: str) -> Paragraph:
    """The sentence under an announcement that says how to answer (platforms without
    buttons show only this)."""
    day = day_name(meeting, tz)
    return catalog.para(lang, "attendance.invitation", day=day)


def _people(catalog: Catalog, lang: str, entry: MemberAnswer) -> str:
    if not entry.people:
        return ""
    if all(answer == entry.answer for _, answer in entry.people):
        return " – " + ", ".join(p.display_name for p, _ in entry.people)
    return " – " + ", ".join(
        f"{p.display_name} ({catalog.text(lang, f'attendance.answer.{a}')})"
        for p, a in entry.people
    )


def tally_blocks(catalog: Catalog, lang: str, tz: str, found: Tally) -> list[Block]:
    """Per answer the members that gave it (with who answered), then the members without an
    answer, then the people who speak for no member."""
    blocks: list[Block] = [
        catalog.para(lang, "attendance.head", when=fmt_datetime(found.meeting.starts_at, lang, tz))
    ]
    for answer in (YES, MAYBE, NO):
        entries = found.with_answer(answer)
        if entries:
            blocks.append(catalog.para(lang, f"attendance.members.{answer}", count=len(entries)))
            items = tuple((Text(e.member.name + _people(catalog, lang, e)),) for e in entries)
            blocks.append(BulletList(items))
    missing = found.with_answer(None)
    if missing:
        names = ", ".join(e.member.name for e in missing)
        blocks.append(
            catalog.para(lang, "attendance.members.none", count=len(missing), names=names)
        )
    if not found.members:
        blocks.append(catalog.para(lang, "attendance.no_members"))
    if found.apart:
        blocks.append(catalog.para(lang, "attendance.apart"))
        blocks.append(
            BulletList(
                tuple(
                    (Text(f"{p.display_name}: {catalog.text(lang, f'attendance.answer.{a}')}"),)
                    for p, a in found.apart
                )
            )
        )
    return blocks
