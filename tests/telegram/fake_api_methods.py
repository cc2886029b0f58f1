"""The fake Telegram Bot API's methods the bot calls to act: send, edit, answer, look up
members, set its command menu."""

from __future__ import annotations

import re
from typing import Any

from tests.telegram.fake_api_model import BOT_ID, ApiError, Chat, parse_html, utf16_len

_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


class SendingMethods:
    """A mixin of `FakeBotAPI`: the Bot API methods besides the update plumbing."""

    # -- the Bot API ----------------------------------------------------------------------

    def _chat_for_bot(self, chat_id: Any) -> Chat:
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        status = chat.members.get(BOT_ID, ({}, "left"))[1]
        if status == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        if status == "left":
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _text(self, params: dict[str, Any]) -> str:
        raw = str(params.get("text", ""))
        text = parse_html(raw) if params.get("parse_mode") == "HTML" else raw
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    def _reply_fields(self, chat: Chat, params: dict[str, Any]) -> dict[str, Any]:
        """`reply_to_message` (one level deep, like Telegram) and a checked `reply_markup`."""
        fields: dict[str, Any] = {}
        reply = params.get("reply_parameters")
        if isinstance(reply, dict) and "message_id" in reply:
            target = self.messages.get((chat.id, int(reply["message_id"])))
            if target is not None:
                fields["reply_to_message"] = {
                    k: v for k, v in target.items() if k != "reply_to_message"
                }
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        markup = params.get("reply_markup")
        if markup is not None:
            fields["reply_markup"] = self._inline_keyboard(markup)
        return fields

    @staticmethod
    def _inline_keyboard(markup: Any) -> dict[str, Any]:
        rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button")
        for button in (b for row in rows for b in row):
            if not str(button.get("text", "")).strip():
                raise ApiError(
                    400, "Bad Request: text buttons are unallowed in the inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return {"inline_keyboard": rows}

    def api_sendMessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        text = self._text(params)
        return self._message(chat, self.me, text=text, **self._reply_fields(chat, params))

    def api_editMessageReplyMarkup(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        message = self.messages.get((chat.id, int(params.get("message_id") or 0)))
        if message is None or message["from"]["id"] != BOT_ID:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        new = self._inline_keyboard(markup) if markup else None
        if new == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of "
                "the message",
            )
        if new is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new
        message["edit_date"] = self._date()
        return message

    def api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self.queries.get(query_id, True):
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.queries[query_id] = True
        return True

    def api_editMessageText(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        text = self._text(params)
        message_id = int(params.get("message_id") or 0)
        if not any(
            c.ok
            and c.method == "sendMessage"
            and isinstance(c.result, dict)
            and c.result["message_id"] == message_id
            for c in self.calls
        ):
            raise ApiError(400, "Bad Request: message to edit not found")
        return {
            "message_id": message_id,
            "date": self._date(),
            "edit_date": self._date(),
            "chat": chat.as_json(),
            "from": self.me,
            "text": text,
        }

    def api_sendDocument(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        if "document" not in files:
            raise ApiError(400, "Bad Request: there is no document in the request")
        name, data = files["document"]
        document = {
            "file_id": f"doc{len(self.calls)}",
            "file_unique_id": f"u{len(self.calls)}",
            "file_name": name,
            "file_size": len(data),
        }
        return self._message(chat, self.me, document=document, **self._reply_fields(chat, params))

    def api_getChatMember(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat = self._chat_for_bot(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        if user_id not in chat.members:
            raise ApiError(400, "Bad Request: user not found")
        person, status = chat.members[user_id]
        return self._member_json(person, status)

    def api_getChatAdministrators(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        chat = self._chat_for_bot(params.get("chat_id"))
        return [
            self._member_json(p, s)
            for p, s in chat.members.values()
            if s in ("creator", "administrator")
        ]

    def api_setMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        scope = params.get("scope") or {"type": "default"}
        key = (str(scope["type"]), scope.get("chat_id"), str(params.get("language_code") or ""))
        self.menus[key] = commands
        return True
