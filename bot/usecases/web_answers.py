"""Answers without a chat account: every confirmed e-mail address has a personal answer link
(`/a/<code>`, the code in `EmailAddress.answer_code`), from which it answers the open date
poll and the invitations to the coming meetings.

An answer from the link is an answer of the address's owner, counted exactly like one from
the chat (the latest counts, merged by person, then member): a contact person's own
address answers as that person; an office address (a member's, no person behind it) answers
as its stand-in (`bot.usecases.stand_ins`), which speaks for its member. The link dies with
the address: removed, stopped or added anew (a new code), it is a page that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.attendance import ANSWERS
from bot.core.clock import Clock
from bot.core.errors import UsageError
from bot.core.events import Identity
from bot.core.mail import EmailAddress
from bot.core.model import Meeting, Member, Partnership, Person
from bot.core.model_polls import DatePoll
from bot.usecases import attendance, date_polls
from bot.usecases.base import Actor, Call
from bot.usecases.members import roster
from bot.usecases.plan import current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.stand_ins import STAND_IN_PLATFORM

MEETINGS_SHOWN = 3
"""The coming meetings a link page offers answers for."""


@dataclass(frozen=True)
class Answerer:
    """Whom a link speaks for; `name` is all a page shows of it."""

    address: EmailAddress
    partnership: Partnership
    name: str
    member: Member | None
    """The member the answers count for; None: a person who speaks for no member."""
    person: Person | None
    """Who answers: the address's person, or the office address's stand-in (None until
    its first answer)."""


@dataclass(frozen=True)
class MeetingChoice:
    meeting: Meeting
    host: Member | None
    answer: str | None
    """The link's current answer for the meeting's current start (None: none yet)."""


@dataclass(frozen=True)
class AnswerPage:
    who: Answerer
    poll: DatePoll | None
    """The open date poll, if any."""
    chosen: tuple[int, ...] | None
    """The link's current answer to it (None: none yet; empty: none of the times)."""
    meetings: list[MeetingChoice]


async def answerer(uow: UnitOfWork, code: str) -> Answerer | None:
    """The link's owner; None for any link that does not (or no longer) exist."""
    found = await uow.emails.by_answer_code(code) if code else None
    if found is None or not found.confirmed:
        return None
    partnership = await uow.partnerships.get(found.partnership_id)
    if partnership is None:
        return None
    current = await roster(uow, partnership)
    if found.person_id is not None:
        person = await uow.persons.get(found.person_id)
        if person is None:
            return None
        member = current.member_of(person)
        return Answerer(found, partnership, person.display_name, member, person)
    member = next((m for m in current.members if m.id == found.member_id), None)
    if member is None or not member.active:
        return None
    stand_in = await uow.persons.get(found.voter_id) if found.voter_id is not None else None
    return Answerer(found, partnership, member.name, member, stand_in)


async def page(uow: UnitOfWork, clock: Clock, code: str) -> AnswerPage | None:
    who = await answerer(uow, code)
    if who is None:
        return None
    p, now = who.partnership, clock.now()
    poll = await uow.date_polls.latest(p.id)
    chosen: tuple[int, ...] | None = None
    if poll is not None and not date_polls.accepts_votes(poll, now):
        poll = None
    if poll is not None and who.person is not None:
        mine = [v for v in await uow.date_polls.votes(poll.id) if v.person_id == who.person.id]
        chosen = mine[-1].numbers if mine else None
    plan = await current_plan(uow, p, now)
    coming = plan.upcoming[:MEETINGS_SHOWN]
    answers: dict[int, str] = {}
    if who.person is not None and coming:
        starts = {m.id: m.starts_at for m, _ in coming}
        for r in await uow.replies.of_meetings(list(starts)):
            if r.person_id == who.person.id and r.for_start == starts[r.meeting_id]:
                answers[r.meeting_id] = r.answer
    meetings = [MeetingChoice(m, h, answers.get(m.id)) for m, h in coming]
    return AnswerPage(who, poll, chosen, meetings)


async def _voter(uow: UnitOfWork, who: Answerer) -> Person:
    """The person answering; an office address's stand-in is made on its first answer."""
    if who.person is not None:
        return who.person
    assert who.member is not None
    identity = Identity(STAND_IN_PLATFORM, f"office-{who.address.id}")
    person = await uow.persons.by_identity(identity) or await uow.persons.add(
        f"{who.member.name} (E-Mail)", identity
    )
    who.address.voter_id = person.id
    await uow.emails.save(who.address)
    return person


def _call(uow: UnitOfWork, clock: Clock, who: Answerer, person: Person) -> Call:
    return Call(uow, clock, Actor(person), room_partnership=who.partnership)


async def answer_poll(
    uow: UnitOfWork, clock: Clock, who: Answerer, poll_id: int, numbers: tuple[int, ...]
) -> date_polls.VoteCast:
    """The times the link's owner can come (empty: none); replaces their earlier answer.
    Refused (UserError) when the poll closed meanwhile or a number is no time of it."""
    call = _call(uow, clock, who, await _voter(uow, who))
    return await date_polls.vote(call, date_polls.CastVote(numbers, poll_id, via="email"))


async def answer_meeting(
    uow: UnitOfWork, clock: Clock, who: Answerer, meeting_id: int, answer: str
) -> attendance.ReplyNoted:
    """Zusage, Absage or Vielleicht to a coming meeting; replaces the earlier answer."""
    if answer not in ANSWERS:
        raise UsageError("web.answer.bad")
    call = _call(uow, clock, who, await _voter(uow, who))
    noted = await attendance.reply(call, attendance.ReplyToMeeting(answer, meeting_id=meeting_id))
    assert isinstance(noted, attendance.ReplyNoted)
    return noted
