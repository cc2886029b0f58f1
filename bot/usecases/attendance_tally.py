"""Who comes to a meeting: the replies counted per member, read fresh from the database.

A reply counts while it was given for the meeting's current start (a move asks everyone
again) and while its author still belongs to the partnership: as a contact person of an
active member, or as somebody in one of its rooms (shown apart, deciding nothing). Someone
who left both is no longer counted; nothing needs deleting for that, so a leave, a removed
contact or a restart can never leave a reply counted twice or for the wrong member.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.attendance import MAYBE, NO, YES
from bot.core.model import Meeting, Member, Partnership, Person
from bot.core.text import din5007_key
from bot.usecases.members import roster
from bot.usecases.plan import in_din_order
from bot.usecases.ports import UnitOfWork
from bot.usecases.stand_ins import stand_ins


@dataclass(frozen=True)
class MemberAnswer:
    """A member's answer (None: nobody answered yet) and the answers of its people."""

    member: Member
    answer: str | None
    people: tuple[tuple[Person, str], ...]
    contacts: tuple[Person, ...]
    """Everyone who speaks for the member now (reminders mention them)."""


@dataclass(frozen=True)
class Tally:
    meeting: Meeting
    members: tuple[MemberAnswer, ...]
    """Every active member, in host order."""
    apart: tuple[tuple[Person, str], ...]
    """Answers of people who speak for no member: shown apart, deciding nothing."""

    def with_answer(self, answer: str | None) -> list[MemberAnswer]:
        return [m for m in self.members if m.answer == answer]

    def member_answer(self, member_id: int) -> str | None:
        return next((m.answer for m in self.members if m.member.id == member_id), None)


def member_answer(answers: list[str]) -> str | None:
    """One contact person coming makes the member come; else maybe; else no."""
    for answer in (YES, MAYBE, NO):
        if answer in answers:
            return answer
    return None


async def tally(uow: UnitOfWork, partnership: Partnership, meeting: Meeting) -> Tally:
    current = await roster(uow, partnership)
    speaks_for = {c.person_id: c.member_id for c in current.contacts}
    speaks_for |= await stand_ins(uow, partnership.id)  # office addresses, by their link
    in_rooms = set((await uow.presence.of_partnership(partnership.id)).keys())
    replies = [
        r
        for r in await uow.replies.of_meetings([meeting.id])
        if r.for_start == meeting.starts_at
        and (r.person_id in speaks_for or r.person_id in in_rooms)
    ]
    persons = await uow.persons.many({r.person_id for r in replies})
    replies.sort(
        key=lambda r: din5007_key(
            persons[r.person_id].display_name if r.person_id in persons else ""
        )
    )
    members: list[MemberAnswer] = []
    for member in in_din_order([m for m in current.members if m.active]):
        people = tuple(
            (persons[r.person_id], r.answer)
            for r in replies
            if speaks_for.get(r.person_id) == member.id and r.person_id in persons
        )
        answer = member_answer([a for _, a in people])
        members.append(MemberAnswer(member, answer, people, tuple(current.contacts_of(member))))
    apart = tuple(
        (persons[r.person_id], r.answer)
        for r in replies
        if r.person_id not in speaks_for and r.person_id in persons
    )
    return Tally(meeting, tuple(members), apart)
