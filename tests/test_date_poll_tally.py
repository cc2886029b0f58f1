"""The date poll's count by member (pure), and its use cases against the in-memory unit of
work: who may start, close and decide; what a vote does; the proposal's tie rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import ManualClock
from bot.core.domain_events import MeetingScheduled
from bot.core.errors import UserError
from bot.core.events import Identity, RoomRef
from bot.core.model import Contact, Member, Partnership, Person, Room
from bot.core.model_polls import DateOption, DatePoll, DateVote
from bot.usecases import date_polls
from bot.usecases.base import Actor, Call, NotAllowed
from bot.usecases.date_poll_tally import tally
from bot.usecases.members import Roster
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _poll(host: int | None = None, n: int = 3) -> DatePoll:
    options = tuple(DateOption(i, NOW + (7 + i) * DAY) for i in range(1, n + 1))
    return DatePoll(1, 1, options, NOW + 5 * DAY, NOW, host_member_id=host)


def _team() -> tuple[Roster, list[Member], dict[int, Person]]:
    members = [
        Member(1, 1, "Stadt Kleve", NOW),
        Member(2, 1, "Goch", NOW),
        Member(3, 1, "Uedem", NOW),
        Member(4, 1, "Emmerich", NOW, left_at=NOW),
    ]
    persons = {
        i: Person(i, name) for i, name in enumerate(["anna", "bernd", "carla", "dora", "erik"], 1)
    }
    contacts = [
        Contact(1, 1, 1, NOW),  # anna for Kleve
        Contact(2, 1, 2, NOW),  # bernd for Kleve too
        Contact(3, 2, 3, NOW),  # carla for Goch
        Contact(4, 4, 5, NOW),  # erik for Emmerich, which left
    ]
    return Roster(members, contacts, persons), members, persons


def _vote(person: int, *numbers: int) -> DateVote:
    return DateVote(1, person, numbers, NOW)


def test_two_contact_persons_of_one_member_count_once_and_either_suffices() -> None:
    team, _, persons = _team()
    counted = tally(_poll(), [_vote(1, 1), _vote(2, 1, 2), _vote(3, 2)], team, persons)
    assert [[m.name for m in c.members] for c in counted.counts] == [
        ["Stadt Kleve"],
        ["Goch", "Stadt Kleve"],
        [],
    ]
    assert [m.name for m in counted.answered] == ["Goch", "Stadt Kleve"]
    assert [m.name for m in counted.missing] == ["Uedem"]


def test_answers_of_people_for_no_member_are_shown_apart_and_decide_nothing() -> None:
    team, _, persons = _team()
    # dora speaks for nobody, erik for a member that left: both apart
    counted = tally(_poll(), [_vote(4, 3), _vote(5, 3), _vote(3, 2)], team, persons)
    assert [p.display_name for p in counted.others] == ["dora", "erik"]
    assert counted.counts[2].members == ()
    assert [p.display_name for p in counted.counts[2].others] == ["dora", "erik"]
    assert counted.best() == counted.poll.options[1]


def test_the_proposal_most_members_then_the_hosts_availability_then_the_earlier_time() -> None:
    team, _, persons = _team()
    votes = [_vote(1, 1, 3), _vote(3, 2, 3)]
    assert tally(_poll(), votes, team, persons).best() == _poll().options[2]
    tie = [_vote(1, 1), _vote(3, 2)]
    assert tally(_poll(), tie, team, persons).best() == _poll().options[0]  # earlier
    assert tally(_poll(host=2), tie, team, persons).best() == _poll().options[1]  # the host's
    assert tally(_poll(), [_vote(4, 1)], team, persons).best() is None  # no member can


# --- the use cases, without a database ----------------------------------------------------


class World:
    def __init__(self, uow: FakeUnitOfWork, p: Partnership, room: Room) -> None:
        self.uow, self.p, self.room = uow, p, room
        self.clock = ManualClock(NOW)
        self.people: dict[str, Person] = {}

    def call(self, name: str, coordinator: bool = False) -> Call:
        return Call(self.uow, self.clock, Actor(self.people[name], coordinator), self.p, self.room)


@pytest.fixture
async def world() -> World:
    uow = FakeUnitOfWork()
    before = NOW - 30 * DAY
    p = await uow.partnerships.add("Allianz", "de", "Europe/Berlin", before)
    room = await uow.rooms.add(p.id, RoomRef("matrix", "!a:example.org"), "Haupt", before)
    w = World(uow, p, room)
    aachen = await uow.members.add(p.id, "Aachen", before)
    bonn = await uow.members.add(p.id, "Bonn", before)
    for name, member in (("anna", aachen), ("bert", bonn), ("cora", None)):
        person = await uow.persons.add(name, Identity("matrix", f"@{name}:example.org"))
        w.people[name] = person
        if member is not None:
            await uow.contacts.add(member.id, person.id, before)
    await uow.commit()
    return w


TIMES = ((NOW + 10 * DAY, None), (NOW + 12 * DAY, NOW + 12 * DAY + timedelta(hours=2)))


async def test_only_the_next_host_or_the_coordination_start_and_one_at_a_time(world: World) -> None:
    with pytest.raises(NotAllowed):  # bert speaks for Bonn, but Aachen hosts next
        await date_polls.start(world.call("bert"), date_polls.StartDatePoll(TIMES))
    started = await date_polls.start(world.call("anna"), date_polls.StartDatePoll(TIMES))
    assert started.poll.deadline == NOW + 7 * DAY
    assert started.host is not None and started.host.name == "Aachen"
    with pytest.raises(UserError) as again:
        await date_polls.start(
            world.call("cora", coordinator=True), date_polls.StartDatePoll(TIMES)
        )
    assert again.value.key == "datepoll.already_open"


@pytest.mark.parametrize(
    ("times", "key"),
    [
        (TIMES[:1], "datepoll.count"),
        (tuple((NOW + (i + 2) * DAY, None) for i in range(11)), "datepoll.count"),
        ((TIMES[0], TIMES[0]), "datepoll.twice"),
        (((NOW - DAY, None), TIMES[1]), "datepoll.past"),
        (((NOW + timedelta(hours=12), None), TIMES[1]), "datepoll.too_soon"),
    ],
)
async def test_bad_times_are_refused_and_nothing_is_stored(
    world: World, times: tuple[tuple[datetime, datetime | None], ...], key: str
) -> None:
    with pytest.raises(UserError) as refused:
        await date_polls.start(world.call("anna"), date_polls.StartDatePoll(times))
    assert refused.value.key == key
    assert await world.uow.date_polls.latest(world.p.id) is None


async def test_a_latest_vote_replaces_the_earlier_and_a_closed_poll_takes_none(
    world: World,
) -> None:
    await date_polls.start(world.call("anna"), date_polls.StartDatePoll(TIMES))
    await date_polls.vote(world.call("bert"), date_polls.CastVote((1, 2)))
    cast = await date_polls.vote(world.call("bert"), date_polls.CastVote((2,)))
    assert cast.member is not None and cast.member.name == "Bonn"
    with pytest.raises(UserError) as unknown:
        await date_polls.vote(world.call("bert"), date_polls.CastVote((3,)))
    assert unknown.value.key == "datepoll.vote_unknown"
    state = await date_polls.show(world.call("cora"))
    assert [[m.name for m in c.members] for c in state.tally.counts] == [[], ["Bonn"]]
    closed = await date_polls.close(world.call("cora", coordinator=True))
    assert closed.proposal == state.tally.poll.options[1]
    with pytest.raises(UserError) as late:
        await date_polls.vote(world.call("anna"), date_polls.CastVote((1,)))
    assert late.value.key == "datepoll.vote_closed"


async def test_deciding_schedules_the_meeting_as_schedule_does(world: World) -> None:
    await date_polls.start(world.call("anna"), date_polls.StartDatePoll(TIMES))
    await date_polls.vote(world.call("bert"), date_polls.CastVote((2,)))
    with pytest.raises(NotAllowed):
        await date_polls.decide(world.call("bert"), date_polls.DecideDate())
    call = world.call("anna")
    scheduled = await date_polls.decide(call, date_polls.DecideDate())
    assert isinstance(scheduled, MeetingScheduled)
    assert (scheduled.meeting.starts_at, scheduled.meeting.ends_at) == TIMES[1]
    assert [type(e).__name__ for e in call.events] == ["DatePollClosed", "MeetingScheduled"]
    poll = await world.uow.date_polls.latest(world.p.id)
    assert poll is not None and poll.status == "decided" and poll.meeting_id == scheduled.meeting.id


async def test_a_time_that_passed_meanwhile_is_not_taken(world: World) -> None:
    await date_polls.start(world.call("anna"), date_polls.StartDatePoll(TIMES))
    await date_polls.vote(world.call("bert"), date_polls.CastVote((1,)))
    await date_polls.close(world.call("anna"))
    world.clock.set(TIMES[0][0] + timedelta(hours=1))
    with pytest.raises(UserError) as late:
        await date_polls.decide(world.call("anna"), date_polls.DecideDate())
    assert late.value.key == "datepoll.decide_past"
    with pytest.raises(UserError) as none:
        await date_polls.decide(world.call("anna"), date_polls.DecideDate(5))
    assert none.value.key == "datepoll.vote_unknown"
    scheduled = await date_polls.decide(world.call("anna"), date_polls.DecideDate(2))
    assert scheduled.meeting.starts_at == TIMES[1][0]
