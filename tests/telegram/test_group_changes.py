"""What happens to a group: it becomes a supergroup, or the bot is thrown out of it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.adapters.telegram.translate import room_of
from bot.core.events import RoomRef
from storage.database import Database
from tests.telegram.conftest import World
from tests.telegram.fake_api import user

BASIC = -4000000001
SUPER = -1004000000001
OTHER = -1001000000002
ANNA = user(1001, "Anna", "Albers")
BERND = user(1002, "Bernd", "Brand")


async def test_a_group_that_becomes_a_supergroup_keeps_its_link(world: World) -> None:
    world.fake.group(BASIC, "Klima-Allianz", ANNA, kind="group")
    await world.say(BASIC, ANNA, "/setup Klima-Allianz")
    await world.say(BASIC, ANNA, "/member add Kleve")
    async with world.database.uow() as uow:
        (room,) = [r for r in await uow.rooms.of_partnership(1)]
    await world.act(world.fake.upgrade(BASIC, SUPER, by=ANNA))
    async with world.database.uow() as uow:
        assert await uow.rooms.find(room_of(BASIC)) is None
        moved = await uow.rooms.find(room_of(SUPER))
    assert moved is not None and moved.id == room.id and moved.active
    out = await world.say(SUPER, ANNA, "/members")
    assert len(out) == 1 and "1. Kleve" in out[0]
    out = await world.say(SUPER, ANNA, "/member add Goch")
    assert out[0].startswith("Goch ist jetzt Mitglied")
    # nothing went to the old id after the upgrade, and no room was marked unreachable
    async with world.database.uow() as uow:
        assert await uow.outbox.failed() == []


async def test_an_announcement_for_the_old_group_follows_it(world: World) -> None:
    world.fake.group(BASIC, "Klima-Allianz", ANNA, kind="group")
    await world.say(BASIC, ANNA, "/setup Klima-Allianz")
    # the group is upgraded, but the bot has not seen the update yet
    world.fake.chats[SUPER] = world.fake.chats[BASIC].__class__(
        SUPER, "supergroup", "Klima-Allianz", dict(world.fake.chats[BASIC].members)
    )
    world.fake.chats[BASIC].migrated_to = SUPER
    mark = len(world.fake.calls)
    await world.say(BASIC, ANNA, "/member add Kleve")
    sends = [c for c in world.fake.calls[mark:] if c.method == "sendMessage"]
    assert [(c.params["chat_id"], c.ok) for c in sends][-2:] == [(BASIC, False), (SUPER, True)]
    assert world.fake.sent(SUPER, since=mark)[-1].startswith("Kleve ist jetzt Mitglied")
    async with world.database.uow() as uow:
        assert await uow.outbox.failed() == []


async def test_a_removed_bot_tells_the_coordinators_in_the_other_group(world: World) -> None:
    world.fake.group(GROUP := -1001000000001, "Klima-Allianz", ANNA)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")
    out = await world.say(GROUP, ANNA, "/link")
    code = re.search(r"Code: (\S+)", out[0])
    assert code is not None
    world.fake.group(OTHER, "Klima-Allianz Nord", BERND)
    await world.say(OTHER, BERND, f"/link {code.group(1)}")
    await world.act(world.fake.remove_bot(OTHER, by=BERND))
    out = await world.say(GROUP, ANNA, "/member add Kleve")
    lost = [t for t in out if "nicht mehr erreichbar" in t]
    assert len(lost) == 1
    assert lost[0].startswith("Der Raum Klima-Allianz Nord (Telegram) ist für mich nicht mehr")
    assert "Koordination (Anna Albers)" in lost[0]
    assert not any(c.params.get("chat_id") == OTHER and c.ok for c in world.fake.calls[-5:])


async def test_rekey_moves_only_that_room(database: Database) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    async with database.uow() as uow:
        partnership = await uow.partnerships.add("Klima-Allianz", "de", "Europe/Berlin", now)
        old = await uow.rooms.add(partnership.id, RoomRef("telegram", "-4001"), "Gruppe", now)
        other = await uow.rooms.add(partnership.id, RoomRef("matrix", "!a:x"), "Raum", now)
        await uow.rooms.rekey(old.id, RoomRef("telegram", "-1004001"))
        await uow.commit()
    async with database.uow() as uow:
        assert await uow.rooms.find(RoomRef("telegram", "-4001")) is None
        moved = await uow.rooms.find(RoomRef("telegram", "-1004001"))
        assert moved is not None and (moved.id, moved.name) == (old.id, "Gruppe")
        assert await uow.rooms.find(other.ref) == other


async def test_losing_administrator_rights_is_explained_in_the_group(world: World) -> None:
    world.fake.group(GROUP := -1001000000001, "Klima-Allianz", ANNA)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")
    out = await world.act(world.fake.set_bot_status(GROUP, "member", by=ANNA))
    assert len(out) == 1
    assert out[0].startswith("Hinweis: Ich bin in dieser Gruppe kein Administrator.")
    assert "Bitte machen Sie mich zum Administrator" in out[0]
    # promoted again, or in a group not linked to a partnership: nothing to say
    assert await world.act(world.fake.set_bot_status(GROUP, "administrator", by=ANNA)) == []
    world.fake.group(OTHER, "Fremde Gruppe", BERND)
    assert await world.act(world.fake.set_bot_status(OTHER, "member", by=BERND)) == []
