"""Sending the outbox's e-mail rows over SMTP (aiosmtplib), and `check-config`'s probe.

Each row holds a finished message (`bot.channels.email`); the sender adds the Message-ID,
derived from the row's stable id, so a message sent again after a crash between the
server's acceptance and the mark is recognisable as the same message (docs/email.md).
The envelope goes to the row's address only, whatever the headers say.

Failures as the outbox understands them: a 4xx answer or a lost connection is tried again
with backoff; a server that cannot be reached at all is "offline" (not the message's
fault); a 5xx answer means this message never will be accepted as it is: it is parked and
the coordinators are told.
"""

from __future__ import annotations

import asyncio
import logging

import aiosmtplib

from bot.config import EmailSection
from bot.core.events import RoomRef
from bot.core.messenger import DeliveryError
from bot.core.reply import Reply

log = logging.getLogger(__name__)

PLATFORM = "email"
MESSAGE_TYPE = "message/rfc822"
CONNECTIONS = 4
"""Messages in flight at once: a municipal relay throttles bulk senders."""


def _client_options(section: EmailSection) -> dict[str, object]:
    options: dict[str, object] = {
        "hostname": section.host,
        "port": section.port,
        "timeout": float(section.timeout),
        "use_tls": section.security == "tls",
        "start_tls": section.security == "starttls",
    }
    if section.user:
        options["username"] = section.user
        options["password"] = section.password.reveal()
    return options


def message_id(txn_id: str, sender: str) -> str:
    return f"<{txn_id}@{sender.rpartition('@')[2]}>"


class SmtpMessenger:
    platform = PLATFORM

    def __init__(self, section: EmailSection, connections: int = CONNECTIONS) -> None:
        self.section = section
        self._slots = asyncio.Semaphore(connections)

    async def send(
        self, room: RoomRef, reply: Reply, txn_id: str, answers: str | None = None
    ) -> None:
        raw = next((a.data for a in reply.attachments if a.mimetype == MESSAGE_TYPE), None)
        if raw is None:
            raise DeliveryError("no e-mail in this outbox row", rejected=True)
        head = f"Message-ID: {message_id(txn_id, self.section.from_address)}\r\n".encode()
        async with self._slots:
            await self._send(room.room_id, head + raw)

    async def _send(self, address: str, data: bytes) -> None:
        try:
            await aiosmtplib.send(
                data,
                sender=self.section.from_address,
                recipients=[address],
                **_client_options(self.section),  # type: ignore[arg-type]
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [r.code for r in error.recipients]
            text = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
            raise DeliveryError(text[:300], rejected=all(c >= 500 for c in codes)) from error
        except aiosmtplib.SMTPResponseException as error:
            text = f"{error.code} {error.message}"[:300]
            raise DeliveryError(text, rejected=error.code >= 500) from error
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPConnectTimeoutError) as error:
            raise DeliveryError(f"cannot reach {self.section.host}", offline=True) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"connection lost: {type(error).__name__}") from error


async def probe(section: EmailSection) -> str | None:
    """Connect, say hello, log in when configured and leave: what is wrong, or None."""
    where = f"{section.host}:{section.port}"
    client = aiosmtplib.SMTP(**_client_options(section))  # type: ignore[arg-type]
    try:
        await client.connect()
        await client.noop()
    except aiosmtplib.SMTPAuthenticationError as error:
        return f"[email] the server at {where} refuses user {section.user!r}: {error.code}"
    except aiosmtplib.SMTPNotSupported as error:
        return f"[email] the server at {where} does not offer {section.security}: {error}"
    except aiosmtplib.SMTPResponseException as error:
        return f"[email] the server at {where} answers {error.code} {error.message}"
    except (aiosmtplib.SMTPException, OSError) as error:
        return f"[email] cannot connect to {where} ({section.security}): {error}"
    finally:
        if client.is_connected:
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError):
                client.close()
    return None
