"""What a relay's refusals do: 4xx (and an unreachable relay) is tried again with backoff,
5xx is parked and the coordinators are told in the rooms; and the stop in every e-mail
works. Against aiosmtpd on 127.0.0.1."""

from __future__ import annotations

from datetime import timedelta

from tests.email.conftest import Relay, code_in, section
from tests.email.test_email_flow import BERND, DORA, KLEVE, confirmed_world, send
from tests.harness import ConsoleBot


def later(bot: ConsoleBot, by: timedelta) -> None:
    bot.clock.set(bot.clock.now() + by)


async def pending_mail(bot: ConsoleBot) -> list[str]:
    async with bot.database.uow() as uow:
        return [m.room.room_id for m in await uow.outbox.pending() if m.room.platform == "email"]


async def test_4xx_is_retried_with_backoff_and_5xx_parked_and_reported(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    relay.attempts.clear()
    relay.refuse[KLEVE] = "451 4.7.1 Greylisted, try again later"
    relay.refuse_times[KLEVE] = 2
    relay.refuse[BERND] = "550 5.1.1 <bernd.b@goch.de>: Recipient address rejected"
    await bot.say("@anna: /termin 2.3.2027 10:00")
    assert await send(bot) == 1  # Dora's goes out; Kleve waits; Bernd's is parked
    assert [a for r in relay.received for a in r.recipients] == [DORA]
    assert await pending_mail(bot) == [KLEVE]
    assert await send(bot) == 0  # not due yet: backoff
    later(bot, timedelta(seconds=1))
    assert await send(bot) == 0  # second 451, now 2 s
    later(bot, timedelta(seconds=2))
    assert await send(bot) == 1
    assert relay.attempts[KLEVE] == 3
    assert len(relay.to(KLEVE)) == 1
    assert relay.to(BERND) == [] and relay.attempts[BERND] == 1  # refused once, never again
    async with bot.database.uow() as uow:
        parked = await uow.outbox.parked()
    assert [m.room.room_id for m in parked] == [BERND]
    assert await bot.delivery.deliver_due() == 1  # the notice, in the chat room
    notices = [line for line in bot.output if "ließ sich nicht zustellen" in line]
    assert notices, bot.output[-3:]
    print(notices[0])
    assert BERND in notices[0] and "550 5.1.1" in notices[0] and "anna" in notices[0]


async def test_an_unreachable_relay_loses_nothing(
    mail_bot: tuple[ConsoleBot, Relay], relay: tuple[Relay, int]
) -> None:
    bot, handler = mail_bot
    await confirmed_world(bot, handler)
    from bot.adapters.email.smtp import SmtpMessenger
    from tests.email.conftest import free_port

    assert bot.runtime.mail_delivery is not None
    working = bot.runtime.mail_delivery.messengers
    bot.runtime.mail_delivery.messengers = {"email": SmtpMessenger(section(free_port()))}
    await bot.say("@anna: /termin 2.3.2027 10:00")
    assert await send(bot) == 0
    assert sorted(await pending_mail(bot)) == sorted([KLEVE, BERND, DORA])
    bot.runtime.mail_delivery.messengers = working
    later(bot, timedelta(minutes=1))
    assert await send(bot) == 3
    assert sorted(a for r in handler.received for a in r.recipients) == sorted([KLEVE, BERND, DORA])


async def test_the_stop_in_every_mail_works(mail_bot: tuple[ConsoleBot, Relay]) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    await bot.say("@anna: /termin 2.3.2027 10:00")
    await send(bot)
    [invitation] = relay.to(KLEVE)
    code = code_in(invitation, "stopp")
    assert f"subject=stop%20{code}>" in str(invitation["List-Unsubscribe"])
    html = invitation.get_body(("html",)).get_content()
    assert code in html
    stopped = await bot.text(f"@someone: /email stopp {code}")  # whoever has the code
    assert f"{KLEVE} bekommt ab jetzt keine E-Mails der Partnerschaft mehr." in stopped
    listing = await bot.text("@anna: /email")
    assert f"{KLEVE} (Kleve) – abbestellt" in listing
    relay.received.clear()
    await bot.say("@anna: /verschieben 9.3.2027 10:00")
    assert await send(bot) == 2
    assert relay.to(KLEVE) == [] and len(relay.to(BERND)) == 1
    # stopping twice is fine; an unknown code says so
    assert "bekommt ab jetzt keine" in await bot.text(f"@anna: /email stopp {code}")
    assert "kenne ich nicht" in await bot.text("@anna: /email stopp 0000000000000000")
    # adding it again needs a new confirmation by its owner
    relay.received.clear()
    await bot.say(f"@anna: /email neu Kleve {KLEVE}")
    await send(bot)
    [again] = relay.to(KLEVE)
    assert "Bitte bestätigen" in str(again["Subject"])
    await bot.say("@anna: /verschieben 16.3.2027 10:00")
    await send(bot)
    assert len(relay.to(KLEVE)) == 1


async def test_a_stop_code_works_only_in_its_own_partnership(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    await bot.say("@anna: /termin 2.3.2027 10:00")
    await send(bot)
    code = code_in(relay.to(KLEVE)[0], "stopp")
    out = await bot.text(
        ":room other\n:admin zoe\n@zoe: /setup Andere Allianz\n@zoe: /email stopp " + code
    )
    assert "kenne ich nicht" in out and KLEVE not in out


async def test_a_stop_works_from_a_room_of_no_partnership_and_sent_mails_keep_no_text(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    await bot.say("@anna: /termin 2.3.2027 10:00")
    await send(bot)
    code = code_in(relay.to(BERND)[0], "stopp")
    out = await bot.text(f":room private\n@bernd: /email stopp {code}")
    assert f"{BERND} bekommt ab jetzt keine E-Mails der Partnerschaft mehr." in out, out
    async with bot.database.uow() as uow:
        audit = await uow.audit.of_partnership(1)
    assert any(entry.action == "email.stop" for entry in audit)
    from sqlalchemy import select

    from storage.models import OutboxRow

    async with bot.database.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        payloads = await session.scalars(
            select(OutboxRow.payload).where(
                OutboxRow.platform == "email", OutboxRow.status == "sent"
            )
        )
        kept = [p for p in payloads if "Einladung" in p or "bestätigen" in p]
    assert kept == []  # the relay has them; the database keeps no copy of the text
