"""The composition root: the one place that builds the bot's parts and wires them together.

The CLI (`run`, `console`), the test harnesses and the benches all start here, so every
part is built the same way everywhere and nothing is patched on afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from bot.app import App, AppConfig
from bot.channels.chat import ChatChannel
from bot.channels.email import PLATFORM as EMAIL
from bot.channels.email import EmailChannel
from bot.channels.email_mime import Sender
from bot.channels.notifier import Channel, Notifier
from bot.config import EmailSection
from bot.core.clock import Clock
from bot.core.messenger import Messenger
from bot.core.router import Router
from bot.delivery import Delivery
from bot.i18n import Catalog
from bot.observers import ChangeHook, EventObserver
from bot.scheduler import Scheduler
from handlers import build_router
from storage.database import Database

MAIL_BATCH = 8
"""E-mails fetched at once (twice the SMTP connections, so the relay stays busy); each is
marked sent the moment the relay accepted it (docs/email.md)."""

Observers = Callable[[Database, Router], Sequence[EventObserver]]
"""Builds the app's observers (logs, metrics) from the parts they look at."""

Senders = Callable[[Mapping[str, Messenger]], Mapping[str, Messenger]]
"""Makes what the outbox delivery sends through from the messengers (tests put failing
messengers in between, or leave the delivery none)."""


@dataclass
class Runtime:
    database: Database
    catalog: Catalog
    router: Router
    notifier: Notifier
    app: App
    delivery: Delivery
    scheduler: Scheduler
    mail_delivery: Delivery | None = None
    """E-mail goes out beside the chat, never in front of or behind it (None: no e-mail)."""

    async def close(self) -> None:
        await self.database.close()


async def bootstrap(
    database: Database | str | None,
    clock: Clock,
    messengers: Mapping[str, Messenger],
    config: AppConfig | None = None,
    observers: Observers | None = None,
    change_hooks: Sequence[ChangeHook] = (),
    senders: Senders | None = None,
    email: EmailSection | None = None,
) -> Runtime:
    """Build everything on one database. A URL (or None: the default SQLite file) is opened
    and migrated to the newest schema; a `Database` is used as it is.

    `change_hooks` run in the transaction of every change, after the reminders are re-planned
    (tests use one to watch progress). `senders`, for tests, changes what the delivery sends
    through (direct replies go through the outbox too). With `email` (the `[email]`
    section), invitations and minutes also go out by e-mail through that relay."""
    if not isinstance(database, Database):
        database = Database(database)
        await database.upgrade()
    catalog = Catalog.load()
    router = build_router()
    channels: list[Channel] = [ChatChannel(catalog)]
    if email is not None:
        config = replace(config or AppConfig(), email=True)
        # with a web page, every e-mail carries a link that stops them in one click
        base = config.web_base_url.rstrip("/")
        stop_url = f"{base}/stop/" if base else ""
        answer_url = f"{base}/a/" if base else ""  # each address's answer link
        sender = Sender(
            email.from_address, reply_to=email.reply_to, stop_url=stop_url, answer_url=answer_url
        )
        channels.append(EmailChannel(catalog, sender))
        if EMAIL not in messengers:
            from bot.adapters.email.smtp import SmtpMessenger

            messengers = {**messengers, EMAIL: SmtpMessenger(email)}
    notifier = Notifier(channels)
    outbox_changed = asyncio.Event()
    scheduler = Scheduler(
        database.uow, clock, catalog, notifier=notifier, on_fired=outbox_changed.set
    )
    app = App(
        database.uow,
        clock,
        router,
        catalog,
        notifier,
        config=config,
        outbox_changed=outbox_changed,
        timers=[scheduler],
        change_hooks=[scheduler.on_change, *change_hooks],
        observers=observers(database, router) if observers is not None else (),
    )
    sending = senders(messengers) if senders else messengers
    # the same mapping when there is no e-mail: tests swap a platform's messenger in it
    chat = {k: v for k, v in sending.items() if k != EMAIL} if EMAIL in sending else sending
    delivery = Delivery(
        database.uow, clock, chat, catalog, default_language=app.config.default_language
    )
    mail_delivery = None
    if EMAIL in sending:
        mail = {EMAIL: sending[EMAIL]}
        language = app.config.default_language
        mail_delivery = Delivery(
            database.uow,
            clock,
            mail,
            catalog,
            default_language=language,
            batch=MAIL_BATCH,
            mark_each=True,
        )
    return Runtime(database, catalog, router, notifier, app, delivery, scheduler, mail_delivery)
