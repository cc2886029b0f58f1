"""Where a person stands in a room now, so /hilfe can show the few commands that matter."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import Member
from bot.usecases.base import Call, use_case
from bot.usecases.minutes_record import meeting_of_day, session
from bot.usecases.plan import current_plan


@dataclass(frozen=True)
class Situation:
    """What decides which commands a person needs: no partnership yet, a newcomer, a
    member's contact person (perhaps of the next host), a coordinator, a meeting day."""

    linked: bool
    room_admin: bool
    coordinator: bool = False
    member: Member | None = None
    hosts_next: bool = False
    meeting_today: bool = False
    meeting_running: bool = False


@use_case("help.situation")
async def situation(call: Call) -> Situation:
    actor = call.actor
    partnership = call.room_partnership
    if partnership is None:
        return Situation(linked=False, room_admin=actor.is_room_admin)
    contacts = await call.uow.contacts.active_of_partnership(partnership.id)
    member_id = next((c.member_id for c in contacts if c.person_id == call.person.id), None)
    plan = await current_plan(call.uow, partnership, call.now)
    member = plan.member(member_id)
    following = plan.next_meeting
    host = following[1] if following else plan.next_host
    return Situation(
        linked=True,
        room_admin=actor.is_room_admin,
        coordinator=actor.is_coordinator,
        member=member,
        hosts_next=member is not None and host is not None and host.id == member.id,
        meeting_today=await meeting_of_day(call.uow, partnership, call.now) is not None,
        meeting_running=await session(call.uow, partnership) is not None,
    )
