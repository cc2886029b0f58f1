"""Telegram's flood limits (the fake enforces them on request, `fake_api_limits`): the bot's
pacing keeps within them, so a fan-out to many groups gets no 429 and every group gets its
messages exactly once; and a group held back by its per-group limit holds back no other."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.telegram.pace import Pacer
from bot.adapters.telegram.service import TelegramService
from bot.adapters.telegram.translate import room_of
from bot.app import AppConfig
from bot.bootstrap import Runtime, bootstrap
from bot.config import Secret, TelegramSection
from bot.core.clock import ManualClock
from bot.core.reply import Paragraph, Poll, PollAnswer, Reply
from storage.database import Database
from tests.telegram.fake_api import FakeBotAPI, user
from tests.telegram.fake_api_limits import RateLimits

ANNA = user(1001, "Anna", "Albers")
SLOW, QUICK = -1002000000001, -1002000000002


@pytest.fixture
async def limited(
    sqlite_database: Database, tmp_path: Path
) -> AsyncIterator[tuple[FakeBotAPI, Runtime]]:
    """The bot against a fake that allows 3 messages in 2 seconds to a group (and paces so)."""
    fake = FakeBotAPI()
    fake.limits = RateLimits(per_group_minute=3, group_window=2.0)
    await fake.start()
    section = TelegramSection(token=Secret(fake.token), base_url=fake.url)
    pacer = Pacer(per_chat_interval=0.0, per_group_minute=3, group_window=2.0)
    service = TelegramService(section, tmp_path, pacer=pacer, poll_timeout=2)
    clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    runtime = await bootstrap(sqlite_database, clock, {"telegram": service.messenger}, AppConfig())
    await service.start(runtime.app)
    sender = asyncio.create_task(runtime.delivery.run(runtime.app.outbox_changed))
    try:
        yield fake, runtime
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
        await fake.release_pollers()
        await service.stop()
        await fake.close()


def _sends(fake: FakeBotAPI) -> list[tuple[int, str]]:
    return [
        (c.params["chat_id"], c.params["text"])
        for c in fake.calls
        if c.method == "sendMessage" and c.ok
    ]


async def test_a_group_held_back_by_its_limit_holds_back_no_other(
    limited: tuple[FakeBotAPI, Runtime],
) -> None:
    fake, runtime = limited
    fake.group(SLOW, "Viel los", ANNA)
    fake.group(QUICK, "Ruhig", ANNA)
    for n in range(5):
        await runtime.app.say(room_of(SLOW), Reply.of(Paragraph.of(f"Nachricht {n + 1}")))
    await fake.wait_for(lambda: len(_sends(fake)) == 3)  # the fourth waits for the group's window
    await runtime.app.say(room_of(QUICK), Reply.of(Paragraph.of("Eilig")))
    await fake.wait_for(lambda: len(_sends(fake)) == 6)
    order = [text for _, text in _sends(fake)]
    assert order.index("Eilig") < order.index("Nachricht 4")
    assert [t for c, t in _sends(fake) if c == SLOW] == [f"Nachricht {n}" for n in range(1, 6)]
    assert fake.limits is not None and fake.limits.refused == 0


async def test_a_fan_out_to_forty_groups_keeps_the_limits_and_loses_nothing(
    limited: tuple[FakeBotAPI, Runtime],
) -> None:
    fake, runtime = limited
    assert fake.limits is not None
    fake.limits.per_second = 10  # fewer groups, same shape: the overall limit binds
    runtime_pacer = Pacer(per_chat_interval=0.0, per_second=10)
    groups = [-1003000000000 - n for n in range(40)]
    for chat in groups:
        fake.group(chat, f"Gruppe {chat}", ANNA)
    messenger = runtime.delivery.messengers["telegram"]
    messenger.pacer = runtime_pacer  # type: ignore[attr-defined]
    for chat in groups:
        await runtime.app.say(room_of(chat), Reply.of(Paragraph.of("Neues Treffen am 10.12.")))
        await runtime.app.say(room_of(chat), Reply.of(Paragraph.of("Tagesordnung folgt.")))
    await fake.wait_for(lambda: len(_sends(fake)) == 80)
    await asyncio.sleep(0.3)
    per_chat = Counter(chat for chat, _ in _sends(fake))
    assert per_chat == {chat: 2 for chat in groups}
    assert fake.limits.refused == 0
    moments = [t for t, _ in fake.limits.accepted]
    assert max(sum(1 for t in moments if s <= t < s + 1.0) for s in moments) <= 10


async def test_polls_free_their_place_in_the_groups_window_like_messages(
    limited: tuple[FakeBotAPI, Runtime],
) -> None:
    """A poll posted and ended counts once in the group's window and then frees its place:
    five polls in a row (each window of 2 s allows 3) all arrive, none waits forever."""
    fake, runtime = limited
    fake.group(SLOW, "Viel los", ANNA)
    answers = (PollAnswer("1", "Di"), PollAnswer("2", "Mi"))
    for n in range(5):
        poll = Poll(f"datepoll:{n + 1}", f"Wann? ({n + 1})", answers)
        await runtime.app.say(room_of(SLOW), Reply((Paragraph.of("Umfrage"),), poll=poll))
    async with asyncio.timeout(20):
        await fake.wait_for(lambda: len(fake.ok_calls("sendPoll")) == 5)
