"""Updates pending again after a restart (the previous process took them, but Telegram did
not learn of it): what was answered is not answered again, what was changed is not changed
again, and what was never handled is handled and answered once. And an update counts as
done for Telegram only once it was answered, so a crash loses none."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import Mark, TelegramService
from bot.adapters.telegram.translate import room_of
from bot.core.render import render_plain
from tests.telegram.conftest import World
from tests.telegram.fake_api import user
from tests.test_read_cache import statements

GROUP = -1001000000001
ANNA = user(1001, "Anna", "Albers")
BERND = user(1002, "Bernd", "Brandt")


def keep_updates(world: World) -> list[dict[str, Any]]:
    """Every update pushed from now on, as Telegram would send it again if unconfirmed."""
    kept: list[dict[str, Any]] = []
    push = world.fake.push

    async def keeping(kind: str, payload: dict[str, Any]) -> int:
        update_id = await push(kind, payload)
        kept.append({"update_id": update_id, kind: payload})
        return update_id

    world.fake.push = keeping  # type: ignore[method-assign]
    return kept


async def restart(world: World, tmp_path: Path, unconfirmed: list[dict[str, Any]]) -> None:
    """Stop the bot and start a new one, with `unconfirmed` pending again (as after a crash
    between handling them and Telegram learning of it)."""
    await world.fake.release_pollers()
    await world.service.stop()
    world.fake._closing = False
    world.fake.updates = sorted(
        [*unconfirmed, *world.fake.updates], key=lambda u: int(u["update_id"])
    )
    service = TelegramService(
        world.service.section,
        tmp_path,
        pacer=Pacer(per_chat_interval=0.0, per_second=10_000, per_group_minute=0),
        poll_timeout=2,
    )
    world.service = service
    world.delivery.messengers = {"telegram": service.messenger}  # the new process's
    await service.start(world.app)
    await world.settle()


async def agenda(world: World) -> list[str]:
    async with world.database.uow() as uow:
        room = await uow.rooms.find(room_of(GROUP))
        assert room is not None
        return [item.text for item in await uow.agenda.of_partnership(room.partnership_id)]


async def founded(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz")


async def test_a_change_answered_before_a_restart_is_neither_applied_nor_answered_again(
    world: World, tmp_path: Path
) -> None:
    await founded(world)
    kept = keep_updates(world)
    (answer,) = await world.say(GROUP, ANNA, "/tagesordnung neu Radwege")
    assert "Radwege" in answer

    await restart(world, tmp_path, kept)

    assert world.service.replayable_until == kept[-1]["update_id"]
    assert await agenda(world) == ["Radwege"]
    assert world.fake.sent(GROUP).count(answer) == 1
    again = await world.say(GROUP, ANNA, "/tagesordnung")
    assert any("Radwege" in text for text in again)


async def test_a_read_only_command_answered_before_a_restart_is_answered_once(
    world: World, tmp_path: Path
) -> None:
    await founded(world)
    kept = keep_updates(world)
    (answer,) = await world.say(GROUP, BERND, "/mitglieder")

    await restart(world, tmp_path, kept)

    assert world.fake.sent(GROUP).count(answer) == 1


async def test_what_was_pending_but_not_answered_yet_is_answered_once(
    world: World, tmp_path: Path
) -> None:
    """The previous process answered /mitglieder, then fetched /tagesordnung neu and /regeln
    and died before handling them: they are handled and answered once, the first not again."""
    await founded(world)
    kept = keep_updates(world)
    (members,) = await world.say(GROUP, BERND, "/mitglieder")
    await world.fake.release_pollers()
    await world.service.stop()
    world.fake._closing = False
    await world.fake.say(GROUP, ANNA, "/tagesordnung neu Radwege")
    await world.fake.say(GROUP, BERND, "/regeln")
    mark = len(world.fake.calls)

    await restart(world, tmp_path, kept[:1])

    after = world.fake.sent(GROUP, since=mark)
    assert len(after) == 2
    assert "Radwege" in after[0] and after[1] != members
    assert world.fake.sent(GROUP).count(members) == 1
    assert await agenda(world) == ["Radwege"]


async def test_a_change_whose_reply_never_went_out_is_answered_once_from_its_record(
    world: World, tmp_path: Path
) -> None:
    """The crash came between the change and the send (here: the send failed for now): the
    change is not applied again, and its reply, kept in the outbox, goes out once."""
    await founded(world)
    kept = keep_updates(world)
    world.fake.fail_next("sendMessage", 500, "Internal Server Error", chat_id=GROUP)
    assert await world.say(GROUP, ANNA, "/tagesordnung neu Radwege") == []

    await restart(world, tmp_path, kept)
    world.advance(seconds=1)  # the outbox's retry falls due
    await world.act(asyncio.sleep(0))

    answers = [text for text in world.fake.sent(GROUP) if "Radwege" in text]
    assert len(answers) == 1 and answers[0].startswith("Vorgemerkt")
    assert await agenda(world) == ["Radwege"]


async def test_an_update_is_confirmed_to_telegram_only_once_its_reply_is_kept(
    world: World,
) -> None:
    """Asking for updates past one confirms it. python-telegram-bot's Updater asks again as
    soon as it fetched a batch, so a crash before the reply was kept lost the update: it
    never came again. Here the reply is in the outbox when Telegram is told."""
    await founded(world)
    world.fake.flood(GROUP, retry_after=1)  # the reply cannot go out yet
    update_id = world.fake.next_update_id
    confirming = world.fake.hold("getUpdates", lambda p: int(p.get("offset") or 0) > update_id)
    await world.fake.say(GROUP, ANNA, "/mitglieder")
    async with asyncio.timeout(10):
        await confirming
    async with world.database.uow() as uow:
        (kept,) = [m for m in await uow.outbox.pending() if m.kind == "reply"]
    assert "keine Mitglieder" in render_plain(kept.reply)


async def test_a_mark_older_than_a_day_covers_nothing(world: World, tmp_path: Path) -> None:
    """Telegram keeps updates a day at most and may start its ids anew after a quiet week:
    an old mark must not silence a pending update whose id happens to lie below it."""
    await founded(world)
    (answer,) = await world.say(GROUP, BERND, "/mitglieder")
    await world.fake.release_pollers()
    await world.service.stop()
    world.fake._closing = False
    world.advance(days=8)
    world.fake.next_update_id = 2  # anew, and so the id of the /mitglieder answered
    await world.fake.say(GROUP, BERND, "/mitglieder")

    await restart(world, tmp_path, [])

    assert world.fake.sent(GROUP).count(answer) == 2


@pytest.mark.parametrize("value", ["", "12", "x 2026-11-23T10:00:00+01:00", "5 2026-11-23"])
def test_an_unreadable_mark_is_none(value: str) -> None:
    assert Mark.decode(value) is None


def test_a_mark_covers_what_it_says_for_a_day() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    mark = Mark(41, now)
    assert Mark.decode(mark.encode()) == mark
    assert mark.covers(41, now + timedelta(hours=23)) and mark.covers(3, now)
    assert not mark.covers(42, now) and not mark.covers(41, now + timedelta(hours=24))


async def test_a_warm_read_only_command_costs_only_its_bookkeeping(world: World) -> None:
    """The reply, its record against replays and the mark saved after each answer write
    tables no cached lookup reads, so they keep the read cache: a read-only command in a
    known group reads nothing else."""
    await founded(world)
    await world.say(GROUP, ANNA, "/mitglied neu Kleve")
    await world.say(GROUP, ANNA, "/naechstes")
    with statements(world.database) as seen:
        answer = await world.say(GROUP, ANNA, "/naechstes")
    assert any("Kleve" in text for text in answer)
    bookkeeping = ("outbox", "adapter_state", "handled_event")
    assert [s for s in seen if not any(table in s for table in bookkeeping)] == []
