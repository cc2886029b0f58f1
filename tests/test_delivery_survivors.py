"""The outbox sender's order, retry and parking behaviour, pinned where mutation testing
(issue #16) found a change no other test noticed."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import bootstrap
from bot.core.clock import ManualClock
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError
from bot.core.reply import Paragraph, Reply
from bot.delivery import backoff
from storage.database import Database
from tests.test_delivery_pinned import LOST, NOW, SOUND, Recorder, _partnerships

MAILBOX = RoomRef("email", "anna@example.org")


def test_the_first_retry_waits_a_few_seconds() -> None:
    assert backoff(1).total_seconds() > 0


async def test_a_parked_email_is_reported_in_the_words_for_an_email(database: Database) -> None:
    """The coordinators are told to check the address (the platform's own text), not the
    chat platforms' general words."""
    await _partnerships(database)
    async with database.uow() as uow:
        await uow.outbox.add(1, MAILBOX, Reply.of(Paragraph.of("Protokoll")), NOW, kind="email")
        await uow.commit()
    matrix, email = Recorder("matrix"), Recorder("email")
    email.failures[MAILBOX.room_id] = [DeliveryError("550 no such user", rejected=True)]
    messengers: dict[str, Any] = {"matrix": matrix, "email": email}
    runtime = await bootstrap(database, ManualClock(NOW), messengers)
    assert runtime.mail_delivery is not None
    assert await runtime.mail_delivery.deliver_due() == 0
    assert await runtime.delivery.deliver_due() == 2
    notice = (
        "Eine E-Mail an anna@example.org ließ sich nicht zustellen und ist zurückgestellt "
        "(Versuche: 1): „Protokoll“ (Antwort des Mailservers: 550 no such user). Koordination "
        "(Anna Acker, Bernd Bach): Bitte prüfen Sie die Adresse mit /email und tragen Sie sie "
        "notfalls neu ein."
    )
    assert matrix.texts(SOUND) == [notice] and matrix.texts(LOST) == [notice]
