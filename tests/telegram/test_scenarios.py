"""Whole scenarios: python-telegram-bot, unmodified, against the fake Bot API over HTTP."""

from __future__ import annotations

from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000001
ANNA = user(1001, "Anna", "Albers", username="anna_a")
BERND = user(1002, "Bernd", "Brand")


async def test_setup_in_a_group(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz Kreis Kleve", ANNA)
    out = await world.say(GROUP, ANNA, "/setup Klima-Allianz Kleve")
    assert len(out) == 1
    assert out[0].startswith("Die Partnerschaft Klima-Allianz Kleve ist gegründet.")
    assert "Anna Albers" in out[0]
    assert "kein Administrator" not in out[0]
