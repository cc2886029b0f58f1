"""Who a planned meeting belongs to: its host (when the host leaves, another, told, never
silently) and who writes its minutes."""

from __future__ import annotations

from bot.core.domain_events import MeetingHostChanged
from bot.core.model import Meeting, Member
from bot.usecases.base import Call
from bot.usecases.plan import current_plan


async def rehost_departed(call: Call, member: Member, reason: str) -> None:
    """The planned meetings of a member that left go to the member in line, each told
    with the reason; other meetings keep their hosts."""
    partnership = call.partnership
    plan = await current_plan(call.uow, partnership, call.now)
    for meeting, host in plan.upcoming:
        if host is None or host.id != member.id:
            continue
        meeting.host_member_id = None
        meeting.sequence += 1
        meeting.updated_at = call.now
        await call.uow.meetings.save(meeting)
        plan = await current_plan(call.uow, partnership, call.now)
        new = next(h for m, h in plan.upcoming if m.id == meeting.id)
        fixed = next(m for m in plan.meetings if m.id == meeting.id)
        call.raise_event(
            MeetingHostChanged(
                partnership, fixed, member.name, new, reason, call.person.display_name
            )
        )


async def minute_taker(call: Call, meeting: Meeting) -> str | None:
    """The delegated minute-taker's name; None: the host's contact persons."""
    if meeting.minute_taker_person_id is None:
        return None
    person = await call.uow.persons.get(meeting.minute_taker_person_id)
    return person.display_name if person else None
