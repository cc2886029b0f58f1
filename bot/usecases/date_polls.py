"""Date polls (`/terminumfrage`, `/abstimmen`): the partners find the next meeting's date
together, in every room at once, counted by member.

A poll is started by the next host's contact persons or the coordination with 2–10
candidate times, answered per person (the latest answer counts) until its deadline, closed
at the deadline or earlier with a proposal, and decided by scheduling the meeting exactly as
`/termin` does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from bot.core.domain_events import DomainEvent, MeetingScheduled
from bot.core.errors import UsageError, UserError
from bot.core.model import Member, Partnership
from bot.core.model_polls import CLOSED, DECIDED, DateOption, DatePoll, DateVote
from bot.core.permissions import Who
from bot.core.timefmt import fmt_datetime
from bot.usecases import meetings
from bot.usecases.base import Call, Facts, use_case
from bot.usecases.date_poll_tally import Tally, tally
from bot.usecases.members import roster
from bot.usecases.plan import current_plan
from bot.usecases.ports import UnitOfWork
from bot.usecases.stand_ins import stand_ins

MIN_TIMES, MAX_TIMES = 2, 10
DEFAULT_DEADLINE = timedelta(days=7)
LAST_DAY = timedelta(days=1)
"""Without a deadline given, answers close at the latest a day before the first time."""
REMIND_BEFORE = timedelta(days=2)
"""Members without an answer are reminded this long before the deadline."""


@dataclass(frozen=True)
class StartDatePoll:
    times: tuple[tuple[datetime, datetime | None], ...]
    """(start, end or None) of each candidate, as typed."""
    deadline: datetime | None = None
    """None: in a week (earlier when the first time is sooner)."""


@dataclass(frozen=True)
class CastVote:
    numbers: tuple[int, ...]
    """The numbers of the times the person can come; empty: none of them."""
    poll_id: int | None = None
    """None: the partnership's newest poll (a vote by command)."""
    via: str = ""
    withdrawn: bool = False
    """The person took their answer back (a platform poll's empty vote): as if they had
    never answered. "None of the times" is an answer: empty `numbers`, not withdrawn."""


@dataclass(frozen=True)
class DecideDate:
    number: int | None = None
    """None: the time proposed on closing."""


@dataclass(frozen=True)
class DatePollStarted(DomainEvent):
    poll: DatePoll
    host: Member | None
    by: str


@dataclass(frozen=True)
class DatePollClosed(DomainEvent):
    tally: Tally
    proposal: DateOption | None
    host: Member | None
    by: str
    """Who closed it; "" when the deadline did."""


@dataclass(frozen=True)
class VoteCast:
    poll: DatePoll
    numbers: tuple[int, ...]
    member: Member | None
    """The member the answer counts for; None: for no member (it is shown apart)."""


@dataclass(frozen=True)
class PollState:
    """What `/terminumfrage` shows: the newest poll, counted, with its host."""

    tally: Tally
    host: Member | None
    now: datetime


def accepts_votes(poll: DatePoll, now: datetime) -> bool:
    """Open and before its deadline (the closing reminder may not have fired yet)."""
    return poll.open and now < poll.deadline


async def host_of(uow: UnitOfWork, p: Partnership, poll: DatePoll) -> Member | None:
    members = await uow.members.of_partnership(p.id)
    return next((m for m in members if m.id == poll.host_member_id), None)


async def count(uow: UnitOfWork, p: Partnership, poll: DatePoll) -> Tally:
    votes = await uow.date_polls.votes(poll.id)
    voters = await uow.persons.many({v.person_id for v in votes})
    office = await stand_ins(uow, p.id)
    return tally(poll, votes, await roster(uow, p), voters, office)


def _when(p: Partnership, at: datetime) -> str:
    return fmt_datetime(at, p.language, p.timezone)


def _options(p: Partnership, command: StartDatePoll, now: datetime) -> tuple[DateOption, ...]:
    times = sorted(command.times)
    if not MIN_TIMES <= len(times) <= MAX_TIMES:
        raise UsageError("datepoll.count", count=len(times), low=MIN_TIMES, high=MAX_TIMES)
    for (start, _), (after, _) in pairwise(times):
        if start == after:
            raise UsageError("datepoll.twice", when=_when(p, start))
    for start, _ in times:
        if start <= now:
            raise UsageError("datepoll.past", when=_when(p, start))
    return tuple(DateOption(n, s, e) for n, (s, e) in enumerate(times, start=1))


def _deadline(p: Partnership, command: StartDatePoll, first: datetime, now: datetime) -> datetime:
    if command.deadline is None:
        deadline = min(now + DEFAULT_DEADLINE, first - LAST_DAY)
        if deadline <= now:
            raise UsageError("datepoll.too_soon", first=_when(p, first))
        return deadline
    if command.deadline <= now:
        raise UsageError("datepoll.deadline_past", deadline=_when(p, command.deadline))
    if command.deadline >= first:
        raise UsageError(
            "datepoll.deadline_late", deadline=_when(p, command.deadline), first=_when(p, first)
        )
    return command.deadline


@use_case("date_polls.start", Who.COORDINATOR, Who.HOST, refusal="datepoll.not_allowed")
async def start(call: Call, command: StartDatePoll) -> DatePollStarted:
    """A poll for the meeting of the member whose turn is next; one at a time."""
    p = call.partnership
    plan = await current_plan(call.uow, p, call.now)
    await call.authorize(start.permission, Facts(host=plan.next_host))
    if plan.next_host is None:
        raise UserError("schedule.no_members")
    latest = await call.uow.date_polls.latest(p.id)
    if latest is not None and latest.open:
        raise UserError("datepoll.already_open", deadline=_when(p, latest.deadline))
    options = _options(p, command, call.now)
    deadline = _deadline(p, command, options[0].starts_at, call.now)
    poll = await call.uow.date_polls.add(
        p.id, options, deadline, plan.next_host.id, call.person.id, call.now
    )
    await call.audit(
        "datepoll.start",
        poll=poll.id,
        times=[o.starts_at.isoformat() for o in options],
        deadline=deadline.isoformat(),
    )
    event = DatePollStarted(p, poll, plan.next_host, call.person.display_name)
    call.raise_event(event)
    return event


async def _poll(call: Call, poll_id: int | None) -> DatePoll:
    """The poll a vote or a question is about, only ever of the room's partnership."""
    p = call.partnership
    poll = (
        await call.uow.date_polls.latest(p.id)
        if poll_id is None
        else await call.uow.date_polls.get(poll_id)
    )
    if poll is None or poll.partnership_id != p.id:
        raise UserError("datepoll.none")
    return poll


@use_case("date_polls.vote")
async def vote(call: Call, command: CastVote) -> VoteCast:
    """A person's answer; it replaces their earlier one. Refused once the poll closed."""
    p = call.partnership
    poll = await _poll(call, command.poll_id)
    if not accepts_votes(poll, call.now):
        raise UserError("datepoll.vote_closed")
    unknown = [n for n in command.numbers if poll.option(n) is None]
    if unknown:
        raise UsageError("datepoll.vote_unknown", number=unknown[0], count=len(poll.options))
    numbers = tuple(sorted(set(command.numbers)))
    if command.withdrawn:
        await call.uow.date_polls.withdraw(poll.id, call.person.id)
    else:
        await call.uow.date_polls.vote(
            DateVote(poll.id, call.person.id, numbers, call.now, command.via)
        )
    member = (await roster(call.uow, p)).member_of(call.person)
    return VoteCast(poll, numbers, member)


@use_case("date_polls.show")
async def show(call: Call) -> PollState:
    """The newest poll, counted by member; after closing, its result."""
    p = call.partnership
    poll = await _poll(call, None)
    return PollState(await count(call.uow, p, poll), await host_of(call.uow, p, poll), call.now)


async def close_poll(
    uow: UnitOfWork, p: Partnership, poll: DatePoll, now: datetime, by: str
) -> DatePollClosed:
    """Close with a proposal: the time most members can attend (see `Tally.best`)."""
    counted = await count(uow, p, poll)
    proposal = counted.best()
    poll.status, poll.closed_at = CLOSED, now
    poll.proposal = proposal.number if proposal is not None else None
    await uow.date_polls.save(poll)
    return DatePollClosed(p, counted, proposal, await host_of(uow, p, poll), by)


@use_case("date_polls.close", Who.COORDINATOR, Who.HOST, refusal="datepoll.close_not_allowed")
async def close(call: Call) -> DatePollClosed:
    """Close the open poll before its deadline."""
    p = call.partnership
    poll = await _poll(call, None)
    await call.authorize(close.permission, Facts(host=await host_of(call.uow, p, poll)))
    if not poll.open:
        raise UserError("datepoll.not_open")
    event = await close_poll(call.uow, p, poll, call.now, call.person.display_name)
    await call.audit("datepoll.close", poll=poll.id, proposal=poll.proposal)
    call.raise_event(event)
    return event


@use_case("date_polls.decide", Who.COORDINATOR, Who.HOST, refusal="datepoll.close_not_allowed")
async def decide(call: Call, command: DecideDate) -> MeetingScheduled:
    """Take the proposed (or a named) time: the meeting is scheduled as `/termin` schedules
    it. An open poll is closed first."""
    p = call.partnership
    poll = await _poll(call, None)
    await call.authorize(decide.permission, Facts(host=await host_of(call.uow, p, poll)))
    if poll.status == DECIDED:
        raise UserError("datepoll.already_decided")
    if poll.open:
        call.raise_event(await close_poll(call.uow, p, poll, call.now, call.person.display_name))
    number = command.number if command.number is not None else poll.proposal
    if number is None:
        raise UsageError("datepoll.decide_which", count=len(poll.options))
    option = poll.option(number)
    if option is None:
        raise UsageError("datepoll.vote_unknown", number=number, count=len(poll.options))
    if option.starts_at <= call.now:
        raise UserError("datepoll.decide_past", when=_when(p, option.starts_at))
    scheduled = await meetings.schedule(
        call,
        meetings.ScheduleMeeting(
            option.starts_at, "", meetings.Details(ends_at=option.ends_at), following=True
        ),
    )
    assert isinstance(scheduled, MeetingScheduled)
    poll.status, poll.meeting_id, poll.proposal = DECIDED, scheduled.meeting.id, number
    await call.uow.date_polls.save(poll)
    await call.audit("datepoll.decide", poll=poll.id, number=number)
    return scheduled
