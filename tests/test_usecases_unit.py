"""Use cases without a database: the meetings use cases, the permission decisions of
`check` and the chat channel, against the in-memory unit of work (`tests/fakes.py`).

Data is set up through the fake's repositories; a `Call` is built by hand, the way the App
builds one for a command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.chat import ChatChannel
from bot.channels.notifier import Notifier
from bot.core.clock import ManualClock
from bot.core.domain_events import ChatNotice, MeetingCancelled, MeetingMoved, MeetingScheduled
from bot.core.errors import UserError
from bot.core.events import Identity, RoomRef
from bot.core.model import Meeting, Member, Partnership, Person, Room
from bot.core.permissions import Permission, Who
from bot.core.render import render_plain
from bot.core.reply import Paragraph, Reply
from bot.i18n import Catalog
from bot.usecases import meetings
from bot.usecases.base import Actor, Call, Facts, NotAllowed, check, use_case
from bot.usecases.plan import current_plan
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEXT = NOW + timedelta(days=20)


@dataclass
class World:
    """One partnership with two members, a contact person for each, a coordinator who is
    no contact, one meeting planned (committed) and two rooms, one of them inactive."""

    uow: FakeUnitOfWork
    clock: ManualClock
    partnership: Partnership
    room: Room
    host: Member
    guest: Member
    host_contact: Person
    guest_contact: Person
    coordinator: Person
    meeting: Meeting

    def call(self, person: Person, coordinator: bool = False, admin: bool = False) -> Call:
        actor = Actor(person, is_coordinator=coordinator, is_room_admin=admin)
        return Call(self.uow, self.clock, actor, self.partnership, self.room)


async def _person(uow: FakeUnitOfWork, name: str) -> Person:
    return await uow.persons.add(name, Identity("matrix", f"@{name.lower()}:example.org"))


@pytest.fixture
async def world() -> World:
    uow = FakeUnitOfWork()
    before = NOW - timedelta(days=30)
    p = await uow.partnerships.add("Städtepartnerschaft", "de", "Europe/Berlin", before)
    room = await uow.rooms.add(p.id, RoomRef("matrix", "!main:example.org"), "Haupt", before)
    old = await uow.rooms.add(p.id, RoomRef("telegram", "-100"), "Alt", before)
    await uow.rooms.set_active(old.id, False)
    await uow.rooms.add(p.id, RoomRef("telegram", "-200"), "Neu", before)
    first = await uow.members.add(p.id, "Aachen", before)
    second = await uow.members.add(p.id, "Bonn", before)
    anna, bert = await _person(uow, "Anna"), await _person(uow, "Bert")
    cora = await _person(uow, "Cora")
    await uow.contacts.add(first.id, anna.id, before)
    await uow.contacts.add(second.id, bert.id, before)
    await uow.coordinators.add(p.id, cora.id, before)
    meeting = await uow.meetings.add(p.id, "m1", NEXT, "", before)
    await uow.commit()
    found = (await current_plan(uow, p, NOW)).next_meeting
    assert found is not None and found[1] is not None
    host = found[1]
    guest = second if host.id == first.id else first
    host_contact, guest_contact = (anna, bert) if host.id == first.id else (bert, anna)
    return World(
        uow, ManualClock(NOW), p, room, host, guest, host_contact, guest_contact, cora, meeting
    )


async def test_the_hosts_contact_person_may_move_the_meeting(world: World) -> None:
    call = world.call(world.host_contact)
    event = await meetings.move(call, meetings.MoveMeeting(NEXT + timedelta(hours=2), "Rathaus"))
    assert isinstance(event, MeetingMoved)
    assert call.events == [event]
    assert event.host == world.host and event.old_start == NEXT
    assert event.by == world.host_contact.display_name
    (kept,) = await world.uow.meetings.of_partnership(world.partnership.id)
    assert (kept.starts_at, kept.place, kept.sequence) == (NEXT + timedelta(hours=2), "Rathaus", 1)
    (entry,) = await world.uow.audit.of_partnership(world.partnership.id)
    assert (entry.action, entry.actor_id) == ("meeting.move", world.host_contact.id)


async def test_another_members_contact_person_may_not_and_nothing_changes(world: World) -> None:
    call = world.call(world.guest_contact)
    with pytest.raises(NotAllowed) as refused:
        await meetings.move(call, meetings.MoveMeeting(NEXT + timedelta(hours=2)))
    assert refused.value.key == "move.not_allowed"
    assert refused.value.params == {"host": world.host.name}
    assert call.events == []
    await world.uow.rollback()  # what the App does with a refusal
    assert await world.uow.meetings.of_partnership(world.partnership.id) == [world.meeting]
    assert await world.uow.audit.of_partnership(world.partnership.id) == []
    assert not world.uow.changed


async def test_a_coordinator_may_cancel_and_the_event_names_the_host(world: World) -> None:
    call = world.call(world.coordinator, coordinator=True)
    event = await meetings.cancel(call, meetings.CancelMeeting("Ferien"))
    assert isinstance(event, MeetingCancelled)
    assert (event.host, event.reason, event.by) == (world.host, "Ferien", "Cora")
    assert event.next_host == world.host  # nothing was held, so the host's turn stays
    (kept,) = await world.uow.meetings.of_partnership(world.partnership.id)
    assert (kept.status, kept.cancel_reason, kept.sequence) == ("cancelled", "Ferien", 1)


async def test_a_coordinator_may_schedule_and_the_next_in_line_hosts(world: World) -> None:
    call = world.call(world.coordinator, coordinator=True)
    later = NEXT + timedelta(days=90)
    asked = await meetings.schedule(call, meetings.ScheduleMeeting(later))
    assert isinstance(asked, meetings.AlreadyPlanned)  # one is planned: move it or not?
    assert len(await world.uow.meetings.of_partnership(world.partnership.id)) == 1
    event = await meetings.schedule(call, meetings.ScheduleMeeting(later, following=True))
    assert isinstance(event, MeetingScheduled)
    assert event.host == world.guest  # the host's turn is the first meeting
    assert event.meeting.starts_at == later and event.meeting.status == "scheduled"
    assert len(await world.uow.meetings.of_partnership(world.partnership.id)) == 2


async def test_a_clash_is_refused(world: World) -> None:
    call = world.call(world.coordinator, coordinator=True)
    with pytest.raises(UserError) as refused:
        await meetings.schedule(call, meetings.ScheduleMeeting(NEXT, following=True))
    assert refused.value.key == "schedule.clash"
    assert len(await world.uow.meetings.of_partnership(world.partnership.id)) == 1


async def test_scheduling_is_for_the_contact_of_the_member_whose_turn_it_is(world: World) -> None:
    later = NEXT + timedelta(days=90)  # the guest's turn
    with pytest.raises(NotAllowed):
        await meetings.schedule(
            world.call(world.host_contact), meetings.ScheduleMeeting(later, following=True)
        )
    event = await meetings.schedule(
        world.call(world.guest_contact), meetings.ScheduleMeeting(later, following=True)
    )
    assert isinstance(event, MeetingScheduled) and event.host == world.guest


# `check`: the one place permissions are decided.


@pytest.mark.parametrize(
    ("who", "without_facts"),
    [
        (Who.ANYONE, True),
        (Who.ROOM_ADMIN, False),
        (Who.COORDINATOR, False),
        (Who.CONTACT, False),
        (Who.HOST, None),
        (Who.AUTHOR, None),
        (Who.MINUTE_TAKER, None),
    ],
)
async def test_check_for_a_nobody(world: World, who: Who, without_facts: bool | None) -> None:
    stranger = await _person(world.uow, "Dora")
    call = world.call(stranger)
    permission = Permission("test", (who,))
    assert await check(call, permission, None) is without_facts
    facts = Facts(host=world.host, author_id=world.host_contact.id, minute_taker_id=0)
    assert await check(call, permission, facts) is (who is Who.ANYONE)


async def test_check_static_rules_follow_the_actor(world: World) -> None:
    cases = [
        (Who.ROOM_ADMIN, world.call(world.coordinator, admin=True)),
        (Who.COORDINATOR, world.call(world.coordinator, coordinator=True)),
        (Who.CONTACT, world.call(world.guest_contact)),
    ]
    for who, call in cases:
        assert await check(call, Permission("test", (who,)), None) is True
        assert await check(call, Permission("test", (who,)), Facts()) is True


async def test_check_rules_on_the_thing_concerned(world: World) -> None:
    host, guest = world.call(world.host_contact), world.call(world.guest_contact)
    rule = Permission("test", (Who.HOST,))
    assert await check(host, rule, Facts(host=world.host)) is True
    assert await check(guest, rule, Facts(host=world.host)) is False
    assert await check(host, rule, Facts()) is False  # no host: nobody is it
    author = Permission("test", (Who.AUTHOR,))
    assert await check(host, author, Facts(author_id=world.host_contact.id)) is True
    assert await check(guest, author, Facts(author_id=world.host_contact.id)) is False
    taker = Permission("test", (Who.MINUTE_TAKER,))
    assert await check(guest, taker, Facts(minute_taker_id=world.guest_contact.id)) is True
    assert await check(host, taker, Facts(minute_taker_id=world.guest_contact.id)) is False
    # A static rule beside one that needs facts decides alone when it allows.
    both = Permission("test", (Who.COORDINATOR, Who.HOST))
    assert await check(world.call(world.coordinator, coordinator=True), both, None) is True
    assert await check(guest, both, None) is None


async def test_a_contact_person_outside_a_partnership_is_nobodys_contact(world: World) -> None:
    call = Call(world.uow, world.clock, Actor(world.host_contact))
    assert await check(call, Permission("test", (Who.CONTACT,)), None) is False


async def test_a_static_refusal_names_the_coordinators(world: World) -> None:
    @use_case("test.coordinators", Who.COORDINATOR)
    async def only_coordinators(call: Call) -> str:
        return "done"

    with pytest.raises(NotAllowed) as refused:
        await only_coordinators(world.call(world.host_contact))
    assert (refused.value.key, refused.value.params) == (
        "common.only_coordinators",
        {"names": "Cora"},
    )
    assert await only_coordinators(world.call(world.coordinator, coordinator=True)) == "done"


async def test_a_use_case_that_never_decides_its_rule_is_a_bug(world: World) -> None:
    @use_case("test.host", Who.HOST)
    async def forgetful(call: Call) -> None:
        return None

    with pytest.raises(AssertionError, match="never decided"):
        await forgetful(world.call(world.host_contact))


# The notifier with the chat channel: one outbox row per active room.


async def test_an_event_becomes_one_message_per_active_room(world: World) -> None:
    call = world.call(world.coordinator, coordinator=True)
    event = await meetings.cancel(call, meetings.CancelMeeting())
    notifier = Notifier([ChatChannel(Catalog.load())])
    await notifier.publish(world.uow, call.events, call.now)
    messages = await world.uow.outbox.pending()
    assert [m.room for m in messages] == [
        RoomRef("matrix", "!main:example.org"),
        RoomRef("telegram", "-200"),
    ]
    assert {m.partnership_id for m in messages} == {world.partnership.id}
    assert messages[0].reply == messages[1].reply
    assert "Cora" in render_plain(messages[0].reply)
    assert [a.filename.endswith(".ics") for a in messages[0].reply.attachments] == [True]
    assert event.meeting.cancelled


async def test_a_notice_goes_to_its_room_or_to_every_active_one(world: World) -> None:
    hello = Reply.of(Paragraph.of("Hallo"))
    notices = [
        ChatNotice(world.partnership, hello, RoomRef("x", "1")),
        ChatNotice(world.partnership, hello),
    ]
    await Notifier([ChatChannel(Catalog.load())]).publish(world.uow, notices, NOW)
    messages = await world.uow.outbox.pending()
    assert [m.room.room_id for m in messages] == ["1", "!main:example.org", "-200"]
    assert render_plain(messages[0].reply) == "Hallo"
