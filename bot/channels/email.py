"""The e-mail channel: one outbox row per confirmed recipient, written in the transaction
of the change like every chat message.

A recipient is a "room" of platform "email" (`RoomRef("email", address)`), so the outbox
keeps each address's order, retries and parks per address, and the SMTP sender
(`bot.adapters.email`) delivers. The row holds the finished message (built here with the
clock of the change, `message/rfc822`) and a one-line paragraph with its subject for
`partnerbot outbox` and the coordinators' notice when it is parked.

Nothing but the confirmation code ever goes to an unconfirmed address; each kind of e-mail
is sent only while the partnership has it switched on (`/einstellungen email`).
"""

from __future__ import annotations

from datetime import datetime

from bot.channels.email_content import (
    Content,
    actions_content,
    confirmation_body,
    content,
    stop_footer,
)
from bot.channels.email_mime import Mail, Sender, build
from bot.core.domain_events import (
    AgendaPosted,
    DomainEvent,
    MeetingCancelled,
    MeetingHostChanged,
    MeetingMoved,
    MeetingScheduled,
)
from bot.core.events import RoomRef
from bot.core.mail import EmailAddress
from bot.core.model import Partnership
from bot.core.reply import Attachment, Block, Link, Paragraph, Reply, Text
from bot.domain.itip import build_itip
from bot.i18n import Catalog
from bot.i18n.meetings import calendar_event
from bot.i18n.texts import Texts
from bot.usecases.date_polls import DatePollStarted
from bot.usecases.email import ConfirmationRequested
from bot.usecases.members import roster
from bot.usecases.minutes import MinutesWritten
from bot.usecases.minutes_render import ActionDoc
from bot.usecases.ports import UnitOfWork

PLATFORM = "email"
MESSAGE_TYPE = "message/rfc822"
TOLD = (
    MeetingScheduled,
    MeetingMoved,
    MeetingHostChanged,
    MeetingCancelled,
    AgendaPosted,
    MinutesWritten,
    DatePollStarted,
)
"""The events e-mail tells about (`email_content.content`); others cost no query."""


class EmailChannel:
    def __init__(self, catalog: Catalog, sender: Sender) -> None:
        self.catalog = catalog
        self.sender = sender

    async def deliver(self, uow: UnitOfWork, event: DomainEvent, now: datetime) -> None:
        partnership = event.partnership
        texts = Texts(self.catalog, partnership.language, partnership.timezone)
        if isinstance(event, ConfirmationRequested):
            await self._confirmation(uow, texts, event, now)
            return
        if not isinstance(event, TOLD):
            return
        confirmed = [a for a in await uow.emails.of_partnership(partnership.id) if a.confirmed]
        found = await content(uow, texts, event, now) if confirmed else None
        if found is None:
            return
        switched = {s.kind: s.enabled for s in await uow.emails.settings(partnership.id)}
        names = await _names(uow, partnership, confirmed)
        if switched.get(found.kind, True):
            for recipient in confirmed:
                await self._post(uow, texts, event, found, recipient, names, now)
        if isinstance(event, MinutesWritten) and switched.get("actions", True):
            for recipient, mine in await _owners(uow, event, confirmed):
                mail = actions_content(texts, event, mine)
                await self._post(uow, texts, event, mail, recipient, names, now)

    async def _post(
        self,
        uow: UnitOfWork,
        texts: Texts,
        event: DomainEvent,
        found: Content,
        recipient: EmailAddress,
        names: dict[int, str],
        now: datetime,
    ) -> None:
        partnership = event.partnership
        calendar = None
        if found.meeting is not None and found.method:
            item = calendar_event(texts, partnership, found.meeting, found.host)
            organizer = (partnership.name, self.sender.answers_to)
            attendee = (names.get(recipient.id, ""), recipient.address)
            data = build_itip(found.method, item, partnership.timezone, organizer, attendee, now)
            calendar = (found.method, data)
        mail = Mail(
            to=recipient.address,
            to_name=names.get(recipient.id, ""),
            subject=found.subject,
            body=Reply(found.body + self._answer_link(texts, found, recipient)),
            lang=partnership.language,
            stop=stop_footer(
                texts,
                partnership.name,
                recipient.address,
                recipient.stop_code,
                self.sender.stop_url + recipient.stop_code if self.sender.stop_url else "",
            ),
            stop_code=recipient.stop_code,
            calendar=calendar,
            attachments=found.attachments,
        )
        await _add(uow, partnership, mail, build(mail, self._from(partnership), now), now)

    def _answer_link(
        self, texts: Texts, found: Content, recipient: EmailAddress
    ) -> tuple[Block, ...]:
        """The recipient's own answer link (`/a/<code>`), where the e-mail asks for one."""
        if found.answer_link and self.sender.answer_url and recipient.answer_code:
            url = self.sender.answer_url + recipient.answer_code
            return (texts.t(found.answer_link, link=Link(url, url)),)
        return (texts.t(found.no_link),) if found.no_link else ()

    async def _confirmation(
        self, uow: UnitOfWork, texts: Texts, event: ConfirmationRequested, now: datetime
    ) -> None:
        partnership = event.partnership
        mail = Mail(
            to=event.address,
            to_name=event.owner,
            subject=texts.text("email.confirm.subject", name=partnership.name),
            body=confirmation_body(texts, partnership.name, event.owner, event.by, event.code),
            lang=partnership.language,
        )
        await _add(uow, partnership, mail, build(mail, self._from(partnership), now), now)

    def _from(self, partnership: Partnership) -> Sender:
        """The partnership's name as the sender's name, at the configured address."""
        return Sender(
            self.sender.address,
            partnership.name,
            self.sender.reply_to,
            self.sender.stop_url,
            self.sender.answer_url,
        )


async def _add(
    uow: UnitOfWork, partnership: Partnership, mail: Mail, raw: bytes, now: datetime
) -> None:
    subject = Paragraph((Text(mail.subject),))
    row = Reply.of(subject, attachments=(Attachment("message.eml", MESSAGE_TYPE, raw),))
    await uow.outbox.add(partnership.id, RoomRef(PLATFORM, mail.to), row, now, kind="email")


async def _names(
    uow: UnitOfWork, partnership: Partnership, addresses: list[EmailAddress]
) -> dict[int, str]:
    """address id -> its owner's name (the member's or the person's)."""
    current = await roster(uow, partnership)
    members = {m.id: m.name for m in current.members}
    persons = await uow.persons.many({a.person_id for a in addresses if a.person_id})
    found: dict[int, str] = {}
    for a in addresses:
        if a.person_id in persons:
            found[a.id] = persons[a.person_id].display_name
        elif a.member_id in members:
            found[a.id] = members[a.member_id]
    return found


async def _owners(
    uow: UnitOfWork, event: MinutesWritten, confirmed: list[EmailAddress]
) -> list[tuple[EmailAddress, list[ActionDoc]]]:
    """Each confirmed address with the action items of these minutes its owner took on: a
    person's own address; a member's office addresses for what the member took on."""
    numbers = {a.number: a for a in event.doc.actions()}
    if not numbers:
        return []
    items = [
        i for i in await uow.actions.of_partnership(event.partnership.id) if i.number in numbers
    ]
    result: list[tuple[EmailAddress, list[ActionDoc]]] = []
    for recipient in confirmed:
        mine = [
            numbers[i.number]
            for i in items
            if (recipient.person_id is not None and i.owner_person_id == recipient.person_id)
            or (
                recipient.person_id is None
                and i.owner_person_id is None
                and i.owner_member_id == recipient.member_id
            )
        ]
        if mine:
            result.append((recipient, mine))
    return result
