"""The contract of e-mail recipients and kinds, on SQLite and (when configured) on
PostgreSQL: addresses per partnership, their state kept, found by stop code, removed; the
kinds a partnership switched off."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.events import Identity
from bot.core.mail import EmailSetting
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_addresses_are_kept_per_partnership_with_their_state(database: Database) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        anna = await uow.persons.add("Anna", Identity("matrix", "@anna:example.org"))
        assert await uow.emails.of_partnership(a.id) == [] and await uow.emails.count(a.id) == 0
        await uow.emails.add(a.id, "rathaus@kleve.de", None, None, "h1", "stop-1", NOW)
        await uow.emails.add(a.id, "anna@kleve.de", None, anna.id, "h2", "stop-2", NOW)
        await uow.emails.add(b.id, "info@goch.de", None, None, "h3", "stop-3", NOW)
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.emails.of_partnership(a.id)
        assert [(e.address, e.person_id, e.status, e.code_hash) for e in found] == [
            ("rathaus@kleve.de", None, "pending", "h1"),
            ("anna@kleve.de", anna.id, "pending", "h2"),
        ]
        assert await uow.emails.count(a.id) == 2 and await uow.emails.count(b.id) == 1
        assert all(e.created_at.tzinfo is not None for e in found)
        stopped = await uow.emails.by_stop_code("stop-2")
        assert stopped is not None and stopped.address == "anna@kleve.de"
        assert await uow.emails.by_stop_code("stop-9") is None
        confirmed = replace(found[0], status="confirmed", confirmed_at=NOW + timedelta(hours=1))
        await uow.emails.save(confirmed)
        await uow.emails.remove(found[1].id)
        await uow.commit()
    async with database.uow() as uow:
        [kept] = await uow.emails.of_partnership(a.id)
        assert kept.confirmed and kept.confirmed_at == NOW + timedelta(hours=1)
        assert await uow.emails.by_stop_code("stop-2") is None
        assert [e.address for e in await uow.emails.of_partnership(b.id)] == ["info@goch.de"]


async def test_an_address_is_found_by_its_answer_code_and_by_nothing_else(
    database: Database,
) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        await uow.emails.add(a.id, "rathaus@kleve.de", None, None, "h1", "stop-1", NOW, "ans-1")
        await uow.emails.add(a.id, "info@goch.de", None, None, "h2", "stop-2", NOW)
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.emails.by_answer_code("ans-1")
        assert found is not None and found.address == "rathaus@kleve.de"
        assert found.answer_code == "ans-1"
        # an address without a code is not found by the empty code, nor by its stop code
        assert await uow.emails.by_answer_code("") is None
        assert await uow.emails.by_answer_code("stop-1") is None
        assert await uow.emails.by_answer_code("ans-9") is None


async def test_kinds_switched_off_per_partnership(database: Database) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        assert await uow.emails.settings(a.id) == []
        await uow.emails.save_setting(EmailSetting(a.id, "minutes", False))
        await uow.emails.save_setting(EmailSetting(b.id, "invitation", False))
        await uow.commit()
    async with database.uow() as uow:
        await uow.emails.save_setting(EmailSetting(a.id, "minutes", True))
        await uow.emails.save_setting(EmailSetting(a.id, "actions", False))
        await uow.commit()
    async with database.uow() as uow:
        found = sorted(await uow.emails.settings(a.id), key=lambda s: s.kind)
        others = await uow.emails.settings(b.id)
    assert [(s.kind, s.enabled) for s in found if not s.enabled] == [("actions", False)]
    assert others == [EmailSetting(b.id, "invitation", False)]
