"""What an announcement of a meeting adds so people can answer it: a sentence that says
how, and one button per answer (pressing one sends the answer as the presser)."""

from __future__ import annotations

from bot.core.model import Meeting
from bot.core.reply import Button, Paragraph
from bot.i18n.attendance import answer_buttons, invitation
from bot.i18n.texts import Texts


def asked(
    texts: Texts, meeting: Meeting, again: bool = False
) -> tuple[list[Paragraph], tuple[Button, ...]]:
    """The invitation to answer; `again` after a move to another time, when the answers
    given for the old time no longer count."""
    lines = [texts.t("attendance.asked_again")] if again else []
    lines.append(invitation(texts.catalog, texts.lang, meeting, texts.timezone))
    return lines, answer_buttons(texts.catalog, texts.lang, meeting, texts.timezone)
