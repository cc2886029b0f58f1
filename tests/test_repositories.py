"""The repository contract, run on SQLite and (when configured) on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.core.events import Identity, RoomRef
from bot.core.model import HandledEvent, LinkCode
from bot.core.render import render_plain
from bot.core.reply import Attachment, Paragraph, Reply
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_partnership_roundtrip_keeps_settings_and_aware_times(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("Klima-Allianz", "de", "Europe/Berlin", NOW)
        p.rules = "Zeile 1\nZeile 2 – ÄÖÜß 🌍"
        p.max_contacts = 3
        assert p.state == ""
        p.state = "NW"
        await uow.partnerships.save(p)
        await uow.commit()
    async with database.uow() as uow:
        loaded = await uow.partnerships.get(p.id)
    assert loaded is not None
    assert (loaded.name, loaded.rules, loaded.max_contacts, loaded.state) == (
        "Klima-Allianz",
        "Zeile 1\nZeile 2 – ÄÖÜß 🌍",
        3,
        "NW",
    )
    assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None


async def test_uncommitted_work_is_gone(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("Vergessen", "de", "Europe/Berlin", NOW)
    async with database.uow() as uow:
        assert await uow.partnerships.get(p.id) is None


async def test_rooms_belong_to_one_partnership(database: Database) -> None:
    ref = RoomRef("matrix", "!abc:example.org")
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        await uow.rooms.add(a.id, ref, "Raum", NOW)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.rooms.add(b.id, ref, "Raum", NOW)
    async with database.uow() as uow:
        room = await uow.rooms.find(ref)
        assert room is not None and room.partnership_id == a.id
        await uow.rooms.set_active(room.id, False)
        await uow.commit()
    async with database.uow() as uow:
        rooms = await uow.rooms.of_partnership(a.id)
        assert [r.active for r in rooms] == [False]
        assert await uow.rooms.of_partnership(b.id) == []


async def test_member_names_are_unique_per_partnership_ignoring_umlaut_spelling(
    database: Database,
) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        await uow.members.add(a.id, "Jüchen", NOW)
        await uow.members.add(b.id, "Jüchen", NOW)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.members.add(a.id, "JUECHEN", NOW)
    async with database.uow() as uow:
        members = await uow.members.of_partnership(a.id)
        assert [m.name for m in members] == ["Jüchen"]
        member = members[0]
        member.left_at = NOW + timedelta(days=1)
        await uow.members.save(member)
        await uow.commit()
    async with database.uow() as uow:
        (left,) = await uow.members.of_partnership(a.id)
        assert left.left_at == NOW + timedelta(days=1) and not left.active


async def test_persons_identities_contacts_and_coordinators(database: Database) -> None:
    anna = Identity("matrix", "@anna:example.org")
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        member = await uow.members.add(p.id, "Kleve", NOW)
        person = await uow.persons.add("Anna", anna)
        contact = await uow.contacts.add(member.id, person.id, NOW)
        await uow.coordinators.add(p.id, person.id, NOW)
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.persons.by_identity(anna)
        assert found is not None and found.identities == (anna,)
        assert await uow.persons.by_identity(Identity("telegram", "@anna:example.org")) is None
        assert [c.id for c in await uow.contacts.active_of_partnership(p.id)] == [contact.id]
        assert await uow.coordinators.of_partnership(p.id) == [person.id]
        await uow.contacts.end(contact.id, NOW)
        await uow.coordinators.remove(p.id, person.id)
        await uow.persons.rename(person.id, "Anna S.")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.contacts.active_of_partnership(p.id) == []
        assert await uow.coordinators.of_partnership(p.id) == []
        assert (await uow.persons.many({person.id}))[person.id].display_name == "Anna S."


async def test_presence_follows_rooms(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        r1 = await uow.rooms.add(p.id, RoomRef("console", "main"), "main", NOW)
        r2 = await uow.rooms.add(p.id, RoomRef("console", "other"), "other", NOW)
        person = await uow.persons.add("Anna", Identity("console", "anna"))
        await uow.presence.enter(r1.id, person.id, NOW)
        await uow.presence.enter(r1.id, person.id, NOW)
        await uow.presence.enter(r2.id, person.id, NOW)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.presence.of_partnership(p.id) == {person.id: {r1.id, r2.id}}
        await uow.presence.leave(r1.id, person.id)
        await uow.rooms.remove(r2.id)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.presence.of_partnership(p.id) == {}


async def test_link_codes_are_used_once(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        await uow.link_codes.add(LinkCode("ABCD2345", p.id, NOW + timedelta(hours=24)))
        await uow.commit()
    async with database.uow() as uow:
        code = await uow.link_codes.get("ABCD2345")
        assert code is not None and code.used_at is None
        await uow.link_codes.mark_used("ABCD2345", NOW)
        await uow.commit()
    async with database.uow() as uow:
        code = await uow.link_codes.get("ABCD2345")
        assert code is not None and code.used_at == NOW
        assert await uow.link_codes.get("NOPE") is None


async def test_failed_link_attempts_count_per_room_and_account(database: Database) -> None:
    room, other = RoomRef("telegram", "-100"), RoomRef("telegram", "-200")
    mallory, eve = Identity("telegram", "66"), Identity("telegram", "77")
    async with database.uow() as uow:
        await uow.link_codes.failed(room, mallory, NOW - timedelta(days=2))  # forgotten next
        await uow.link_codes.failed(room, mallory, NOW - timedelta(minutes=30))
        await uow.link_codes.failed(other, eve, NOW - timedelta(minutes=20))
        await uow.link_codes.failed(room, eve, NOW - timedelta(minutes=10))
        await uow.commit()
    async with database.uow() as uow:
        since = NOW - timedelta(hours=1)
        assert await uow.link_codes.failures(room, Identity("matrix", "66"), since) == [
            NOW - timedelta(minutes=30),
            NOW - timedelta(minutes=10),
        ]
        assert len(await uow.link_codes.failures(other, mallory, since)) == 2
        assert len(await uow.link_codes.failures(other, eve, since)) == 2
        everything = await uow.link_codes.failures(room, mallory, NOW - timedelta(days=3))
        assert len(everything) == 2, "the two-day-old attempt went when a newer one came"


async def test_audit_keeps_order_newest_first(database: Database) -> None:
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        for n in range(3):
            await uow.audit.add(p.id, None, f"step.{n}", "{}", NOW + timedelta(minutes=n))
        await uow.commit()
    async with database.uow() as uow:
        entries = await uow.audit.of_partnership(p.id, limit=2)
    assert [e.action for e in entries] == ["step.2", "step.1"]


async def test_outbox_lifecycle(database: Database) -> None:
    room = RoomRef("matrix", "!r:example.org")
    reply = Reply.of(
        Paragraph.of("<b>nicht fett</b> 🌍"),
        attachments=(Attachment("a.ics", "text/calendar", b"x\0y"),),
    )
    async with database.uow() as uow:
        first = await uow.outbox.add(1, room, reply, NOW)
        second = await uow.outbox.add(1, RoomRef("telegram", "-100"), reply, NOW)
        await uow.commit()
    assert first != second
    async with database.uow() as uow:
        due = await uow.outbox.due(NOW)
        assert [m.uid for m in due] == [first, second]
        assert due[0].reply == reply
        await uow.outbox.mark_retry(due[0].id, NOW + timedelta(seconds=30), "timeout")
        await uow.outbox.mark_failed(due[1].id, "forbidden")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.outbox.due(NOW) == []
        assert await uow.outbox.next_due_at() == NOW + timedelta(seconds=30)
        (retry,) = await uow.outbox.due(NOW + timedelta(seconds=30))
        assert retry.attempts == 1 and retry.last_error == "timeout"
        assert [m.uid for m in await uow.outbox.failed()] == [second]
        await uow.outbox.mark_sent(retry.id, NOW + timedelta(seconds=31))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.outbox.pending() == []
        assert await uow.outbox.next_due_at() is None


async def test_due_messages_leave_out_those_being_sent_and_what_waits_behind_them(
    database: Database,
) -> None:
    """The delivery asks again while sends are under way: the messages being sent are not
    returned again, and their rooms' next messages still wait behind them."""
    room, other = RoomRef("telegram", "-100"), RoomRef("telegram", "-200")
    async with database.uow() as uow:
        for text, to in (("a1", room), ("b1", other), ("a2", room)):
            await uow.outbox.add(1, to, Reply.of(Paragraph.of(text)), NOW)
        await uow.commit()
    async with database.uow() as uow:
        a1, b1 = await uow.outbox.due(NOW)
        assert await uow.outbox.due(NOW, excluding=[a1.id]) == [b1]
        assert await uow.outbox.due(NOW, platforms=["telegram"], excluding=[a1.id, b1.id]) == []
        await uow.outbox.mark_sent(a1.id, NOW)
        (a2,) = await uow.outbox.due(NOW, excluding=[b1.id])
        assert a2.reply == Reply.of(Paragraph.of("a2"))


async def test_a_parked_message_keeps_its_reply_answer_and_kind_and_blocks_no_room(
    database: Database,
) -> None:
    room = RoomRef("telegram", "-100")
    async with database.uow() as uow:
        stuck = await uow.outbox.add(1, room, Reply.of(Paragraph.of("lang")), NOW, answers="42")
        after = await uow.outbox.add(1, room, Reply.of(Paragraph.of("danach")), NOW)
        notice = await uow.outbox.add(None, room, Reply.of(Paragraph.of("!")), NOW, kind="notice")
        await uow.commit()
    async with database.uow() as uow:
        (first,) = await uow.outbox.due(NOW)
        assert (first.uid, first.answers, first.kind) == (stuck, "42", "message")
        await uow.outbox.mark_parked(first.id, "M_TOO_LARGE")
        await uow.commit()
    async with database.uow() as uow:
        assert [m.uid for m in await uow.outbox.due(NOW)] == [after]
        (parked,) = await uow.outbox.parked()
        assert (parked.uid, parked.status, parked.attempts) == (stuck, "parked", 1)
        assert parked.last_error == "M_TOO_LARGE" and parked.answers == "42"
        assert await uow.outbox.failed() == []
        assert [m.kind for m in await uow.outbox.pending()] == ["message", "notice"]
        assert [m.uid for m in await uow.outbox.pending()][-1] == notice
        sent, _ = await uow.outbox.pending()
        await uow.outbox.mark_sent(sent.id, NOW, forget=True)
        await uow.commit()
    async with database.uow() as uow:
        # a sent reply keeps no text (it may name people)
        assert sent.id not in [m.id for m in await uow.outbox.pending()]
        raw = await uow.outbox.parked()
        assert render_plain(raw[0].reply) == "lang"


async def test_adapter_state_survives(database: Database) -> None:
    async with database.uow() as uow:
        assert await uow.state.get("matrix.since") is None
        await uow.state.put("matrix.since", "s1")
        await uow.state.put("matrix.since", "s2")
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.state.get("matrix.since") == "s2"


async def test_handled_events_are_kept_until_pruned(database: Database) -> None:
    answered = HandledEvent("matrix", "$1", NOW)
    silent = HandledEvent("telegram", "$1", NOW + timedelta(hours=1))
    async with database.uow() as uow:
        await uow.handled_events.add(answered)
        await uow.handled_events.add(silent)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with database.uow() as uow:
            await uow.handled_events.add(HandledEvent("matrix", "$1", NOW))
    async with database.uow() as uow:
        assert await uow.handled_events.find("matrix", "$1") == answered
        assert await uow.handled_events.find("telegram", "$1") == silent
        assert await uow.handled_events.find("matrix", "$2") is None
        await uow.handled_events.prune(NOW + timedelta(minutes=30))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.handled_events.find("matrix", "$1") is None
        assert await uow.handled_events.find("telegram", "$1") == silent


async def test_migrations_are_idempotent(database: Database) -> None:
    await database.upgrade()
    async with database.uow() as uow:
        assert await uow.partnerships.get(1) is None


async def test_outbox_keeps_each_rooms_order_across_retries(database: Database) -> None:
    one, two = RoomRef("matrix", "!one:e.org"), RoomRef("matrix", "!two:e.org")
    payload = Reply.of(Paragraph.of("x"))
    async with database.uow() as uow:
        first = await uow.outbox.add(1, one, payload, NOW)
        second = await uow.outbox.add(1, one, payload, NOW)
        other = await uow.outbox.add(1, two, payload, NOW)
        await uow.commit()
    async with database.uow() as uow:
        due = await uow.outbox.due(NOW)
        assert [m.uid for m in due] == [first, other]
        await uow.outbox.mark_retry(due[0].id, NOW + timedelta(seconds=10), "timeout")
        await uow.outbox.mark_sent(due[1].id, NOW)
        await uow.commit()
    async with database.uow() as uow:
        # The second message of room one waits behind the first one's retry.
        assert await uow.outbox.due(NOW + timedelta(seconds=5)) == []
        (retry,) = await uow.outbox.due(NOW + timedelta(seconds=10))
        assert retry.uid == first
        await uow.outbox.mark_failed(retry.id, "gone")
        await uow.commit()
    async with database.uow() as uow:
        assert [m.uid for m in await uow.outbox.due(NOW + timedelta(seconds=10))] == [second]
