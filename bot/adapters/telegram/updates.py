"""One Telegram update into the core: translated (`translate`) and handed to `App.handle`,
which writes the direct reply to the outbox (sent from there, quoting the command).
Besides translating, this only asks Telegram what the core needs to know: who administers
a group (cached), and whether the bot itself can see joins and leaves (after /setup or
/link, and when it loses its rights)."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from telegram import Bot, CallbackQuery, Message, PollAnswer, Update
from telegram.error import TelegramError

from bot.adapters.telegram.marks import AdminCache
from bot.adapters.telegram.messenger import TelegramMessenger
from bot.adapters.telegram.polls import vote_of
from bot.adapters.telegram.translate import (
    PresenceTracker,
    callback_answer,
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
from bot.core.events import Event, MessageEvent
from bot.core.reply import Reply
from bot.poll_book import PollBook

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

_E = TypeVar("_E", bound=Event)


class Updates:
    """Handles the updates of one connection."""

    def __init__(
        self,
        app: App,
        bot: Bot,
        messenger: TelegramMessenger,
        admins: AdminCache,
        presence: PresenceTracker,
        replayable_until: int,
    ) -> None:
        self.app = app
        self.bot = bot
        self.messenger = messenger
        self.admins = admins
        self.presence = presence
        self.replayable_until = replayable_until
        """Updates up to this id were pending at the start (see `TelegramService`)."""
        self.polls = PollBook(app.uow_factory)

    async def handle(self, update: Update, answered: bool = False) -> bool:
        """Whether anything was said in reply (written to the outbox). An update `answered`
        before a restart is only reported to the app, to be counted."""
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
        if update.poll_answer is not None:
            await self._on_vote(update.poll_answer, update, answered)
            return False
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
        self.messenger.moved[old] = new
        self.admins.forget(old)
        if await self.app.room_moved(room_of(old), room_of(new)):
            log.info("Telegram: group %s is now supergroup %s; its link moved along", old, new)

    async def _dispatch(self, event: Event | None, answered: bool) -> None:
        if event is None:
            return
        if answered:
            await self.app.replayed(event)
        else:
            await self.app.handle(event)

    def _stamped(self, event: _E | None, update: Update, part: str = "") -> _E | None:
        """The event with the update's id (`part` tells apart several events of one update)
        and its date: Telegram may start its ids anew after a quiet week, and a record of
        the old id must not make a new update look like a replay."""
        if event is None:
            return None
        replayed = update.update_id <= self.replayable_until
        when = _date(update)
        stamp = f"{update.update_id}{part}" + (f"@{when}" if when is not None else "")
        return replace(event, event_id=stamp, maybe_replayed=replayed)

    async def _on_text(self, message: Message, update: Update, answered: bool) -> bool:
        admin_ids: frozenset[int] | None = None
        command = looks_like_command(message.text)
        if command and is_group(message) and not answered:
            asking = message.from_user.id if message.from_user else None
            admin_ids = await self.chat_admins(message.chat.id, asking)
        event = self._stamped(
            message_event(message, admin_ids, self._anonymous_name(message)), update
        )
        if event is None:
            return False
        if answered:
            await self.app.replayed(event)
            return False
        links_room = command and self.app.links_room(event)
        linked_before = links_room and await self.app.room_language(event.room) is not None
        reply = await self.app.handle(event, answers=str(message.message_id))
        if reply is None:
            return False
        if links_room and not linked_before and is_group(message):
            await self._warn_if_no_rights(event)
        return True

    async def _on_press(self, query: CallbackQuery, update: Update, answered: bool) -> bool:
        """A button under a question or an announcement: the core decides, as if the presser
        had typed it.

        Telegram wants every press answered. The asker's answer goes into the chat under the
        question, whose buttons then go away; anyone else only gets the reason as a notice,
        so the group is not filled with refusals and the asker can still press. Buttons under
        an announcement (no question: it answers no command) stay for everyone; each press is
        answered with a notice to the presser.
        """
        message = query.message
        event = None
        if isinstance(message, Message):
            admin_ids = None
            if is_group(message) and not answered:
                admin_ids = await self.chat_admins(message.chat.id, query.from_user.id)
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
        asker = question_asker(message)
        if asker is None or asker != event.sender.identity:
            # a button under an announcement (answering an invitation) is everyone's: it
            # stays, and each presser gets the answer as a notice, not the whole group
            reply = await self.app.handle(event, deliver=False)
            return await self._answer_press(query, callback_answer(reply))
        reply = await self.app.handle(event, answers=str(message.message_id))
        await self._answer_press(query, None)
        try:
            await self.bot.edit_message_reply_markup(message.chat.id, message.message_id)
        except TelegramError as error:
            log.info("Telegram: could not remove the buttons of a question: %s", error)
        return reply is not None

    async def _on_vote(self, answer: PollAnswer, update: Update, answered: bool) -> None:
        """A vote in one of the bot's polls (Telegram sends none for others' polls); one
        the bot does not know (posted before its database was reset) is ignored."""
        posted = await self.polls.find("telegram", answer.poll_id)
        if posted is None:
            log.info("Telegram: a vote in poll %s, which is not ours; ignored", answer.poll_id)
            return
        group = answer.voter_chat.title if answer.voter_chat is not None else None
        name = self.app.catalog.text(
            self.app.config.default_language,
            "telegram.anonymous_admin",
            group=group or posted.room.room_id,
        )
        await self._dispatch(self._stamped(vote_of(answer, posted, name), update), answered)

    async def _answer_press(self, query: CallbackQuery, text: str | None) -> bool:
        """Whether a notice was shown (an empty answer only stops the button's spinner)."""
        try:
            await query.answer(text or None)
        except TelegramError as error:
            log.info("Telegram: could not answer a button press: %s", error)
            return False
        return bool(text)

    def _anonymous_name(self, message: Message) -> str:
        return self.app.catalog.text(
            self.app.config.default_language,
            "telegram.anonymous_admin",
            group=message.chat.title or str(message.chat.id),
        )

    async def chat_admins(self, chat_id: int, asking: int | None = None) -> frozenset[int] | None:
        """The group's creator and administrators; None if Telegram would not say.

        When the list fails, `asking` (the user whose command it is) is looked up alone, so
        the creator can still found a partnership; None only when that fails too."""
        now = self.app.clock.now()
        cached = self.admins.get(chat_id, now)
        if cached is not None:
            return cached
        try:
            members = await self.bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            log.warning("Telegram: no administrators for chat %s: %s", chat_id, error)
            return await self._one_admin(chat_id, asking)
        ids = frozenset(m.user.id for m in members if is_admin_status(m))
        self.admins.put(chat_id, ids, now)
        return ids

    async def _one_admin(self, chat_id: int, user_id: int | None) -> frozenset[int] | None:
        """{user_id} if they administer the group, {} if not, None if Telegram will not say."""
        if user_id is None:
            return None
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramError as error:
            log.warning("Telegram: no status of user %s in chat %s: %s", user_id, chat_id, error)
            return None
        return frozenset({user_id}) if is_admin_status(member) else frozenset()

    # -- /setup and /link: does the bot see joins and leaves? -------------------------------

    def _not_admin(self, lang: str) -> Reply:
        return Reply.of(
            self.app.catalog.para(lang, "telegram.not_admin"),
            self.app.catalog.para(lang, "telegram.not_admin.how"),
        )

    async def _warn_if_no_rights(self, event: MessageEvent) -> None:
        """After a room was linked: warn (after the reply) if the bot is no administrator of
        the group."""
        lang = await self.app.room_language(event.room)
        if lang is None:
            return
        try:
            me = await self.bot.get_chat_member(int(event.room.room_id), self.bot.id)
        except TelegramError as error:
            log.warning("Telegram: cannot check my own rights: %s", error)
            return
        if not is_admin_status(me):
            await self.app.say(event.room, self._not_admin(lang))

    async def _warn_not_admin(self, chat_id: int) -> bool:
        """The bot lost its administrator rights in a linked group: say what that costs."""
        lang = await self.app.room_language(room_of(chat_id))
        if lang is None:
            return False
        await self.app.say(room_of(chat_id), self._not_admin(lang))
        return True


def _date(update: Update) -> int | None:
    """When the update happened (seconds), if it says."""
    for source in (update.effective_message, update.chat_member, update.my_chat_member):
        date = getattr(source, "date", None)
        if date is not None:
            return int(date.timestamp())
    return None
