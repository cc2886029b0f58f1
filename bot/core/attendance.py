"""Replies to a meeting invitation (Zusage, Absage, Vielleicht), as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

YES = "yes"
NO = "no"
MAYBE = "maybe"
ANSWERS = (YES, NO, MAYBE)
"""What a person can answer; the order in which a member's answer is decided: one contact
person coming makes the member come."""


@dataclass
class MeetingReply:
    """A person's latest answer to one meeting. `for_start` is the start the answer was
    given for: when the meeting moves, the answer no longer counts and people are asked
    again."""

    meeting_id: int
    person_id: int
    answer: str
    for_start: datetime
    at: datetime
