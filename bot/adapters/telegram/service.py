"""The Telegram connection: python-telegram-bot started by hand inside our event loop.

Updates are taken here (long polling or a webhook), one at a time, and handled in `updates`
(translation in `translate`, into `App.handle`, which writes the direct reply to the outbox;
the outbox delivery sends it through the messenger). The marks of what was taken and
answered are kept in `marks`.

An update is done for Telegram only once it was handled and its reply kept (see `_take`):
nothing is lost in a crash, and nothing answered is answered again after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    Update,
)
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.adapters.telegram.marks import AdminCache, Mark
from bot.adapters.telegram.messenger import TelegramMessenger, retry_seconds
from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.translate import (
    PLATFORM,
    PresenceTracker,
    command_menus,
)
from bot.adapters.telegram.updates import Updates
from bot.app import App
from bot.config import TelegramSection

__all__ = ["WEBHOOK_SECRET_HEADER", "Mark", "TelegramService"]

log = logging.getLogger(__name__)

DEFAULT_API = "https://api.telegram.org"
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_POLL_BACKOFF = 30.0


class TelegramUnusable(RuntimeError):
    """Telegram cannot be served with this configuration (retrying would not help)."""


class TelegramService:
    platform = PLATFORM

    def __init__(
        self,
        section: TelegramSection,
        data_dir: Path,
        *,
        pacer: Pacer | None = None,
        poll_timeout: float = 30.0,
        max_backoff: float = MAX_POLL_BACKOFF,
    ) -> None:
        self.section = section
        self.max_backoff = max_backoff
        self.data_dir = data_dir
        self.poll_timeout = poll_timeout
        self._messenger = TelegramMessenger(pacer)
        self.admins = AdminCache()
        self.presence = PresenceTracker()
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None
        self.app: App | None = None
        self.last_update_id = 0
        """The newest update handled to the end (tests wait for it)."""
        self.replayable_until = 0
        """Updates up to this id were pending at the start: the previous process may have
        handled them without confirming them (Telegram learns of it on the next poll)."""
        self.updates: Updates | None = None
        self.answered: Mark | None = None
        """Up to which update every reply went out, as saved in the database."""
        self.update_handled = asyncio.Event()
        self.webhook_port: int | None = None
        self._webhook_runner: Any = None
        self._running = False
        self._poller: asyncio.Task[None] | None = None
        self._offset = 0
        """The first update not taken yet: asking for updates from it confirms the rest."""
        self._confirmed = 0
        self._taken: Mark | None = None
        self._one_at_a_time = asyncio.Lock()

    @property
    def messenger(self) -> TelegramMessenger:
        return self._messenger

    def connected(self) -> bool:
        if not self._running or self.application is None:
            return False
        if self.section.mode == "webhook":
            return self._webhook_runner is not None
        return self._poller is not None and not self._poller.done()

    # -- lifecycle ------------------------------------------------------------------------

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = ApplicationBuilder().token(self.section.token.reveal())
        base = (self.section.base_url or DEFAULT_API).rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        builder = builder.get_updates_read_timeout(self.poll_timeout + 10)
        return builder.updater(None).build()

    async def start(self, app: App) -> None:
        """Connect, retrying with backoff while the Bot API cannot be reached; a token it
        refuses (InvalidToken) ends the attempts. Cancel to give up."""
        # httpx logs every request URL at INFO, and Bot API URLs contain the token
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
        self.app = app
        if self.application is None:
            self.application = self._build()
        attempt = 0
        while True:
            try:
                await self._connect(app, self.application)
                break
            except InvalidToken:
                # its message holds the token; the operator needs to hear only this
                raise TelegramUnusable("the Bot API refused the token") from None
            except (NetworkError, RetryAfter) as error:
                if isinstance(error, BadRequest):
                    raise
                wait = (
                    retry_seconds(error)
                    if isinstance(error, RetryAfter)
                    else min(self.max_backoff, 0.25 * 2 ** min(attempt, 16))
                )
                attempt += 1
                log.warning("Telegram: cannot connect (%s); again in %.1f s", error, wait)
                await asyncio.sleep(wait)
        log.info(
            "Telegram: connected as @%s (%s)", self.application.bot.username, self.section.mode
        )

    async def _connect(
        self, app: App, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> None:
        await application.initialize()  # again after a failure: it resumes where it stopped
        bot = application.bot
        self._messenger.bot = bot
        if bot.username:
            app.config.bot_names.add(bot.username)
        await self.publish_menus()
        async with app.uow_factory() as uow:
            saved = await uow.state.get(self._answered_key)
        self.answered = Mark.decode(saved) if saved is not None else None
        if saved is not None and self.answered is None:
            log.warning("Telegram: ignoring an unreadable %s", self._answered_key)
        # The same in both modes: no webhook may be set while asking (Telegram keeps the
        # updates meanwhile and sends them to the webhook once it is set again). The first
        # hundred suffice: only the head of the queue can have been taken before.
        await bot.delete_webhook()
        pending = await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
        self.replayable_until = max((u.update_id for u in pending), default=0)
        self.updates = Updates(
            app, bot, self._messenger, self.admins, self.presence, self.replayable_until
        )
        self._running = True
        if self.section.mode == "webhook":
            await self._start_webhook()
        else:
            self._poller = asyncio.create_task(self._poll(), name="telegram polling")
        app.outbox_changed.set()  # what waited for the connection goes out now

    async def stop(self) -> None:
        """Lets the update in hand finish; Telegram is told what was taken (else it would
        come again at the next start, and be recognised then)."""
        self._running = False
        application = self.application
        if application is None:
            return
        if self._poller is not None:
            async with self._one_at_a_time:
                self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
            if self._offset > self._confirmed:
                try:
                    await application.bot.get_updates(offset=self._offset, timeout=0)
                except TelegramError as error:
                    log.info("Telegram: could not confirm the last updates: %s", error)
        if self._webhook_runner is not None:
            await self._webhook_runner.cleanup()
            self._webhook_runner = None
        await application.shutdown()
        self.application = None
        self._messenger.bot = None

    async def publish_menus(self) -> None:
        """The command menu in German and English; coordinator commands for administrators."""
        assert self.application is not None and self.app is not None
        bot = self.application.bot
        menus = command_menus(self.app.router, self.app.catalog, self.app.config.default_language)
        for menu in menus:
            scope = (
                BotCommandScopeAllChatAdministrators()
                if menu.scope == "all_chat_administrators"
                else BotCommandScopeDefault()
            )
            try:
                await bot.set_my_commands(
                    [BotCommand(e.command, e.description) for e in menu.entries],
                    scope=scope,
                    language_code=menu.language_code or None,
                )
            except TelegramError as error:
                log.warning("Telegram: could not publish the command menu: %s", error)
                return

    # -- webhook ----------------------------------------------------------------------------

    def webhook_secret(self) -> str:
        digest = hashlib.sha256(("partnerbot:" + self.section.token.reveal()).encode())
        return digest.hexdigest()[:48]

    async def _start_webhook(self) -> None:
        from aiohttp import web

        assert self.application is not None
        application = self.application
        if self._webhook_runner is not None:  # a start attempt that failed at setWebhook
            await self._webhook_runner.cleanup()
            self._webhook_runner = None
        path = urlsplit(self.section.webhook_url).path or "/"
        secret = self.webhook_secret()

        async def receive(request: web.Request) -> web.Response:
            if request.headers.get(WEBHOOK_SECRET_HEADER) != secret:
                return web.Response(status=403)
            try:
                data = await request.json()
                update = Update.de_json(data, application.bot)
            except Exception:
                return web.Response(status=400)
            await self._take(update)
            return web.Response(text="ok")

        server = web.Application()
        server.router.add_post(path, receive)
        runner = web.AppRunner(server)
        await runner.setup()
        site = web.TCPSite(runner, self.section.webhook_listen, self.section.webhook_port)
        await site.start()
        self._webhook_runner = runner
        sockets = getattr(site._server, "sockets", None) or []
        self.webhook_port = sockets[0].getsockname()[1] if sockets else self.section.webhook_port
        # One connection: Telegram sends the next update only after the answer to this one,
        # which comes once it was handled (else a crash would lose what was confirmed).
        await application.bot.set_webhook(
            self.section.webhook_url,
            allowed_updates=Update.ALL_TYPES,
            secret_token=secret,
            max_connections=1,
        )

    # -- updates ----------------------------------------------------------------------------

    async def _poll(self) -> None:
        """Long polling that asks past an update (which confirms it) only once it was taken.

        python-telegram-bot's Updater confirms a batch as soon as it is fetched, before it is
        handled: a crash lost every update still queued, and the one in hand."""
        assert self.application is not None
        bot = self.application.bot
        failures = 0
        while self._running:
            try:
                updates = await bot.get_updates(
                    offset=self._offset or None,
                    timeout=self.poll_timeout,
                    allowed_updates=Update.ALL_TYPES,
                )
            except TelegramError as error:
                failures += 1
                wait = (
                    retry_seconds(error)
                    if isinstance(error, RetryAfter)
                    else min(MAX_POLL_BACKOFF, 0.25 * 2 ** min(failures, 16))
                )
                log.warning("Telegram: getUpdates failed (%s); again in %.1f s", error, wait)
                await asyncio.sleep(wait)
                continue
            failures = 0
            self._confirmed = max(self._confirmed, self._offset)
            for update in updates:
                if not self._running:
                    break
                await self._take(update)
                self._offset = update.update_id + 1

    @property
    def _answered_key(self) -> str:
        assert self.application is not None
        return f"telegram:{self.application.bot.id}:answered_through"

    async def _take(self, update: Update) -> None:
        """Handle one update, once, and note when its reply went out.

        Updates come one at a time, in the order of their ids (polling: `_poll`; webhook: one
        connection, and the lock), and count as done for Telegram only when handled. So what
        was pending at the start may have been handled by the previous process: up to the
        saved `answered` mark it was answered too, and is dropped; above it, the app's record
        of changes keeps a change from being applied twice and answers it from the record.

        After an update whose reply went out, the mark is saved (one small write); updates
        that said nothing may be handled again harmlessly. Left open, inherently: a crash
        after a send and before that write shows the reply twice, as Telegram has no
        idempotent send."""
        assert self.app is not None
        async with self._one_at_a_time:
            now = self.app.clock.now()
            try:
                if self._taken is not None and self._taken.covers(update.update_id, now):
                    log.info("Telegram: update %s came again; dropped", update.update_id)
                    return
                self._taken = Mark(update.update_id, now)
                answered = (
                    update.update_id <= self.replayable_until
                    and self.answered is not None
                    and self.answered.covers(update.update_id, now)
                )
                if answered:
                    log.info("Telegram: update %s was answered before a restart", update.update_id)
                assert self.updates is not None
                if await self.updates.handle(update, answered):
                    await self._save_answered(Mark(update.update_id, now))
            except Exception:
                log.exception("Telegram: handling update %s failed", update.update_id)
            finally:
                self.last_update_id = max(self.last_update_id, update.update_id)
                self.update_handled.set()

    async def _save_answered(self, mark: Mark) -> None:
        assert self.app is not None
        async with self.app.uow_factory() as uow:
            await uow.state.put(self._answered_key, mark.encode())
            await uow.commit()
        self.answered = mark
