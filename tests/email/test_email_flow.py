"""Invitations, moves, cancellations, the final agenda, minutes and action items reach the
town halls by e-mail: exactly once each, only at confirmed addresses, with calendar parts
that parse as iTIP REQUEST and CANCEL (one UID, rising SEQUENCE). Against a real SMTP
server (aiosmtpd) on 127.0.0.1, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from email.message import EmailMessage

import icalendar

from tests.email.conftest import REPLY_TO, Relay, code_in
from tests.harness import ConsoleBot

KLEVE = "klimaschutz@kleve.de"
BERND = "bernd.b@goch.de"
PENDING = "rathaus@goch.de"
DORA = "dora@emmerich.de"

SETUP = """
:admin anna
@anna: /setup Klima-Allianz Niederrhein
@anna: /mitglied neu Kleve
@anna: /mitglied neu Goch
@anna: /mitglied neu Emmerich am Rhein
@bernd: /ichbin Goch
@dora: /ichbin Emmerich am Rhein
"""


async def send(bot: ConsoleBot) -> int:
    assert bot.runtime.mail_delivery is not None
    return await bot.runtime.mail_delivery.deliver_due()


def calendar(message: EmailMessage) -> icalendar.Calendar:
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    assert parts[0].get_param("method") in ("REQUEST", "CANCEL")
    return icalendar.Calendar.from_ical(parts[0].get_content())


async def confirmed_world(bot: ConsoleBot, relay: Relay) -> None:
    """Kleve's office address and Bernd's own confirmed; Goch's office address never."""
    await bot.say(SETUP)
    out = await bot.text(
        f"@anna: /email neu Kleve {KLEVE}\n"
        f"@bernd: /email neu {BERND}\n"
        f"@bernd: /email neu Goch {PENDING}\n"
        f"@dora: /email neu Emmerich am Rhein {DORA}"
    )
    assert "Bestätigungscode" in out, out
    assert await send(bot) == 4
    for address in (KLEVE, BERND, DORA):
        [mail] = relay.to(address)
        assert "Bitte bestätigen" in str(mail["Subject"])
        assert mail["List-Unsubscribe"] is None  # nothing to stop yet: nothing else comes
        code = code_in(mail, "bestaetigen")
        who = "dora" if address == DORA else "bernd"
        reply = await bot.text(f"@{who}: /email bestaetigen {code}")
        assert f"{address} ist bestätigt" in reply, reply
    relay.received.clear()


async def test_meeting_mails_arrive_once_and_only_at_confirmed_addresses(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    await bot.say("@bernd: /tagesordnung neu Radverkehrskonzept abstimmen")
    await bot.say("@anna: /termin 2.3.2027 10:00 im Rathaus Goch")
    assert await send(bot) == 3
    assert await send(bot) == 0
    await bot.say("@anna: /verschieben 9.3.2027 14:00")
    await bot.say("@anna: /absagen Hochwasser\n@anna: /ja")
    while await send(bot):
        pass
    confirmed = [KLEVE, BERND, DORA]
    assert relay.to(PENDING) == []
    assert Counter(a for r in relay.received for a in r.recipients) == {a: 3 for a in confirmed}
    for address in confirmed:
        invitation, moved, cancelled = relay.to(address)
        assert str(invitation["Subject"]).startswith("Einladung: Klima-Allianz Niederrhein")
        assert str(moved["Subject"]).startswith("Verschoben:")
        assert str(cancelled["Subject"]).startswith("Abgesagt:")
        text = invitation.get_body(("plain",)).get_content()
        assert "Radverkehrskonzept abstimmen" in text  # the agenda so far
        assert "Rathaus Goch" in text and "Goch" in text
        html = invitation.get_body(("html",)).get_content()
        assert "<p>" in html and "Radverkehrskonzept" in html
        assert (
            invitation["List-Unsubscribe"].strip().startswith(f"<mailto:{REPLY_TO}?subject=stop%20")
        )
        uids, sequences = set(), []
        for mail, method in ((invitation, "REQUEST"), (moved, "REQUEST"), (cancelled, "CANCEL")):
            cal = calendar(mail)
            assert str(cal["METHOD"]) == method
            [event] = cal.walk("VEVENT")
            uids.add(str(event["UID"]))
            sequences.append(int(event["SEQUENCE"]))
            assert str(event["ORGANIZER"]) == f"mailto:{REPLY_TO}"
            assert str(event["ATTENDEE"]) == f"mailto:{address}"
            assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
        assert len(uids) == 1
        assert sequences == sorted(set(sequences)), sequences  # strictly rising
    ids = [m["Message-ID"] for r in relay.received for m in [r.message]]
    assert len(ids) == len(set(ids))


async def test_final_agenda_minutes_and_action_items(mail_bot: tuple[ConsoleBot, Relay]) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    await bot.say(
        "@anna: /termin 10.12. 10:00 im Rathaus Emmerich\n"
        "@bernd: /tagesordnung neu Wärmeplanung <b>Stand</b> & Termine"
    )
    while await send(bot):
        pass
    relay.received.clear()
    await bot.say(":time 2026-12-05 09:00")  # past the agenda deadline (7 days before)
    while await send(bot):
        pass
    for address in (KLEVE, BERND, DORA):
        [agenda] = relay.to(address)
        assert str(agenda["Subject"]).startswith("Tagesordnung: Klima-Allianz Niederrhein")
        html = agenda.get_body(("html",)).get_content()
        assert "&lt;b&gt;Stand&lt;/b&gt; &amp; Termine" in html  # user text escaped
        assert "<b>Stand</b>" not in html
    relay.received.clear()
    await bot.say(
        ":time 2026-12-10 09:55\n"
        "@dora: /sitzungsbeginn\n"
        "@dora: /anwesend\n"
        "@dora: /thema 1\n"
        "@dora: /beschluss Gemeinsamer Förderantrag\n"
        "@dora: /aufgabe bernd Entwurf an alle schicken\n"
        "@dora: /aufgabe Kleve Angebote einholen bis 15.1.2027\n"
        "@dora: /aufgabe dora Raum buchen\n"
        "@dora: /sitzungsende"
    )
    while await send(bot):
        pass
    subjects = {a: relay.subjects(a) for a in (KLEVE, BERND, DORA, PENDING)}
    assert subjects[PENDING] == []
    for address in (KLEVE, BERND, DORA):
        minutes = [s for s in subjects[address] if s.startswith("Protokoll:")]
        assert len(minutes) == 1, subjects
    [mail] = [m for m in relay.to(KLEVE) if str(m["Subject"]).startswith("Protokoll:")]
    files = {p.get_filename(): p.get_content_type() for p in mail.iter_attachments()}
    assert set(files.values()) == {"text/markdown", "text/html"}, files
    assert mail.get_body(("plain",)) is not None and mail.get_body(("html",)) is not None
    # action items: Bernd's own address gets his, Kleve's office address the member's
    actions = {a: [s for s in subjects[a] if "Aufgabe" in s] for a in (KLEVE, BERND, DORA)}
    assert len(actions[BERND]) == 1 and len(actions[KLEVE]) == 1, actions
    assert actions[DORA] == []  # Dora's address is Emmerich's office address, not her own
    [bernds] = [m for m in relay.to(BERND) if "Aufgabe" in str(m["Subject"])]
    text = bernds.get_body(("plain",)).get_content()
    assert "Entwurf an alle schicken" in text and "Angebote einholen" not in text


async def test_kinds_switched_off_in_the_settings_are_not_sent(
    mail_bot: tuple[ConsoleBot, Relay],
) -> None:
    bot, relay = mail_bot
    await confirmed_world(bot, relay)
    out = await bot.text("@bernd: /einstellungen email einladungen aus")
    assert "Koordination" in out  # coordinators only
    out = await bot.text("@anna: /einstellungen email einladungen aus")
    assert "Einladungen gehen ab jetzt nicht mehr per E-Mail hinaus." in out, out
    await bot.say("@anna: /termin 2.3.2027 10:00")
    assert await send(bot) == 0
    await bot.say("@anna: /verschieben 9.3.2027 10:00")
    assert await send(bot) == 3  # changes are still on
    listing = await bot.text("@anna: /email")
    assert "Einladungen: aus" in listing and f"{PENDING} (Goch) – wartet auf Bestätigung" in listing


async def test_english_partnerships_get_english_mail(
    sqlite_database: object, relay: tuple[Relay, int]
) -> None:
    from storage.database import Database
    from tests.email.conftest import section

    handler, port = relay
    assert isinstance(sqlite_database, Database)
    bot = await ConsoleBot.start(sqlite_database, lang="en", email=section(port))
    await bot.say(":admin anna\n@anna: /setup Climate Alliance\n@anna: /member add Kleve")
    out = await bot.text(f"@anna: /email add Kleve {KLEVE}")
    assert "sent it a confirmation code" in out, out
    await send(bot)
    [confirmation] = handler.to(KLEVE)
    assert (
        str(confirmation["Subject"])
        == "Please confirm: e-mails of the partnership Climate Alliance"
    )
    code = code_in(confirmation, "confirm")
    assert "is confirmed" in await bot.text(f"@anna: /email confirm {code}")
    await bot.say("@anna: /schedule 2.3.2027 10:00")
    await send(bot)
    invitation = handler.to(KLEVE)[-1]
    assert str(invitation["Subject"]).startswith("Invitation: Climate Alliance on")
    assert invitation["Content-Language"] == "en"
    assert "To stop: reply with the subject" in invitation.get_body(("plain",)).get_content()
