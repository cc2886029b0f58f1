"""The rotation's use cases called directly, without chat: skip, swap and set tell the rooms
(through the chat channel) and record exactly what /gastgeber does; only coordinators may."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.channels.chat import ChatChannel
from bot.channels.notifier import Notifier
from bot.i18n import Catalog
from bot.i18n.texts import Texts
from bot.usecases import rotation
from bot.usecases.base import Call, NotAllowed
from storage.database import Database
from storage.models import AuditRow, MeetingRow, RotationOverrideRow
from tests.conftest import make_database
from tests.snapshot import snapshot
from tests.test_usecases_meetings import call_as, last_outbox_id, outbox_since, set_up

COMMANDS = """
@anna: /gastgeber ueberspringen Stadthalle belegt
@anna: /gastgeber tauschen Goch | Kleve | Haushaltssperre
@anna: /gastgeber setzen Kleve Jubiläum
"""


async def _kept(database: Database) -> list[Any]:
    """The changes recorded, the audit trail and the meetings' calendar sequences."""
    async with database.engine.connect() as connection:
        overrides = await connection.execute(
            select(
                RotationOverrideRow.kind,
                RotationOverrideRow.member_id,
                RotationOverrideRow.other_member_id,
                RotationOverrideRow.reason,
                RotationOverrideRow.actor_id,
                RotationOverrideRow.at,
            ).order_by(RotationOverrideRow.id)
        )
        audit = await connection.execute(
            select(AuditRow.action, AuditRow.detail, AuditRow.actor_id).order_by(AuditRow.id)
        )
        meetings = await connection.execute(
            select(MeetingRow.starts_at, MeetingRow.sequence).order_by(MeetingRow.id)
        )
        return [[tuple(r) for r in rows] for rows in (overrides, audit, meetings)]


async def test_rotation_use_cases_do_what_the_host_commands_do(
    sqlite_database: Database, tmp_path: Path
) -> None:
    direct_database = sqlite_database
    (tmp_path / "chat").mkdir()
    chat_database, _ = await make_database("sqlite", tmp_path / "chat")
    try:
        direct = await set_up(direct_database)
        chat = await set_up(chat_database)
        for bot in (direct, chat):
            await bot.say("@anna: /termin 15.3.2027 10:00\n@anna: /termin weiteres 15.6.2027 10:00")
        catalog = Catalog.load()
        notifier = Notifier([ChatChannel(catalog)])

        async def run(step: Callable[[Call], Awaitable[object]]) -> None:
            call = await call_as(direct_database, direct.clock, "anna", coordinator=True)
            async with call.uow:
                await step(call)
                assert len(call.events) == 1
                await notifier.publish(call.uow, call.events, call.now)
                await call.uow.commit()

        before = await last_outbox_id(direct_database)
        await run(lambda c: rotation.skip(c, rotation.SkipTurn("Stadthalle belegt")))
        await run(
            lambda c: rotation.swap(c, rotation.SwapTurns("Goch", "Kleve", "Haushaltssperre"))
        )
        await run(lambda c: rotation.set_host(c, rotation.SetHost("Kleve Jubiläum")))
        told = await outbox_since(direct_database, before)

        before = await last_outbox_id(chat_database)
        await chat.say(COMMANDS)
        expected = await outbox_since(chat_database, before)

        assert [row[:3] for row in told] == [row[:3] for row in expected]
        assert told == expected
        assert await _kept(direct_database) == await _kept(chat_database)

        texts = Texts(catalog, "de", "Europe/Berlin")
        texts_of = [text for _, room, text, _ in told if room == "main"]
        assert len(texts_of) == 3
        assert texts_of[0].splitlines()[1:] == [
            texts.text("host.reason", reason="Stadthalle belegt"),
            "Damit lädt Kleve im 3. Quartal 2027 ein und Goch im 4. Quartal 2027.",
            texts.text("host.next", host="Kleve").replace("**", ""),
        ]
        assert texts_of[2].startswith("anna hat Kleve als Gastgeber")
        sequences = [row[1] for row in (await _kept(direct_database))[2]]
        assert sequences == [0, 0]  # planned meetings keep their hosts: unchanged entries
    finally:
        await chat_database.close()


async def test_only_coordinators_change_the_rotation(sqlite_database: Database) -> None:
    bot = await set_up(sqlite_database)
    before = await snapshot(sqlite_database, skip=("presence",))
    call = await call_as(sqlite_database, bot.clock, "bernd", coordinator=False)
    async with call.uow:
        with pytest.raises(NotAllowed) as refused:
            await rotation.skip(call, rotation.SkipTurn())
        assert refused.value.key == "common.only_coordinators"
        assert call.events == []
        await call.uow.commit()
    assert await snapshot(sqlite_database, skip=("presence",)) == before
