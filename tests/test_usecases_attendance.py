"""The attendance use cases on the in-memory unit of work: the answer is kept per person and
counted per member; the members' answer follows its contact persons; a move resets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.attendance import MAYBE, NO, YES
from bot.core.errors import UserError
from bot.usecases import attendance, meetings
from bot.usecases.attendance_tally import member_answer, tally
from tests.test_meetings_identity import NOW, _world


def test_one_contact_person_coming_makes_the_member_come() -> None:
    assert member_answer([NO, YES]) == YES
    assert member_answer([NO, MAYBE]) == MAYBE
    assert member_answer([NO, NO]) == NO
    assert member_answer([]) is None


async def test_the_latest_answer_counts_and_a_move_resets() -> None:
    world = await _world()
    call = world.call()
    start = NOW + timedelta(days=20)
    await meetings.schedule(call, meetings.ScheduleMeeting(start))
    kleve = next(m for m in await call.uow.members.of_partnership(1) if m.name == "Kleve")
    await call.uow.contacts.add(kleve.id, call.person.id, NOW)
    first = await attendance.reply(call, attendance.ReplyToMeeting(NO))
    assert isinstance(first, attendance.ReplyNoted)
    assert first.before is None and first.member is not None and first.member.name == "Kleve"
    second = await attendance.reply(call, attendance.ReplyToMeeting(YES, "1"))
    assert isinstance(second, attendance.ReplyNoted) and second.before == NO
    counted = await tally(call.uow, call.partnership, second.meeting)
    assert [(e.member.name, e.answer) for e in counted.members] == [
        ("Goch", None),
        ("Kalkar", None),
        ("Kleve", YES),
    ]
    assert len(await call.uow.replies.of_meetings([second.meeting.id])) == 1
    await meetings.move(call, meetings.MoveMeeting(start + timedelta(days=1)))
    shown = await attendance.show(call)
    assert isinstance(shown, attendance.Attendance)
    assert shown.tally.with_answer(YES) == [] and len(shown.tally.with_answer(None)) == 3
    with pytest.raises(UserError) as refused:
        await attendance.reply(call, attendance.ReplyToMeeting(YES, "2"))
    assert refused.value.key == "meeting.no_number"
