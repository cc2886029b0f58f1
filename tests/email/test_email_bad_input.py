"""Bad input on the way to e-mail: malformed addresses, CR/LF in names and subjects (header
injection), a partnership with 1,000 recipients, e-mail not set up. A clear answer each,
nothing half stored, nothing injected; 1,000 e-mails do not hold up the chat's replies."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest

from bot.channels.email_mime import Mail, Sender, build
from bot.core.events import Identity, MessageEvent, RoomRef
from bot.core.events import Sender as ChatSender
from bot.core.mail import normalise_address
from bot.core.render import render_plain
from bot.core.reply import Reply
from bot.usecases.email import MAX_RECIPIENTS
from storage.database import Database
from tests.email.conftest import Relay, code_in
from tests.email.test_email_flow import KLEVE, SETUP, confirmed_world, send
from tests.harness import ConsoleBot


async def stored(bot: ConsoleBot) -> list[str]:
    async with bot.database.uow() as uow:
        return [a.address for a in await uow.emails.of_partnership(1)]


@pytest.mark.parametrize(
    "typed",
    [
        "anna@",
        "anna@@kleve.de",
        "anna@kleve",
        "<anna@kleve.de>",
        "anna@kleve..de",
        "ä@kleve.de",
        "anna@kleve.de>",
        "a" * 250 + "@kleve.de",
    ],
)
async def test_malformed_addresses_are_refused_and_nothing_stored(
    mail_bot: tuple[ConsoleBot, Relay], typed: str
) -> None:
    bot, _ = mail_bot
    await bot.say(SETUP)
    out = await bot.text(f"@anna: /email neu Kleve ok@kleve.de {typed}")
    assert "keine E-Mail-Adresse" in out or "Bitte nennen Sie die Adresse" in out, out
    assert "/email neu Stadt Kleve klimaschutz@kleve.de" in out  # with an example
    assert await stored(bot) == []  # not even the good one
    assert await send(bot) == 0


async def test_an_address_without_at_is_read_as_part_of_the_name(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, _ = mail_bot
    await bot.say(SETUP)
    out = await bot.text("@anna: /email neu Kleve ok@kleve.de kleve.de")
    assert "„Kleve kleve.de“ kenne ich in dieser Partnerschaft nicht" in out, out
    assert await stored(bot) == []


async def test_addresses_are_normalised_and_added_once() -> None:
    assert normalise_address("Anna.M@Rathaus-KLEVE.de") == "Anna.M@rathaus-kleve.de"
    for bad in ("a@b.de\r\nBcc: x@y.de", "a@b.de\nx", "a@b.de,c@d.de", "a\x00@b.de"):
        assert normalise_address(bad) is None


async def test_line_breaks_in_commands_cannot_inject_headers(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    """CR/LF typed into the chat (the partnership's name, a place, an address line) never
    make a header of their own, nor a recipient."""
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    reply = await bot.app.handle(_event("/email neu Kleve a@kleve.de\r\nBcc: evil@example.org"))
    assert reply is not None and "kenne" in render_plain(reply), render_plain(reply)
    assert "evil@example.org" not in await stored(bot) and "a@kleve.de" not in await stored(bot)
    renamed = await bot.app.handle(
        _event("/mitglied umbenennen Kleve | Kleve\r\nBcc: evil@example.org\nX-Evil: 1")
    )
    assert renamed is None or "Bcc" in render_plain(renamed)
    await bot.app.handle(_event("/termin 2.3.2027 10:00 im Rathaus\r\nBcc: evil@example.org"))
    while await send(bot):
        pass
    assert relay.received
    for received in relay.received:
        assert received.recipients != ["evil@example.org"]
        assert "evil@example.org" not in received.recipients
        message = received.message
        assert message["Bcc"] is None and message["X-Evil"] is None
        assert "\n" not in str(message["Subject"]) and "\n" not in str(message["From"])
    [to_kleve] = relay.to(KLEVE)
    assert str(to_kleve["To"]) == f'"Kleve Bcc: evil@example.org X-Evil: 1" <{KLEVE}>'


def _event(text: str) -> MessageEvent:
    sender = ChatSender(Identity("console", "anna"), "anna", is_room_admin=True)
    return MessageEvent(RoomRef("console", "main"), sender, text, "")


def test_cr_lf_in_names_and_subjects_stays_inside_one_header() -> None:
    """The builder itself, with what no chat command lets through: raw CR/LF."""
    mail = Mail(
        to="kleve@kleve.de",
        to_name="Kleve\r\nBcc: evil@example.org",
        subject="Einladung\r\nBcc: evil@example.org\r\n\r\n<b>body</b>",
        body=Reply.of(),
        lang="de",
    )
    sender = Sender("bot@kreis.de", "Allianz\nX-Evil: 1", "reply@kreis.de")
    raw = build(mail, sender, datetime(2026, 11, 23, 10, tzinfo=UTC))
    message = message_from_bytes(raw, policy=default)
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert str(message["Subject"]) == "Einladung Bcc: evil@example.org <b>body</b>"
    assert message["To"].addresses[0].addr_spec == "kleve@kleve.de"
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(line[:1] in (b" ", b"\t") or b":" in line for line in head.split(b"\r\n"))


async def test_a_thousand_recipients_all_or_nothing_and_the_chat_is_not_held_up(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await bot.say(SETUP)
    too_many = " ".join(f"m{i}@kleve.de" for i in range(MAX_RECIPIENTS + 1))
    out = await bot.text(f"@anna: /email neu Kleve {too_many}")
    assert "höchstens 1000" in out and "keine davon" in out, out
    assert await stored(bot) == []
    thousand = " ".join(f"m{i}@kleve.de" for i in range(MAX_RECIPIENTS))
    out = await bot.text(f"@anna: /email neu Kleve {thousand}")
    assert "1000 Adressen für Kleve eingetragen" in out and "und 970 weitere" in out, out
    assert len(await stored(bot)) == MAX_RECIPIENTS
    out = await bot.text("@anna: /email neu Kleve one.more@kleve.de")
    assert "höchstens 1000" in out
    assert len(await stored(bot)) == MAX_RECIPIENTS
    # 1,000 confirmation e-mails go out while the chat answers
    assert bot.runtime.mail_delivery is not None
    mails = asyncio.create_task(bot.runtime.mail_delivery.deliver_due())
    await asyncio.sleep(0.2)
    reply = await bot.text("@bernd: /naechstes")
    assert reply, "the chat answered"
    left = await pending_count(bot.database)
    assert left > 0, "the chat reply waited for every e-mail"
    assert await mails == MAX_RECIPIENTS
    assert await pending_count(bot.database) == 0
    received = [a for r in relay.received for a in r.recipients]
    assert len(received) == len(set(received)) == MAX_RECIPIENTS
    assert code_in(relay.received[0].message, "bestaetigen").isdigit()


async def pending_count(database: Database) -> int:
    async with database.uow() as uow:
        return sum(1 for m in await uow.outbox.pending() if m.room.platform == "email")


async def test_without_email_set_up_the_commands_say_so(sqlite_database: Database) -> None:
    bot = await ConsoleBot.start(sqlite_database)
    assert bot.runtime.mail_delivery is None
    await bot.say(SETUP)
    out = await bot.text("@anna: /email neu Kleve klimaschutz@kleve.de")
    assert "E-Mail ist für diesen Bot noch nicht eingerichtet" in out
    out = await bot.text("@anna: /email")
    assert "noch nicht eingerichtet" in out
    async with sqlite_database.uow() as uow:
        assert await uow.emails.of_partnership(1) == []
        assert [m for m in await uow.outbox.pending() if m.room.platform == "email"] == []


async def test_confirmation_codes_cannot_be_guessed(mail_bot: tuple[ConsoleBot, Relay]) -> None:
    bot, relay = mail_bot
    await bot.say(SETUP)
    await bot.say("@anna: /email neu Kleve klimaschutz@kleve.de")
    await send(bot)
    code = code_in(relay.to("klimaschutz@kleve.de")[0], "bestaetigen")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert "Diesen Code kenne ich nicht" in await bot.text(
            f"@mallory: /email bestaetigen {wrong}"
        )
    out = await bot.text(f"@anna: /email bestaetigen {code}")
    assert "gilt nicht mehr" in out, out
    assert "wartet auf Bestätigung" in await bot.text("@anna: /email")
    assert "sechs Ziffern" in await bot.text("@anna: /email bestaetigen 12a")
