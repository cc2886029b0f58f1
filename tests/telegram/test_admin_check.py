"""When Telegram will not list a group's administrators, nobody is told "only administrators
may": the one asking is looked up alone, and if Telegram will not say that either, the reply
says the check failed and to try again."""

from __future__ import annotations

from tests.telegram.conftest import World
from tests.telegram.fake_api import user

GROUP = -1001000000011
ANNA = user(1101, "Anna", "Albers")
BERND = user(1102, "Bernd", "Brand")


async def test_the_creator_founds_although_the_administrator_list_fails(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    world.fake.set_status(GROUP, BERND, "member")
    world.fake.fail_next("getChatAdministrators", 502, "Bad Gateway")
    refused = await world.say(GROUP, BERND, "/gruenden Klima-Allianz")
    assert "Administrator" in refused[0] and "nicht prüfen" not in refused[0]
    world.fake.fail_next("getChatAdministrators", 502, "Bad Gateway")
    founded = await world.say(GROUP, ANNA, "/gruenden Klima-Allianz")
    assert "gegründet" in founded[0]
    assert "/mitglied neu" in founded[0] and "!" not in founded[0], "privacy mode: only /"


async def test_when_telegram_says_nothing_the_reply_says_so(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    world.fake.fail_next("getChatAdministrators", 502, "Bad Gateway")
    world.fake.fail_next("getChatMember", 502, "Bad Gateway")
    out = await world.say(GROUP, ANNA, "/gruenden Klima-Allianz")
    assert len(out) == 1
    assert "nicht prüfen, wer diesen Raum administriert" in out[0]
    assert "noch einmal" in out[0]
    assert "Das dürfen nur" not in out[0]
    again = await world.say(GROUP, ANNA, "/gruenden Klima-Allianz")
    assert "gegründet" in again[0]
