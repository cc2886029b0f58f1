"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it accepts, and can answer
a recipient with a temporary (4xx) or permanent (5xx) refusal, as a mail relay does."""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bot.config import EmailSection
from storage.database import Database
from tests.conftest import drop_schema, make_database
from tests.harness import ConsoleBot

FROM = "partnerbot@kreis-kleve.de"
REPLY_TO = "klima@kreis-kleve.de"


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Relay:
    """What the server accepted, and how it answers: `refuse[address]` is the SMTP reply
    to RCPT for that address (e.g. "451 4.7.1 try later"), `refuse_times[address]` how
    many more times (None: always)."""

    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    refuse_times: dict[str, int | None] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.lock:
            self.attempts[address] = self.attempts.get(address, 0) + 1
            answer = self.refuse.get(address)
            left = self.refuse_times.get(address)
            if answer is not None and left is not None:
                if left <= 0:
                    answer = None
                else:
                    self.refuse_times[address] = left - 1
            if answer is not None:
                return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received if address in r.recipients]

    def subjects(self, address: str) -> list[str]:
        return [str(m["Subject"]) for m in self.to(address)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def relay() -> Iterator[tuple[Relay, int]]:
    handler = Relay()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def section(port: int, **extra: Any) -> EmailSection:
    return EmailSection(
        host="127.0.0.1",
        port=port,
        security="none",
        from_address=FROM,
        reply_to=REPLY_TO,
        timeout=10,
        **extra,
    )


@pytest.fixture
async def mail_bot(
    backend: str, tmp_path: Path, relay: tuple[Relay, int]
) -> AsyncIterator[tuple[ConsoleBot, Relay]]:
    """A console bot with e-mail through the test relay, on SQLite and PostgreSQL."""
    database, schema = await make_database(backend, tmp_path)
    handler, port = relay
    bot = await ConsoleBot.start(database, email=section(port))
    try:
        yield bot, handler
    finally:
        await database.close()
        if schema is not None:
            await drop_schema(schema)


def code_in(message: EmailMessage, word: str) -> str:
    """The code after `word` (e.g. "bestaetigen") in the plain text of `message`."""
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    after = text.split(word, 1)[1].split()
    return after[0]


__all__ = ["Database", "Received", "Relay", "code_in", "section"]
