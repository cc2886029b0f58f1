"""Telegram <-> neutral, as pure functions: no network, no database, testable on their own.

Updates become neutral events; a neutral Reply becomes the messages and documents to send;
the router's metadata becomes the command menus.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

from telegram import (
    CallbackQuery,
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    User,
)

from bot.adapters.telegram.split import MAX_MESSAGE, split_html
from bot.core.events import Identity, JoinEvent, LeaveEvent, MessageEvent, RoomRef, Sender
from bot.core.render import render_html, render_plain
from bot.core.reply import Attachment, BulletList, Button, Mention, Reply
from bot.core.router import Command, Router
from bot.i18n import Catalog

PLATFORM = "telegram"
COMMAND_PREFIX = "/"
"""How commands are written in Telegram: in privacy mode a group bot receives only `/`."""
ANONYMOUS_ADMIN_ID = 1087968824
"""The placeholder user (GroupAnonymousBot) Telegram puts in `from` for anonymous admins."""

GROUP_TYPES = ("group", "supergroup")
_MENU_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_MENU_DESCRIPTION = 256
MAX_CALLBACK_DATA = 64
"""Telegram's limit for a button's callback data, in bytes."""
MAX_CALLBACK_ANSWER = 200


def room_of(chat_id: int) -> RoomRef:
    return RoomRef(PLATFORM, str(chat_id))


def identity_of(user: User) -> Identity:
    return Identity(PLATFORM, str(user.id))


def anonymous_admin_identity(chat_id: int) -> Identity:
    """One stable identity for "the group's anonymous administrators"."""
    return Identity(PLATFORM, f"anonymous-admin:{chat_id}")


def is_group(message: Message) -> bool:
    return message.chat.type in GROUP_TYPES


def is_anonymous_admin(message: Message) -> bool:
    """An administrator who posts as the group itself."""
    return message.sender_chat is not None and message.sender_chat.id == message.chat.id


def room_name(message: Message) -> str:
    chat = message.chat
    return chat.title or chat.full_name or str(chat.id)


def sender_of(
    message: Message, admin_ids: Iterable[int] | None, anonymous_name: str
) -> Sender | None:
    """Who wrote `message`; administrators of a group (or of a private chat) are room admins."""
    chat = message.chat
    if message.sender_chat is not None:
        if message.sender_chat.id == chat.id:
            return Sender(anonymous_admin_identity(chat.id), anonymous_name, is_room_admin=True)
        # a channel posting in the group: a speaker of its own, never an administrator
        channel = message.sender_chat
        return Sender(
            Identity(PLATFORM, f"chat:{channel.id}"), channel.title or str(channel.id), False
        )
    user = message.from_user
    if user is None:
        return None
    private = chat.type == "private"
    admin = private or (admin_ids is not None and user.id in set(admin_ids))
    unknown = not private and admin_ids is None
    return Sender(identity_of(user), user.full_name, is_room_admin=admin, admin_unknown=unknown)


def message_event(
    message: Message, admin_ids: Iterable[int] | None, anonymous_name: str
) -> MessageEvent | None:
    """A text message as a neutral event (commands and chat alike; the core tells them apart)."""
    if message.text is None:
        return None
    sender = sender_of(message, admin_ids, anonymous_name)
    if sender is None:
        return None
    return MessageEvent(room_of(message.chat.id), sender, message.text, room_name(message))


def looks_like_command(text: str | None) -> bool:
    return bool(text) and text is not None and text.lstrip()[:1] in ("/", "!")


# -- joins and leaves ------------------------------------------------------------------------

_PRESENT = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)
_ADMIN = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


def is_present(member: ChatMember) -> bool:
    if member.status in _PRESENT:
        return True
    return member.status == ChatMember.RESTRICTED and bool(getattr(member, "is_member", False))


def is_admin_status(member: ChatMember) -> bool:
    return member.status in _ADMIN


@dataclass(frozen=True)
class Presence:
    """Somebody (a person, not a bot) is now in a chat, or no longer."""

    chat_id: int
    user: User
    present: bool


def presence_from_message(message: Message) -> list[Presence]:
    """`new_chat_members` / `left_chat_member` service messages."""
    changes = [
        Presence(message.chat.id, user, True)
        for user in message.new_chat_members or ()
        if not user.is_bot
    ]
    left = message.left_chat_member
    if left is not None and not left.is_bot:
        changes.append(Presence(message.chat.id, left, False))
    return changes


def presence_from_chat_member(update: ChatMemberUpdated) -> Presence | None:
    """A `chat_member` update: only a change between in and out counts."""
    was = is_present(update.old_chat_member)
    now = is_present(update.new_chat_member)
    user = update.new_chat_member.user
    if was == now or user.is_bot:
        return None
    return Presence(update.chat.id, user, now)


class PresenceTracker:
    """Turns presence changes into join/leave events, each real change once.

    Telegram reports the same join as a service message and as a `chat_member` update; only
    the first of the two changes what we know, so only it becomes an event.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._known: OrderedDict[tuple[int, int], bool] = OrderedDict()

    def event(self, change: Presence) -> JoinEvent | LeaveEvent | None:
        key = (change.chat_id, change.user.id)
        before = self._known.get(key)
        self._known[key] = change.present
        self._known.move_to_end(key)
        while len(self._known) > self.capacity:
            self._known.popitem(last=False)
        if before is change.present:
            return None
        sender = Sender(identity_of(change.user), change.user.full_name)
        room = room_of(change.chat_id)
        return JoinEvent(room, sender) if change.present else LeaveEvent(room, sender)


# -- replies ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    html: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class DocumentPart:
    attachment: Attachment


OutgoingPart = TextPart | DocumentPart


def reply_html(reply: Reply) -> str:
    """The reply in Telegram's HTML parse mode; Telegram users mentioned become links."""
    names: dict[str, str] = {}
    for identity, name in _mentions(reply):
        if identity.platform == PLATFORM and identity.user_id.isdigit():
            names[f"{identity.platform}:{identity.user_id}"] = (
                f'<a href="tg://user?id={identity.user_id}">{escape(name, quote=False)}</a>'
            )
    return render_html(reply, line_break="\n", mention_html=names, prefix=COMMAND_PREFIX)


def _mentions(reply: Reply) -> list[tuple[Identity, str]]:
    found: list[tuple[Identity, str]] = []
    for block in reply.blocks:
        lines = block.items if isinstance(block, BulletList) else (block.spans,)
        for spans in lines:
            found.extend((s.identity, s.name) for s in spans if isinstance(s, Mention))
    return found


def keyboard(buttons: Iterable[Button]) -> InlineKeyboardMarkup | None:
    """The buttons in one row; pressing one sends its command back as a callback query.

    A command too long for Telegram's callback data gets no button: the text says what to type.
    """
    row = [
        InlineKeyboardButton(b.label, callback_data=b.command)
        for b in buttons
        if 0 < len(b.command.encode()) <= MAX_CALLBACK_DATA
    ]
    return InlineKeyboardMarkup([row]) if row else None


def outgoing(reply: Reply, limit: int = MAX_MESSAGE) -> list[OutgoingPart]:
    """What to send for a reply, in order: its text in parts (buttons on the last), then files."""
    texts = split_html(reply_html(reply), limit)
    markup = keyboard(reply.buttons)
    parts: list[OutgoingPart] = [
        TextPart(html, markup if index == len(texts) - 1 else None)
        for index, html in enumerate(texts)
    ]
    parts.extend(DocumentPart(a) for a in reply.attachments)
    return parts


def callback_answer(reply: Reply | None) -> str:
    """A reply short enough for the small notice `answerCallbackQuery` shows the presser."""
    text = " ".join(render_plain(reply, COMMAND_PREFIX).split()) if reply is not None else ""
    return _clip(text, MAX_CALLBACK_ANSWER)


# -- button presses ----------------------------------------------------------------------


def question_asker(message: Message) -> Identity | None:
    """Who the bot's question was put to: the author of the command it replies to, if known.

    A message in reply to a bot's message (a poll's result under the poll) asks nobody in
    particular: its buttons are for everyone the command allows."""
    asked = message.reply_to_message
    if asked is None:
        return None
    if is_anonymous_admin(asked):
        return anonymous_admin_identity(asked.chat.id)
    if asked.from_user is not None and asked.from_user.is_bot:
        return None
    return identity_of(asked.from_user) if asked.from_user is not None else None


def press_event(
    query: CallbackQuery, admin_ids: Iterable[int] | None, anonymous_name: str
) -> MessageEvent | None:
    """A button press as the command it carries, sent by the person who pressed it.

    An administrator pressing the answer to a question an anonymous administrator asked
    speaks as the group's anonymous administrators again, as they did when asking.
    """
    message = query.message
    data = query.data
    if not isinstance(message, Message) or not looks_like_command(data):
        return None
    assert data is not None
    presser = query.from_user
    chat = message.chat
    private = chat.type == "private"
    admin = private or (admin_ids is not None and presser.id in set(admin_ids))
    room = room_of(chat.id)
    if admin and question_asker(message) == anonymous_admin_identity(chat.id):
        sender = Sender(anonymous_admin_identity(chat.id), anonymous_name, is_room_admin=True)
    else:
        unknown = not private and admin_ids is None
        sender = Sender(identity_of(presser), presser.full_name, admin, admin_unknown=unknown)
    return MessageEvent(room, sender, data, room_name(message))


# -- command menus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    command: str
    description: str


@dataclass(frozen=True)
class Menu:
    """One `setMyCommands` call: a scope ("default" or "all_chat_administrators")."""

    scope: str
    language_code: str
    entries: tuple[MenuEntry, ...]


def _clip(text: str, limit: int = MAX_MENU_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _help(catalog: Catalog, lang: str, command: Command) -> str:
    """The command's help line; a command without one still gets its menu entry."""
    try:
        return catalog.text(lang, f"{command.key}.help")
    except KeyError:
        return command.invocation(lang == "de")


def _family_entry(family: list[Command], lang: str, catalog: Catalog) -> MenuEntry | None:
    first = family[0]
    name = first.alias if lang == "de" else first.name
    if not _MENU_NAME.match(name):
        name = first.name
    if not _MENU_NAME.match(name):
        return None
    base = next((c for c in family if c.sub is None), None)
    if base is not None:
        description = _help(catalog, lang, base)
    else:
        description = "; ".join(
            f"{(c.sub_alias if lang == 'de' else c.sub) or c.sub}: " + _help(catalog, lang, c)
            for c in family
        )
    return MenuEntry(name, _clip(description.strip() or name))


def command_menus(router: Router, catalog: Catalog, default_language: str = "de") -> list[Menu]:
    """Everybody's commands for all chats; the full list for chat administrators.

    Each in German and English, and once without a language for everybody else (in the
    bot's default language).
    """
    families: dict[str, list[Command]] = {}
    for command in router.commands:
        if not command.hidden:
            families.setdefault(command.name, []).append(command)
    menus: list[Menu] = []
    for language_code, lang in (("", default_language), ("de", "de"), ("en", "en")):
        everyone: list[MenuEntry] = []
        admins: list[MenuEntry] = []
        for family in families.values():
            entry = _family_entry(family, lang, catalog)
            if entry is None:
                continue
            admins.append(entry)
            if any(not c.permission.coordinators_only for c in family):
                everyone.append(entry)
        menus.append(Menu("default", language_code, tuple(everyone)))
        menus.append(Menu("all_chat_administrators", language_code, tuple(admins)))
    return menus
