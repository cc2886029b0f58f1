"""Errors that become a one-line answer to the user instead of a crash."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Something the user asked cannot be done; `key` names the catalog message.

    With `example=True` the reply ends with the example of the command that was called.
    Raising it rolls back everything the command changed.
    """

    def __init__(self, key: str, example: bool = False, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.example = example
        self.params = params


class UsageError(UserError):
    """A missing or malformed argument: always answered with the command's example."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key, example=True, **params)


class Asked(UserError):
    """Not done yet: the command needs an answer first (which meeting? move or plan
    another?). `reply` is the question, usually with buttons; nothing is kept.

    Two ways to ask, by what the answer is. `Asked` when the answer is a choice among
    other commands (each button sends its own complete command, so no state is kept).
    `AskFirst` when the answer is yes or no to this very command (it is stored, and /yes
    runs it again with `Call.confirmed`)."""

    def __init__(self, reply: Any) -> None:
        super().__init__("asked")
        self.reply = reply


class AskFirst(Exception):
    """The command would work but may not be what was meant (a near-duplicate name): nothing
    is kept, the caller is asked with a question that says what would happen, and /yes runs
    the command as typed, this time with `Call.confirmed` set."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(Exception):
    """The caller lacks the role a command needs; the app says who may do it."""
