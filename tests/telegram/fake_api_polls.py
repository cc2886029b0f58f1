"""The fake Bot API's polls: `sendPoll`, `stopPoll`, and people voting (`poll_answer`).

As Telegram (Bot API 10.0, which python-telegram-bot 22.8 speaks): a question of 1-300
characters, 1-12 options of 1-100 characters each; `poll_answer` updates only for the
bot's own non-anonymous polls (and only when asked for in `allowed_updates`, see
`getUpdates`); a `poll` update with the new counts for the bot's polls; an empty
`option_ids` is a withdrawn vote; a closed poll takes no votes.
"""

from __future__ import annotations

from typing import Any

from tests.telegram.fake_api_model import BOT_ID, ApiError, Chat

MAX_QUESTION = 300
MAX_OPTION = 100
MIN_OPTIONS = 1
MAX_OPTIONS = 12


class PollMethods:
    """A mixin of `FakeBotAPI`."""

    polls: dict[str, dict[str, Any]]
    """Poll id -> the poll as Telegram shows it now."""
    votes: dict[tuple[str, int], list[int]]
    messages: dict[tuple[int, int], dict[str, Any]]
    me: dict[str, Any]

    def _chat_for_bot(self, chat_id: Any) -> Chat: ...
    def _message(self, chat: Chat, sender: dict[str, Any], **fields: Any) -> dict[str, Any]: ...
    async def push(self, kind: str, payload: dict[str, Any]) -> int: ...
    def _reply_fields(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any]: ...

    def api_sendPoll(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        question = str(params.get("question") or "")
        if not question.strip():
            raise ApiError(400, "Bad Request: poll question must be non-empty")
        if len(question) > MAX_QUESTION:
            raise ApiError(400, f"Bad Request: poll question length must not exceed {MAX_QUESTION}")
        raw = params.get("options")
        if not isinstance(raw, list):
            raise ApiError(400, "Bad Request: can't parse options JSON object")
        texts = [str(o.get("text", "")) if isinstance(o, dict) else str(o) for o in raw]
        if len(texts) < MIN_OPTIONS:
            raise ApiError(400, f"Bad Request: poll must have at least {MIN_OPTIONS} option")
        if len(texts) > MAX_OPTIONS:
            raise ApiError(400, f"Bad Request: poll can't have more than {MAX_OPTIONS} options")
        if any(not t.strip() for t in texts):
            raise ApiError(400, "Bad Request: poll options must be non-empty")
        if any(len(t) > MAX_OPTION for t in texts):
            raise ApiError(400, f"Bad Request: poll options length must not exceed {MAX_OPTION}")
        if len(set(texts)) != len(texts):
            raise ApiError(400, "Bad Request: POLL_OPTION_DUPLICATE")
        anonymous = params.get("is_anonymous", True) is not False
        if anonymous and chat.type == "channel":
            raise ApiError(400, "Bad Request: non-anonymous polls can't be sent to channel chats")
        poll_id = str(5_000_000_000_000_000_000 + len(self.polls))
        poll = {
            "id": poll_id,
            "question": question,
            "options": [
                {"persistent_id": str(n), "text": t, "voter_count": 0} for n, t in enumerate(texts)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": anonymous,
            "type": str(params.get("type") or "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": bool(params.get("allows_revoting", params.get("type") != "quiz")),
            "members_only": False,
        }
        self.polls[poll_id] = poll
        return self._message(chat, self.me, poll=dict(poll), **self._reply_fields(chat, params))

    def api_stopPoll(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        message = self.messages.get((chat.id, int(params.get("message_id") or 0)))
        if message is None or "poll" not in message:
            raise ApiError(400, "Bad Request: message with poll to stop not found")
        if message["from"]["id"] != BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        poll = self.polls[message["poll"]["id"]]
        if poll["is_closed"]:
            raise ApiError(400, "Bad Request: poll has already been closed")
        poll["is_closed"] = True
        return dict(poll)

    def poll_in(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The poll of a message now (its counts, whether it is closed)."""
        return dict(self.polls[self.messages[(chat_id, message_id)]["poll"]["id"]])

    async def vote(
        self, chat_id: int, person: dict[str, Any], message_id: int, option_ids: list[int]
    ) -> int | None:
        """A person votes (an empty list withdraws the vote). The bot hears of it through a
        `poll` update and, for its non-anonymous polls, a `poll_answer` update (whose id is
        returned)."""
        poll = self.polls[self.messages[(chat_id, message_id)]["poll"]["id"]]
        if poll["is_closed"]:
            raise AssertionError("Telegram lets nobody vote in a closed poll")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise AssertionError("this poll allows one answer only")
        if any(not 0 <= i < len(poll["options"]) for i in option_ids):
            raise AssertionError(f"no such option in {option_ids}")
        before = self.votes.get((poll["id"], person["id"]), [])
        if before and not poll["allows_revoting"]:
            raise AssertionError("this poll lets nobody change their vote")
        for index in before:
            poll["options"][index]["voter_count"] -= 1
        for index in option_ids:
            poll["options"][index]["voter_count"] += 1
        if option_ids:
            self.votes[(poll["id"], person["id"])] = sorted(option_ids)
        else:
            self.votes.pop((poll["id"], person["id"]), None)
        poll["total_voter_count"] = len({p for (pid, p) in self.votes if pid == poll["id"]})
        mine = self.messages[(chat_id, message_id)]["from"]["id"] == BOT_ID
        if not mine:
            return None
        await self.push("poll", dict(poll))
        if poll["is_anonymous"]:
            return None
        return await self.push(
            "poll_answer",
            {
                "poll_id": poll["id"],
                "user": person,
                "option_ids": sorted(option_ids),
                "option_persistent_ids": [str(i) for i in sorted(option_ids)],
            },
        )
