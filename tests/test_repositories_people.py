"""The person repository's contract beyond the basics: lookups, what is stored about a person
and forgetting them, on SQLite and (when configured) on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.events import Identity, RoomRef
from bot.core.model import Person
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GONE = "[vergessen]"


async def test_persons_are_found_by_id_and_identity(database: Database) -> None:
    anna = Identity("matrix", "@anna:example.org")
    async with database.uow() as uow:
        first = await uow.persons.add("Anna", anna)
        second = await uow.persons.add("Bernd", Identity("telegram", "42"))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.persons.get(first.id) == Person(first.id, "Anna", (anna,))
        assert await uow.persons.get(second.id + 1000) is None
        assert await uow.persons.many({first.id, second.id}) == {
            first.id: first,
            second.id: second,
        }
        assert await uow.persons.many(set()) == {}
        await uow.persons.rename(first.id, "Anna S.")
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.persons.by_identity(anna)
        assert found == Person(first.id, "Anna S.", (anna,))


async def _annegret_in_two_partnerships(database: Database) -> tuple[int, int, int, int]:
    """Annegret is contact in A and in B; Bernd coordinates A and wrote A's audit."""
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        kleve = await uow.members.add(a.id, "Kleve", NOW)
        goch = await uow.members.add(b.id, "Goch", NOW)
        annegret = await uow.persons.add("Annegret", Identity("console", "annegret"))
        bernd = await uow.persons.add("Bernd", Identity("console", "bernd"))
        await uow.contacts.add(kleve.id, annegret.id, NOW)
        await uow.contacts.add(goch.id, annegret.id, NOW)
        await uow.coordinators.add(a.id, bernd.id, NOW)
        await uow.audit.add(a.id, bernd.id, "contact.added", "Annegret für Kleve", NOW)
        await uow.audit.add(b.id, None, "contact.added", "Annegret für Goch", NOW)
        await uow.commit()
    return a.id, b.id, annegret.id, bernd.id


async def test_record_holds_every_row_about_a_person(database: Database) -> None:
    a, b, annegret, bernd = await _annegret_in_two_partnerships(database)
    async with database.uow() as uow:
        everything = await uow.persons.record(annegret)
        only_a = await uow.persons.record(annegret, a)
        assert await uow.persons.referenced_by(a) == {annegret, bernd}
        assert await uow.persons.referenced_by(b) == {annegret}
    assert [r["display_name"] for r in everything["person"]] == ["Annegret"]
    assert [r["user_id"] for r in everything["identity"]] == ["annegret"]
    assert len(everything["contact"]) == 2
    assert sorted(r["detail"] for r in everything["audit"]) == [
        "Annegret für Goch",
        "Annegret für Kleve",
    ]
    assert len(only_a["contact"]) == 1
    assert [r["detail"] for r in only_a["audit"]] == ["Annegret für Kleve"]
    assert only_a["identity"] == everything["identity"]


async def test_forget_one_partnership_then_everywhere(database: Database) -> None:
    a, b, annegret, bernd = await _annegret_in_two_partnerships(database)
    async with database.uow() as uow:
        assert await uow.persons.forget(annegret, GONE, a) is False  # B still knows her
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.persons.referenced_by(a) == {bernd}
        assert await uow.persons.get(annegret) is not None
        assert [e.detail for e in await uow.audit.of_partnership(a)] == [f"{GONE} für Kleve"]
        assert [e.detail for e in await uow.audit.of_partnership(b)] == ["Annegret für Goch"]
        assert await uow.persons.forget(annegret, GONE) is True
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.persons.get(annegret) is None
        assert await uow.persons.by_identity(Identity("console", "annegret")) is None
        assert await uow.persons.referenced_by(b) == set()
        assert await uow.contacts.active_of_partnership(b) == []
        assert [e.detail for e in await uow.audit.of_partnership(b)] == [f"{GONE} für Goch"]
        assert await uow.persons.forget(annegret, GONE) is False


async def test_a_room_keeps_its_place_under_a_new_chat_id(database: Database) -> None:
    old, new = RoomRef("telegram", "-42"), RoomRef("telegram", "-100042")
    async with database.uow() as uow:
        p = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        room = await uow.rooms.add(p.id, old, "Gruppe", NOW)
        await uow.commit()
    async with database.uow() as uow:
        await uow.rooms.rekey(room.id, new)
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.rooms.find(old) is None
        moved = await uow.rooms.find(new)
        assert moved is not None and (moved.id, moved.name, moved.ref) == (room.id, "Gruppe", new)
