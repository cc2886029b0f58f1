"""One e-mail to one recipient, built with the standard library's `email` package.

Every header value that comes from people (names, subjects) goes through `one_line`, so a
CR or LF can never start a header of its own (header injection); non-ASCII is encoded by the
library (RFC 2047). HTML is rendered from the same Reply as the plain text, user text
escaped. Every e-mail names its stop code and carries `List-Unsubscribe`. The Message-ID is
not set here: the sender derives it from the outbox row (see `bot.adapters.email`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from html import escape
from urllib.parse import quote

from bot.core.render import html_span, render_plain
from bot.core.reply import Attachment, BulletList, Reply


@dataclass(frozen=True)
class Sender:
    """From the `[email]` config: who sends, where answers and stop requests go."""

    address: str
    name: str = "partnerbot"
    reply_to: str = ""
    stop_url: str = ""
    """Where a stop code is a link ("https://…/stop/"); empty without a web page."""
    answer_url: str = ""
    """Where an answer code is a link ("https://…/a/"); empty without a web page."""

    @property
    def answers_to(self) -> str:
        return self.reply_to or self.address


@dataclass(frozen=True)
class Mail:
    to: str
    to_name: str
    subject: str
    body: Reply
    lang: str
    stop: Reply | None = None
    """The footer saying how to stop these e-mails (None only for the confirmation)."""
    stop_code: str = ""
    calendar: tuple[str, bytes] | None = None
    """(iTIP method, iCalendar bytes) for Outlook's and Thunderbird's accept buttons."""
    attachments: tuple[Attachment, ...] = field(default=())


def one_line(text: str, limit: int = 200) -> str:
    """A header value: every run of whitespace and control characters one space."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(cleaned.split())[:limit]


def build(mail: Mail, sender: Sender, now: datetime) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["Subject"] = one_line(mail.subject, 250)
    message["From"] = Address(one_line(sender.name), addr_spec=sender.address)
    message["To"] = Address(one_line(mail.to_name), addr_spec=mail.to)
    if sender.reply_to:
        message["Reply-To"] = Address(addr_spec=sender.reply_to)
    message["Date"] = format_datetime(now)
    message["Auto-Submitted"] = "auto-generated"
    if mail.stop_code:
        subject = quote(f"stop {mail.stop_code}")
        mailto = f"<mailto:{sender.answers_to}?subject={subject}>"
        if sender.stop_url:  # RFC 8058: the mail program stops them with one click
            message["List-Unsubscribe"] = f"<{sender.stop_url}{mail.stop_code}>, {mailto}"
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        else:
            message["List-Unsubscribe"] = mailto
    blocks = Reply(mail.body.blocks + (mail.stop.blocks if mail.stop else ()))
    plain = "\n\n".join(render_plain(Reply((b,)), prefix="/") for b in blocks.blocks)
    message.set_content(plain + "\n")
    message.add_alternative(_html(blocks, mail.lang, mail.subject), subtype="html")
    if mail.calendar is not None:
        method, data = mail.calendar
        message.add_alternative(data.decode("utf-8"), subtype="calendar", params={"method": method})
    for file in mail.attachments:
        maintype, _, subtype = file.mimetype.partition("/")
        message.add_attachment(
            file.data, maintype=maintype, subtype=subtype or "octet-stream", filename=file.filename
        )
    message["Content-Language"] = mail.lang  # after the parts: they take Content-* along
    return message.as_bytes()


def _html(reply: Reply, lang: str, title: str) -> str:
    parts: list[str] = []
    for block in reply.blocks:
        if isinstance(block, BulletList):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = "".join(
                "<li>" + "".join(html_span(s, prefix="/") for s in item) + "</li>"
                for item in block.items
            )
            parts.append(f"<{tag}{start}>{items}</{tag}>")
        else:
            parts.append("<p>" + "".join(html_span(s, prefix="/") for s in block.spans) + "</p>")
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
