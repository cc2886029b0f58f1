"""The contract of the reads that load only what is open, planned or recent (so a long
history costs no more than a short one), and of the kept rotation state: on SQLite and (when
configured) on PostgreSQL. Each read answers exactly what the whole tables would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.model import ActionItem, AgendaItem, Minutes
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _item(pid: int, text: str, position: int, status: str = "open") -> AgendaItem:
    return AgendaItem(0, pid, text, "", None, None, position, NOW, status=status)


async def test_meetings_for_the_plan_are_the_planned_the_recent_and_the_last_held(
    database: Database,
) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        other = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        kleve = await uow.members.add(p.id, "Kleve", NOW - 900 * DAY)
        held = []
        for n in range(12):  # a meeting a month, held
            m = await uow.meetings.add(p.id, f"h{n}", NOW - (400 - 30 * n) * DAY, "", NOW)
            m.status, m.host_member_id = "held", kleve.id
            m.place = "Rathaus" if n == 3 else ""
            await uow.meetings.save(m)
            held.append(m)
        gone = await uow.meetings.add(p.id, "c1", NOW - 500 * DAY, "", NOW)
        gone.status, gone.updated_at = "cancelled", NOW - 20 * DAY
        await uow.meetings.save(gone)
        older_gone = await uow.meetings.add(p.id, "c2", NOW - 50 * DAY, "", NOW)
        older_gone.status, older_gone.updated_at = "cancelled", NOW - 60 * DAY
        await uow.meetings.save(older_gone)
        planned = await uow.meetings.add(p.id, "s1", NOW - 700 * DAY, "", NOW)  # never settled
        await uow.meetings.add(other.id, "o1", NOW, "", NOW)
        await uow.minutes.add(Minutes(0, p.id, held[-1].id, "final", "meeting", NOW, None))
        await uow.minutes.add(Minutes(0, p.id, held[-3].id, "open", "meeting", NOW, None))
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.meetings.for_plan(p.id, NOW - 100 * DAY, 3)
        every = await uow.meetings.of_partnership(p.id)
        assert [m.uid for m in found] == [
            m.uid
            for m in every
            if m.uid in ("s1", "c1", "c2", "h9", "h10", "h11") or m.starts_at >= NOW - 100 * DAY
        ]
        assert (await uow.meetings.get(held[0].id)) == held[0]
        assert await uow.meetings.get(10_000) is None
        assert await uow.meetings.many({held[1].id, planned.id}) == {
            held[1].id: held[1],
            planned.id: planned,
        }
        assert await uow.meetings.past(p.id, NOW - 390 * DAY, 2) == [gone, held[0]]
        # from 80 days ago on, and the one in meeting mode (its minutes open)
        assert [m.uid for m in await uow.meetings.for_agenda(p.id, NOW - 80 * DAY)] == [
            "h9",
            "h11",
            "c2",
        ]
        assert await uow.meetings.last_held(p.id) == held[-1]
        assert await uow.meetings.last_held(p.id, with_place=True) == held[3]
        assert await uow.meetings.last_held(p.id, host_member_id=kleve.id + 1) is None
        assert await uow.meetings.last_held(p.id, minutes=False) == held[-2]
        assert await uow.meetings.last_held(p.id, minutes=True) == held[-1]
        assert await uow.meetings.last_with_final_minutes(p.id, None) == held[-1]
        assert await uow.meetings.last_with_final_minutes(p.id, held[-1].starts_at) is None


async def test_overrides_for_the_plan_are_those_since_and_the_last_ones(
    database: Database,
) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        made = [
            await uow.overrides.add(p.id, "skip", None, None, str(n), None, NOW - (10 - n) * DAY)
            for n in range(10)
        ]
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.overrides.for_plan(p.id, NOW - 2 * DAY, 3) == made[-3:]
        assert await uow.overrides.for_plan(p.id, NOW - 5 * DAY, 2) == made[5:]


async def test_open_agenda_items_and_those_of_a_meeting(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        meeting = await uow.meetings.add(p.id, "m", NOW, "", NOW)
        other = await uow.meetings.add(p.id, "n", NOW, "", NOW)
        first = await uow.agenda.add(_item(p.id, "eins", 3))
        done = await uow.agenda.add(_item(p.id, "zwei", 1, "done"))
        done.meeting_id = meeting.id
        await uow.agenda.save(done)
        elsewhere = await uow.agenda.add(_item(p.id, "drei", 2, "done"))
        elsewhere.meeting_id = other.id
        await uow.agenda.save(elsewhere)
        removed = await uow.agenda.add(_item(p.id, "vier", 9, "removed"))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.agenda.open_items(p.id) == [first]
        assert await uow.agenda.open_items(p.id, meeting.id) == [done, first]
        assert await uow.agenda.get(first.id) == first
        assert await uow.agenda.get(removed.id) is None
        assert await uow.agenda.highest_position(p.id) == 3
        assert await uow.agenda.highest_position(p.id + 1) == 0


async def test_minutes_open_finished_and_of_meetings(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        meetings = [await uow.meetings.add(p.id, f"m{n}", NOW - n * DAY, "", NOW) for n in range(4)]
        taking = await uow.minutes.add(
            Minutes(0, p.id, meetings[0].id, "open", "meeting", NOW, None)
        )
        done = [
            await uow.minutes.add(
                Minutes(0, p.id, m.id, "final", "meeting", NOW, None, document=f"{{{n}}}")
            )
            for n, m in enumerate(meetings[1:])
        ]
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.minutes.open_of_partnership(p.id) == [taking]
        assert await uow.minutes.for_meetings(set()) == []
        assert {m.id for m in await uow.minutes.for_meetings({meetings[0].id, meetings[2].id})} == {
            taking.id,
            done[1].id,
        }
        assert await uow.minutes.finished_count(p.id) == 3
        # by meeting start: the meeting three days ago comes first
        assert await uow.minutes.finished(p.id, 0, 2) == [done[2], done[1]]
        assert await uow.minutes.finished(p.id, 2, 5) == [done[0]]
        assert await uow.minutes.finished(p.id, 0, 2, newest=True) == [done[1], done[0]]
        day = meetings[2].starts_at
        assert await uow.minutes.finished_between(p.id, day, day + DAY) == [done[1]]


async def test_open_action_items_and_one_by_number(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        items = [
            await uow.actions.add(ActionItem(0, p.id, 0, f"a{n}", None, None, None, None, NOW))
            for n in range(3)
        ]
        items[1].done_at = NOW
        await uow.actions.save(items[1])
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.actions.open_of_partnership(p.id) == [items[0], items[2]]
        assert await uow.actions.by_number(p.id, 2) == items[1]
        assert await uow.actions.by_number(p.id, 4) is None


async def test_reminders_for_replanning_are_the_pending_and_the_asked_for(
    database: Database,
) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        for key in ("a", "b", "c"):
            await uow.reminders.add(p.id, "checkpoint", key, NOW + DAY, {"k": key}, NOW)
        await uow.commit()
    async with database.uow() as uow:
        b, c = [r for r in await uow.reminders.of_partnership(p.id) if r.key in "bc"]
        await uow.reminders.mark_fired(b.id, "sent", NOW)
        await uow.reminders.cancel([c.id])
        await uow.commit()
    async with database.uow() as uow:
        assert [r.key for r in await uow.reminders.for_replan(p.id, set())] == ["a"]
        wanted = {("checkpoint", "c"), ("checkpoint", "x")}
        assert [r.key for r in await uow.reminders.for_replan(p.id, wanted)] == ["a", "c"]


async def test_a_rotation_state_is_kept_replaced_and_dropped(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        assert await uow.rotation_states.get(p.id) is None
        await uow.rotation_states.put(p.id, NOW, "f1", "{}")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.rotation_states.get(p.id) == (NOW, "f1", "{}")
        await uow.rotation_states.put(p.id, NOW + DAY, "f2", '{"x": 1}')
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.rotation_states.get(p.id) == (NOW + DAY, "f2", '{"x": 1}')
        await uow.rotation_states.drop(p.id)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.rotation_states.get(p.id) is None


async def test_many_outbox_messages_are_marked_sent_at_once(database: Database) -> None:
    from bot.core.events import RoomRef
    from bot.core.reply import Paragraph, Reply

    room = RoomRef("console", "main")
    async with database.uow() as uow:
        for n in range(3):
            await uow.outbox.add(None, room, Reply.of(Paragraph.of(f"n{n}")), NOW, kind="reply")
        await uow.commit()
    async with database.uow() as uow:
        first, second, third = await uow.outbox.pending()
        await uow.outbox.mark_all_sent([first.id, third.id], NOW + DAY, forget=True)
        await uow.outbox.mark_all_sent([], NOW, forget=False)
        await uow.commit()
    async with database.uow() as uow:
        assert [m.id for m in await uow.outbox.pending()] == [second.id]
        assert await uow.outbox.due(NOW + DAY) == [second]
