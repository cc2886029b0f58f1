"""The Telegram connection: python-telegram-bot started by hand inside our event loop.

Updates go through the pure translation in `translate`, into `App.handle`; the direct reply
goes back through the messenger. Besides translating, the adapter only asks Telegram what the
core needs to know: who administers a group (cached), and whether the bot itself can see
joins and leaves.

An update is done for Telegram only once it was handled and answered (see `_take`): nothing
is lost in a crash, and nothing answered is answered again after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeDefault,
    CallbackQuery,
    Message,
    Update,
)
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.adapters.telegram.messenger import TelegramMessenger, retry_seconds
from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.translate import (
    PLATFORM,
    PresenceTracker,
    callback_answer,
    command_menus,
    is_admin_status,
    is_group,
    is_present,
    looks_like_command,
    message_event,
    presence_from_chat_member,
    presence_from_message,
    press_event,
    question_asker,
    room_of,
)
from bot.app import App
from bot.config import TelegramSection
from bot.core.events import Event, MessageEvent
from bot.core.messenger import DeliveryError
from bot.core.reply import Reply
from bot.core.router import parse_command_line
from bot.usecases.partnership import of_room

log = logging.getLogger(__name__)

_E = TypeVar("_E", bound=Event)

ADMINS_STALE_AFTER = timedelta(minutes=10)
DEFAULT_API = "https://api.telegram.org"
MAX_REPLY_WAIT = 10.0
"""Longer flood waits are not waited out for a direct reply (it would hold up every chat)."""
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_POLL_BACKOFF = 30.0
MARK_TRUSTED_FOR = timedelta(hours=24)
"""Telegram keeps an update at most a day, so an older mark covers nothing still pending; and
after a week without updates Telegram may start the ids anew, below the mark."""


@dataclass(frozen=True)
class Mark:
    """An update id and when it was taken: the newest update handled (or answered) so far."""

    update_id: int
    at: datetime

    def covers(self, update_id: int, now: datetime) -> bool:
        return update_id <= self.update_id and now - self.at < MARK_TRUSTED_FOR

    def encode(self) -> str:
        return f"{self.update_id} {self.at.isoformat()}"

    @classmethod
    def decode(cls, value: str) -> Mark | None:
        """None for anything but what `encode` writes."""
        number, _, at = value.partition(" ")
        try:
            mark = cls(int(number), datetime.fromisoformat(at))
        except ValueError:
            return None
        return mark if mark.at.tzinfo is not None else None


@dataclass
class _Admins:
    ids: frozenset[int]
    fetched_at: datetime


class AdminCache:
    """Group administrators per chat, trusted for a while or until a member changes."""

    def __init__(self, stale_after: timedelta = ADMINS_STALE_AFTER) -> None:
        self.stale_after = stale_after
        self._entries: dict[int, _Admins] = {}

    def get(self, chat_id: int, now: datetime) -> frozenset[int] | None:
        entry = self._entries.get(chat_id)
        if entry is None or now - entry.fetched_at >= self.stale_after:
            return None
        return entry.ids

    def put(self, chat_id: int, ids: frozenset[int], now: datetime) -> None:
        self._entries[chat_id] = _Admins(ids, now)

    def forget(self, chat_id: int) -> None:
        self._entries.pop(chat_id, None)


class TelegramService:
    platform = PLATFORM

    def __init__(
        self,
        section: TelegramSection,
        data_dir: Path,
        *,
        pacer: Pacer | None = None,
        poll_timeout: float = 30.0,
    ) -> None:
        self.section = section
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
        # httpx logs every request URL at INFO, and Bot API URLs contain the token
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
        self.app = app
        application = self._build()
        await application.initialize()
        self.application = application
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
        self._running = True
        if self.section.mode == "webhook":
            await self._start_webhook()
        else:
            self._poller = asyncio.create_task(self._poll(), name="telegram polling")
        log.info("Telegram: connected as @%s (%s)", bot.username, self.section.mode)

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
                if await self.handle_update(update, answered):
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

    async def handle_update(self, update: Update, answered: bool = False) -> bool:
        """Whether anything was said in reply. An update `answered` before a restart is only
        reported to the app, to be counted."""
        assert self.app is not None
        if update.chat_member is not None:
            change = update.chat_member
            self.admins.forget(change.chat.id)
            presence = presence_from_chat_member(change)
            if presence is not None:
                await self._dispatch(self._stamped(self.presence.event(presence), update), answered)
            return False
        if update.my_chat_member is not None:
            change = update.my_chat_member
            self.admins.forget(change.chat.id)
            demoted = is_admin_status(change.old_chat_member) and is_present(change.new_chat_member)
            if demoted and not is_admin_status(change.new_chat_member) and not answered:
                return await self._warn_not_admin(change.chat.id)
            return False
        if update.callback_query is not None:
            return await self._on_press(update.callback_query, update, answered)
        message = update.message
        if message is None:
            return False
        if message.migrate_to_chat_id is not None:
            await self._migrated(message.chat.id, message.migrate_to_chat_id)
            return False
        if message.migrate_from_chat_id is not None:
            await self._migrated(message.migrate_from_chat_id, message.chat.id)
            return False
        for presence in presence_from_message(message):
            event = self.presence.event(presence)
            await self._dispatch(self._stamped(event, update, f":{presence.user.id}"), answered)
        if message.text is not None:
            return await self._on_text(message, update, answered)
        return False

    async def _migrated(self, old: int, new: int) -> None:
        """A group became a supergroup with a new id: the room keeps its link under the new id.

        Telegram says so twice (in the old group and in the new one); the second is a no-op.
        """
        assert self.app is not None
        self._messenger.moved[old] = new
        self.admins.forget(old)
        async with self.app.uow_factory() as uow:
            room = await uow.rooms.find(room_of(old))
            if room is None or await uow.rooms.find(room_of(new)) is not None:
                return
            await uow.rooms.rekey(room.id, room_of(new))
            await uow.commit()
        log.info("Telegram: group %s is now supergroup %s; its link moved along", old, new)

    async def _dispatch(self, event: Event | None, answered: bool) -> None:
        if event is None or self.app is None:
            return
        if answered:
            await self.app.replayed(event)
        else:
            await self.app.handle(event)

    def _stamped(self, event: _E | None, update: Update, part: str = "") -> _E | None:
        """The event with the update's id (`part` tells apart several events of one update)."""
        if event is None:
            return None
        replayed = update.update_id <= self.replayable_until
        return replace(event, event_id=f"{update.update_id}{part}", maybe_replayed=replayed)

    async def _on_text(self, message: Message, update: Update, answered: bool) -> bool:
        assert self.app is not None
        admin_ids: frozenset[int] | None = None
        command = looks_like_command(message.text)
        if command and is_group(message) and not answered:
            admin_ids = await self.chat_admins(message.chat.id)
        event = self._stamped(
            message_event(message, admin_ids, self._anonymous_name(message)), update
        )
        if event is None:
            return False
        if answered:
            await self.app.replayed(event)
            return False
        links_room = command and self._links_room(event)
        linked_before = links_room and await self._linked(event)
        reply = await self.app.handle(event)
        if reply is None:
            return False
        if links_room and not linked_before and is_group(message):
            reply = await self._with_rights_warning(event, reply)
        return await self._reply(event, reply, message.message_id)

    async def _on_press(self, query: CallbackQuery, update: Update, answered: bool) -> bool:
        """A button under a question: the core decides, as if the presser had typed it.

        Telegram wants every press answered. The asker's answer goes into the chat under the
        question, whose buttons then go away; anyone else only gets the reason as a notice,
        so the group is not filled with refusals and the asker can still press.
        """
        assert self.app is not None and self.application is not None
        bot = self.application.bot
        message = query.message
        event = None
        if isinstance(message, Message):
            admin_ids = None
            if is_group(message) and not answered:
                admin_ids = await self.chat_admins(message.chat.id)
            event = self._stamped(
                press_event(query, admin_ids, self._anonymous_name(message)), update
            )
        if answered:
            if event is not None:
                await self.app.replayed(event)
            return False
        if event is None or not isinstance(message, Message):
            await self._answer_press(query, None)
            return False
        reply = await self.app.handle(event)
        asker = question_asker(message)
        if asker is not None and asker != event.sender.identity:
            return await self._answer_press(query, callback_answer(reply))
        await self._answer_press(query, None)
        try:
            await bot.edit_message_reply_markup(message.chat.id, message.message_id)
        except TelegramError as error:
            log.info("Telegram: could not remove the buttons of a question: %s", error)
        if reply is None:
            return False
        return await self._reply(event, reply, message.message_id)

    async def _answer_press(self, query: CallbackQuery, text: str | None) -> bool:
        """Whether a notice was shown (an empty answer only stops the button's spinner)."""
        try:
            await query.answer(text or None)
        except TelegramError as error:
            log.info("Telegram: could not answer a button press: %s", error)
            return False
        return bool(text)

    def _anonymous_name(self, message: Message) -> str:
        assert self.app is not None
        return self.app.catalog.text(
            self.app.config.default_language,
            "telegram.anonymous_admin",
            group=message.chat.title or str(message.chat.id),
        )

    async def chat_admins(self, chat_id: int) -> frozenset[int] | None:
        """The group's creator and administrators; None if Telegram would not say."""
        assert self.app is not None and self.application is not None
        now = self.app.clock.now()
        cached = self.admins.get(chat_id, now)
        if cached is not None:
            return cached
        try:
            members = await self.application.bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            log.warning("Telegram: no administrators for chat %s: %s", chat_id, error)
            return None
        ids = frozenset(m.user.id for m in members if is_admin_status(m))
        self.admins.put(chat_id, ids, now)
        return ids

    # -- /setup and /link: does the bot see joins and leaves? -------------------------------

    def _links_room(self, event: MessageEvent) -> bool:
        assert self.app is not None
        parsed = parse_command_line(event.text)
        if parsed is None:
            return False
        return any(c.name in ("setup", "link") for c in self.app.router.family(parsed.word))

    async def _linked(self, event: MessageEvent) -> bool:
        assert self.app is not None
        async with self.app.uow_factory() as uow:
            return await uow.rooms.find(event.room) is not None

    async def _with_rights_warning(self, event: MessageEvent, reply: Reply) -> Reply:
        """After a room was linked: warn if the bot is no administrator of the group."""
        assert self.app is not None and self.application is not None
        async with self.app.uow_factory() as uow:
            _, partnership = await of_room(uow, event.room)
        if partnership is None:
            return reply
        bot = self.application.bot
        try:
            me = await bot.get_chat_member(int(event.room.room_id), bot.id)
        except TelegramError as error:
            log.warning("Telegram: cannot check my own rights: %s", error)
            return reply
        if is_admin_status(me):
            return reply
        lang = partnership.language
        warning = (
            self.app.catalog.para(lang, "telegram.not_admin"),
            self.app.catalog.para(lang, "telegram.not_admin.how"),
        )
        return Reply((*reply.blocks, *warning), reply.attachments)

    async def _warn_not_admin(self, chat_id: int) -> bool:
        """The bot lost its administrator rights in a linked group: say what that costs."""
        assert self.app is not None
        async with self.app.uow_factory() as uow:
            _, partnership = await of_room(uow, room_of(chat_id))
        if partnership is None:
            return False
        lang = partnership.language
        warning = Reply.of(
            self.app.catalog.para(lang, "telegram.not_admin"),
            self.app.catalog.para(lang, "telegram.not_admin.how"),
        )
        try:
            await self._messenger.deliver(room_of(chat_id), warning, f"demoted:{chat_id}")
        except DeliveryError as error:
            log.warning("Telegram: could not warn group %s: %s", chat_id, error)
            return False
        return True

    async def _reply(self, event: MessageEvent, reply: Reply, reply_to: int) -> bool:
        """The direct answer, and whether it went out; a short flood wait is waited out here,
        once or twice."""
        txn_id = f"direct:{event.room.room_id}:{reply_to}"
        for _attempt in range(3):
            try:
                await self._messenger.deliver(event.room, reply, txn_id, reply_to=reply_to)
                return True
            except DeliveryError as error:
                wait = error.retry_after
                if error.permanent or wait is None or wait > MAX_REPLY_WAIT:
                    log.warning("Telegram: reply to %s failed: %s", event.room.room_id, error)
                    return False
                log.info("Telegram: asked to wait %ss before replying", wait)
                await asyncio.sleep(wait)
        log.warning("Telegram: gave up replying to %s", event.room.room_id)
        return False
