"""The web repository's contract: secret links by their hash, removed by kind (and person),
and what a partnership opened to the public, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.events import Identity
from bot.core.model_web import FEED, MINE, SITE, WebLink, WebSettings
from storage.database import Database

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


async def test_links_are_found_by_hash_and_removed_by_kind_and_person(database: Database) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        b = await uow.partnerships.add("B", "de", "Europe/Berlin", NOW)
        anna = await uow.persons.add("Anna", Identity("console", "anna"))
        bernd = await uow.persons.add("Bernd", Identity("console", "bernd"))
        for n, (partnership, person, kind) in enumerate(
            [
                (a.id, None, SITE),
                (a.id, anna.id, FEED),
                (a.id, anna.id, MINE),
                (a.id, bernd.id, FEED),
                (b.id, None, SITE),
            ]
        ):
            await uow.web.add_link(WebLink(0, partnership, person, kind, f"{n:064x}", NOW))
        await uow.commit()
    async with database.uow() as uow:
        found = await uow.web.find_link(f"{1:064x}")
        assert found is not None
        assert (found.partnership_id, found.person_id, found.kind, found.created_at) == (
            a.id,
            anna.id,
            FEED,
            NOW,
        )
        assert await uow.web.find_link("f" * 64) is None
        assert [link.token_hash for link in await uow.web.links(a.id, SITE)] == [f"{0:064x}"]
        assert await uow.web.remove_links(a.id, [FEED, MINE], anna.id) == 2
        assert await uow.web.remove_links(a.id, [SITE]) == 1
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.web.links(a.id, SITE) == []
        assert [link.person_id for link in await uow.web.links(a.id, FEED)] == [bernd.id]
        assert len(await uow.web.links(b.id, SITE)) == 1, "the other partnership keeps its link"


async def test_settings_default_to_private_and_are_found_by_public_id(database: Database) -> None:
    async with database.uow() as uow:
        a = await uow.partnerships.add("A", "de", "Europe/Berlin", NOW)
        assert await uow.web.settings(a.id) == WebSettings(a.id)
        assert await uow.web.by_public_id("") is None
        await uow.web.save_settings(
            WebSettings(a.id, frozenset({"minutes", "decisions"}), "pub123", True)
        )
        await uow.commit()
    async with database.uow() as uow:
        expected = WebSettings(a.id, frozenset({"minutes", "decisions"}), "pub123", True)
        assert await uow.web.settings(a.id) == expected
        assert await uow.web.by_public_id("pub123") == expected
        assert await uow.web.by_public_id("pub124") is None
        await uow.web.save_settings(WebSettings(a.id, frozenset(), "pub123", False))
        await uow.commit()
    async with database.uow() as uow:
        assert (await uow.web.settings(a.id)).public_parts == frozenset()
