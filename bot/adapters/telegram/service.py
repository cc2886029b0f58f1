"""The Telegram connection: python-telegram-bot started by hand inside our event loop.

Updates go through the pure translation in `translate`, into `App.handle`; the direct reply
goes back through the messenger. Besides translating, the adapter only asks Telegram what the
core needs to know: who administers a group (cached), and whether the bot itself can see
joins and leaves.
"""

from __future__ import annotations

import asyncio
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
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapters.telegram.messenger import TelegramMessenger
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
from bot.services import partnerships

log = logging.getLogger(__name__)

_E = TypeVar("_E", bound=Event)

ADMINS_STALE_AFTER = timedelta(minutes=10)
DEFAULT_API = "https://api.telegram.org"
MAX_REPLY_WAIT = 10.0
"""Longer flood waits are not waited out for a direct reply (it would hold up every chat)."""
WEBHOOK_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


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
        self.update_handled = asyncio.Event()
        self.webhook_port: int | None = None
        self._webhook_runner: Any = None
        self._running = False

    @property
    def messenger(self) -> TelegramMessenger:
        return self._messenger

    def connected(self) -> bool:
        if not self._running or self.application is None:
            return False
        if self.section.mode == "webhook":
            return self._webhook_runner is not None
        updater = self.application.updater
        return updater is not None and updater.running

    # -- lifecycle ------------------------------------------------------------------------

    def _build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        builder = ApplicationBuilder().token(self.section.token.reveal())
        base = (self.section.base_url or DEFAULT_API).rstrip("/")
        builder = builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
        builder = builder.get_updates_read_timeout(self.poll_timeout + 10)
        if self.section.mode == "webhook":
            builder = builder.updater(None)
        return builder.build()

    async def start(self, app: App) -> None:
        # httpx logs every request URL at INFO, and Bot API URLs contain the token
        logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
        self.app = app
        application = self._build()
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)
        await application.initialize()
        self.application = application
        bot = application.bot
        self._messenger.bot = bot
        if bot.username:
            app.config.bot_names.add(bot.username)
        await self.publish_menus()
        await application.start()
        if self.section.mode == "webhook":
            await self._start_webhook()
        else:
            assert application.updater is not None
            pending = await bot.get_updates(timeout=0, allowed_updates=Update.ALL_TYPES)
            self.replayable_until = max((u.update_id for u in pending), default=0)
            await application.updater.start_polling(
                timeout=int(self.poll_timeout), allowed_updates=Update.ALL_TYPES
            )
        self._running = True
        log.info("Telegram: connected as @%s (%s)", bot.username, self.section.mode)

    async def stop(self) -> None:
        self._running = False
        application = self.application
        if application is None:
            return
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if self._webhook_runner is not None:
            await self._webhook_runner.cleanup()
            self._webhook_runner = None
        if application.running:
            await application.stop()
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
            await application.update_queue.put(update)
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
        await application.bot.set_webhook(
            self.section.webhook_url, allowed_updates=Update.ALL_TYPES, secret_token=secret
        )

    # -- updates ----------------------------------------------------------------------------

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("Telegram: handling an update failed", exc_info=context.error)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        try:
            await self.handle_update(update)
        finally:
            self.last_update_id = max(self.last_update_id, update.update_id)
            self.update_handled.set()

    async def handle_update(self, update: Update) -> None:
        assert self.app is not None
        if update.chat_member is not None:
            change = update.chat_member
            self.admins.forget(change.chat.id)
            presence = presence_from_chat_member(change)
            if presence is not None:
                await self._dispatch(self._stamped(self.presence.event(presence), update))
            return
        if update.my_chat_member is not None:
            change = update.my_chat_member
            self.admins.forget(change.chat.id)
            demoted = is_admin_status(change.old_chat_member) and is_present(change.new_chat_member)
            if demoted and not is_admin_status(change.new_chat_member):
                await self._warn_not_admin(change.chat.id)
            return
        if update.callback_query is not None:
            await self._on_press(update.callback_query, update)
            return
        message = update.message
        if message is None:
            return
        if message.migrate_to_chat_id is not None:
            await self._migrated(message.chat.id, message.migrate_to_chat_id)
            return
        if message.migrate_from_chat_id is not None:
            await self._migrated(message.migrate_from_chat_id, message.chat.id)
            return
        for presence in presence_from_message(message):
            event = self.presence.event(presence)
            await self._dispatch(self._stamped(event, update, f":{presence.user.id}"))
        if message.text is not None:
            await self._on_text(message, update)

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

    async def _dispatch(self, event: Event | None) -> None:
        if event is not None and self.app is not None:
            await self.app.handle(event)

    def _stamped(self, event: _E | None, update: Update, part: str = "") -> _E | None:
        """The event with the update's id (`part` tells apart several events of one update)."""
        if event is None:
            return None
        replayed = update.update_id <= self.replayable_until
        return replace(event, event_id=f"{update.update_id}{part}", maybe_replayed=replayed)

    async def _on_text(self, message: Message, update: Update) -> None:
        assert self.app is not None
        admin_ids: frozenset[int] | None = None
        command = looks_like_command(message.text)
        if command and is_group(message):
            admin_ids = await self.chat_admins(message.chat.id)
        event = self._stamped(
            message_event(message, admin_ids, self._anonymous_name(message)), update
        )
        if event is None:
            return
        links_room = command and self._links_room(event)
        linked_before = links_room and await self._linked(event)
        reply = await self.app.handle(event)
        if reply is None:
            return
        if links_room and not linked_before and is_group(message):
            reply = await self._with_rights_warning(event, reply)
        await self._reply(event, reply, message.message_id)

    async def _on_press(self, query: CallbackQuery, update: Update) -> None:
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
            admin_ids = await self.chat_admins(message.chat.id) if is_group(message) else None
            event = self._stamped(
                press_event(query, admin_ids, self._anonymous_name(message)), update
            )
        if event is None or not isinstance(message, Message):
            await self._answer_press(query, None)
            return
        reply = await self.app.handle(event)
        asker = question_asker(message)
        if asker is not None and asker != event.sender.identity:
            await self._answer_press(query, callback_answer(reply))
            return
        await self._answer_press(query, None)
        try:
            await bot.edit_message_reply_markup(message.chat.id, message.message_id)
        except TelegramError as error:
            log.info("Telegram: could not remove the buttons of a question: %s", error)
        if reply is not None:
            await self._reply(event, reply, message.message_id)

    async def _answer_press(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await query.answer(text or None)
        except TelegramError as error:
            log.info("Telegram: could not answer a button press: %s", error)

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
            _, partnership = await partnerships.of_room(uow, event.room)
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

    async def _warn_not_admin(self, chat_id: int) -> None:
        """The bot lost its administrator rights in a linked group: say what that costs."""
        assert self.app is not None
        async with self.app.uow_factory() as uow:
            _, partnership = await partnerships.of_room(uow, room_of(chat_id))
        if partnership is None:
            return
        lang = partnership.language
        warning = Reply.of(
            self.app.catalog.para(lang, "telegram.not_admin"),
            self.app.catalog.para(lang, "telegram.not_admin.how"),
        )
        try:
            await self._messenger.deliver(room_of(chat_id), warning, f"demoted:{chat_id}")
        except DeliveryError as error:
            log.warning("Telegram: could not warn group %s: %s", chat_id, error)

    async def _reply(self, event: MessageEvent, reply: Reply, reply_to: int) -> None:
        """The direct answer; a short flood wait is waited out here, once or twice."""
        txn_id = f"direct:{event.room.room_id}:{reply_to}"
        for _attempt in range(3):
            try:
                await self._messenger.deliver(event.room, reply, txn_id, reply_to=reply_to)
                return
            except DeliveryError as error:
                wait = error.retry_after
                if error.permanent or wait is None or wait > MAX_REPLY_WAIT:
                    log.warning("Telegram: reply to %s failed: %s", event.room.room_id, error)
                    return
                log.info("Telegram: asked to wait %ss before replying", wait)
                await asyncio.sleep(wait)
        log.warning("Telegram: gave up replying to %s", event.room.room_id)
