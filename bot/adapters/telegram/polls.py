"""Telegram polls <-> the bot's polls, as pure functions: `sendPoll`'s limits, and
`poll_answer` updates as votes.

Telegram's limits (python-telegram-bot's `PollLimit`, Bot API 10.0: a question of at most
300 characters, 1-12 options of at most 100): a longer question or answer is shortened at a
word with "…", and the full text goes out as a message beside the poll. A poll with fewer
than two answers (no choice) or more than Telegram takes goes out as its text alone.
Votes name options by position; the positions are the bot's answer keys in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import PollAnswer
from telegram.constants import PollLimit

from bot.adapters.telegram.translate import anonymous_admin_identity, identity_of
from bot.core.events import Identity, PollVote, Sender
from bot.core.poll_messages import PollFit, PollMessage
from bot.core.reply import Poll

MIN_ANSWERS = max(2, int(PollLimit.MIN_OPTION_NUMBER))
"""A poll offers a choice."""
MAX_ANSWERS = int(PollLimit.MAX_OPTION_NUMBER)
MAX_QUESTION = int(PollLimit.MAX_QUESTION_LENGTH)
MAX_OPTION = int(PollLimit.MAX_OPTION_LENGTH)


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where one is near, marked with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 2 // 3:
        head = head[:space]
    return head.rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class TelegramPoll:
    question: str
    options: tuple[str, ...]
    cut: bool
    """Something was shortened: the full text goes out as a message too."""


def telegram_poll(poll: Poll) -> TelegramPoll | None:
    """The poll as `sendPoll` takes it; None if Telegram cannot show it."""
    if not MIN_ANSWERS <= len(poll.answers) <= MAX_ANSWERS:
        return None
    question = clip(poll.question, MAX_QUESTION)
    options = [clip(a.text, MAX_OPTION) for a in poll.answers]
    if len(set(options)) < len(options):
        # shortened alike: the number tells them apart (Telegram refuses equal options)
        options = [clip(f"{n}. {a.text}", MAX_OPTION) for n, a in enumerate(poll.answers, 1)]
    cut = question != poll.question or any(
        o != a.text for o, a in zip(options, poll.answers, strict=True)
    )
    return TelegramPoll(question, tuple(options), cut)


def poll_fit(poll: Poll) -> PollFit:
    shape = telegram_poll(poll)
    if shape is None:
        return "none"
    return "cut" if shape.cut else "whole"


def vote_of(answer: PollAnswer, posted: PollMessage, anonymous_name: str) -> PollVote | None:
    """A `poll_answer` as a vote in the poll's room; no options: the vote was withdrawn.

    An anonymous administrator votes as the group (`voter_chat`), like they write."""
    chat = answer.voter_chat
    if chat is not None:
        if str(chat.id) == posted.room.room_id:
            sender = Sender(anonymous_admin_identity(chat.id), anonymous_name, is_room_admin=True)
        else:
            sender = Sender(Identity("telegram", f"chat:{chat.id}"), chat.title or str(chat.id))
    elif answer.user is not None:
        sender = Sender(identity_of(answer.user), answer.user.full_name)
    else:
        return None
    keys = posted.answer_keys
    chosen = tuple(keys[i] for i in sorted(set(answer.option_ids)) if 0 <= i < len(keys))
    return PollVote(posted.room, sender, posted.poll_key, chosen)
