"""How changes of the rotation read in the chat rooms: who changed what, why, who is next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.reply import Reply
from bot.i18n.meetings import period_text
from bot.i18n.texts import Texts
from bot.usecases.rotation import RotationChanged


def changed(texts: Texts, event: RotationChanged, now: datetime) -> Reply:
    lines = [
        texts.t(
            f"host.{event.kind}.announce",
            person=event.by,
            member=event.first,
            other=event.second,
        )
    ]
    if event.reason:
        lines.append(texts.t("host.reason", reason=event.reason))
    if len(event.turns) == 2:
        (first, first_period), (second, second_period) = event.turns
        lines.append(
            texts.t(
                "host.turns_after",
                first=first,
                first_period=period_text(texts, first_period),
                second=second,
                second_period=period_text(texts, second_period),
            )
        )
    if event.next_host is not None:
        lines.append(texts.t("host.next", host=event.next_host))
    return Reply.of(*lines)


RENDERERS: dict[type, Any] = {
    RotationChanged: changed,
}
