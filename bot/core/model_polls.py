"""The date poll's domain objects: candidate times, answers by person, and the poll itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

OPEN, CLOSED, DECIDED = "open", "closed", "decided"
"""A poll's states: answers are taken while open; closed has a proposal; decided has its
meeting."""


@dataclass(frozen=True)
class DateOption:
    """One candidate time, numbered from 1 as people vote for it."""

    number: int
    starts_at: datetime
    ends_at: datetime | None = None


@dataclass
class DatePoll:
    """Candidate times for the next meeting of one partnership, answered until `deadline`."""

    id: int
    partnership_id: int
    options: tuple[DateOption, ...]
    deadline: datetime
    created_at: datetime
    host_member_id: int | None = None
    """The member whose turn it was when the poll started: its contact persons may close."""
    created_by: int | None = None
    status: str = OPEN
    closed_at: datetime | None = None
    proposal: int | None = None
    """The number of the time proposed on closing; once decided, the time taken."""
    meeting_id: int | None = None

    @property
    def key(self) -> str:
        """The poll's key on every platform ("datepoll:12")."""
        return f"datepoll:{self.id}"

    @property
    def open(self) -> bool:
        return self.status == OPEN

    def option(self, number: int) -> DateOption | None:
        return next((o for o in self.options if o.number == number), None)


@dataclass(frozen=True)
class DateVote:
    """A person's latest answer: the numbers of the times they can come (empty: none)."""

    poll_id: int
    person_id: int
    numbers: tuple[int, ...]
    voted_at: datetime
    via: str = field(default="")
    """The platform the answer came from."""
