"""Whole scenarios: python-telegram-bot, unmodified, against the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import re

from bot.adapters.telegram.translate import room_of
from tests.telegram.conftest import World
from tests.telegram.fake_api import BOT_USERNAME, user

GROUP = -1001000000001
OTHER = -1001000000002
ANNA = user(1001, "Anna", "Albers", username="anna_a")
BERND = user(1002, "Bernd", "Brand")
CARLA = user(1003, "Carla", "Claßen")


def heads(out: list[str]) -> list[str]:
    """The first line of each message (announcements may grow further lines over time)."""
    return [text.split("\n")[0] for text in out]


async def founded(world: World, bot_admin: bool = True) -> None:
    world.fake.group(GROUP, "Klima-Allianz Kreis Kleve", ANNA, bot_admin=bot_admin)
    await world.say(GROUP, ANNA, "/setup Klima-Allianz Kleve")


async def test_setup_in_a_group(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz Kreis Kleve", ANNA)
    out = await world.say(GROUP, ANNA, "/setup Klima-Allianz Kleve")
    assert len(out) == 1
    assert out[0].startswith("Die Partnerschaft Klima-Allianz Kleve ist gegründet.")
    assert "Anna Albers" in out[0]
    assert "kein Administrator" not in out[0]
    sent = world.fake.ok_calls("sendMessage")[-1]
    assert sent.params["parse_mode"] == "HTML"
    assert "<b>Klima-Allianz Kleve</b>" in sent.params["text"]
    # a direct answer quotes the command it answers
    assert sent.params["reply_parameters"]["allow_sending_without_reply"] is True


async def test_setup_warns_when_the_bot_is_no_administrator(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA, bot_admin=False)
    out = await world.say(GROUP, ANNA, "/gruenden Klima-Allianz")
    assert len(out) == 2  # the answer, then the warning
    assert "gegründet" in out[0]
    assert "Ich bin in dieser Gruppe kein Administrator" in out[1]
    assert "Bitte machen Sie mich zum Administrator" in out[1]
    assert world.fake.ok_calls("getChatMember")
    # a second /setup fails (already linked) and does not warn again
    again = await world.say(GROUP, ANNA, "/setup Noch eine")
    assert "kein Administrator" not in again[0]


async def test_only_group_administrators_may_set_up(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    world.fake.set_status(GROUP, BERND, "member")
    out = await world.say(GROUP, BERND, "/setup Klima-Allianz")
    assert "Administrator" in out[0]
    assert "gegründet" not in out[0]


async def test_members_and_contacts(world: World) -> None:
    await founded(world)
    world.fake.set_status(GROUP, BERND, "member")
    out = await world.say(GROUP, ANNA, "/member add Kleve")
    assert heads(out) == [
        "Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von Anna Albers)."
    ]
    await world.say(GROUP, ANNA, "/mitglied neu Goch")
    out = await world.say(GROUP, BERND, "/member add Emmerich")
    assert out[0].startswith("Das darf nur die Koordination")
    out = await world.say(GROUP, BERND, "/iam Kleve")
    assert out == ["Bernd Brand ist jetzt Ansprechperson für Kleve."]
    out = await world.say(GROUP, ANNA, "/contact add Goch Anna Albers")
    assert out == ["Anna Albers ist jetzt Ansprechperson für Goch."]
    out = await world.say(GROUP, BERND, "/members")
    assert len(out) == 1
    assert "1. Goch" in out[0] and "Anna Albers" in out[0]
    assert "2. Kleve" in out[0] and "Bernd Brand" in out[0]


async def test_join_and_leave_seen_both_ways_count_once(world: World) -> None:
    await founded(world)
    await world.say(GROUP, ANNA, "/member add Kleve")
    out = await world.act(world.fake.join(GROUP, BERND))
    # the join came as chat_member update and as new_chat_members message: one welcome
    assert out == [
        "Willkommen, Bernd Brand! Hier arbeitet die Partnerschaft Klima-Allianz Kleve.\n"
        "Sprechen Sie für ein Mitglied? Dann melden Sie sich an, z. B. mit /ichbin Kleve. "
        "/hilfe zeigt alles Weitere."
    ]
    await world.say(GROUP, BERND, "/iam Kleve")
    out = await world.act(world.fake.leave(GROUP, BERND))
    farewells = [t for t in out if "hat den Raum" in t]
    assert len(farewells) == 1
    assert farewells[0].startswith("Bernd Brand, Ansprechperson für Kleve, hat den Raum")
    # coming back is a new join, welcomed once more
    out = await world.act(world.fake.join(GROUP, BERND))
    assert out == ["Willkommen, Bernd Brand (Kleve)!"]


async def test_join_seen_only_as_service_message(world: World) -> None:
    await founded(world, bot_admin=False)
    out = await world.act(world.fake.join(GROUP, CARLA))
    assert len(out) == 1 and out[0].startswith("Willkommen, Carla Claßen!")
    # without administrator rights there were no chat_member updates
    assert not any("chat_member" in u for u in world.fake.updates)


async def test_chat_member_updates_are_asked_for(world: World) -> None:
    await founded(world)
    polls = world.fake.ok_calls("getUpdates")
    assert "chat_member" in polls[0].params["allowed_updates"]
    assert world.fake.ok_calls("deleteWebhook")


async def test_commands_addressed_to_us_or_to_nobody(world: World) -> None:
    await founded(world)
    out = await world.say(GROUP, ANNA, f"/members@{BOT_USERNAME}")
    assert out == [
        "Die Partnerschaft hat noch keine Mitglieder. "
        "Die Koordination nimmt sie mit /mitglied neu <Name> auf."
    ]
    mark = len(world.fake.calls)
    await world.fake.say(GROUP, ANNA, "/members@SomeOtherBot")
    await world.fake.say(GROUP, ANNA, "/help@someotherbot")
    await world.fake.say(GROUP, ANNA, f"/rooms@{BOT_USERNAME.lower()}")
    await world.settle()
    out = world.fake.sent(since=mark)
    assert len(out) == 1
    assert out[0].startswith("Räume der Partnerschaft Klima-Allianz Kleve (1):")


async def test_hostile_names_are_escaped(world: World) -> None:
    mallory = user(1666, "<script>alert(1)</script>", "<b>&amp; Co", username="mallory")
    world.fake.group(GROUP, "<i>Gruppe</i> & so", mallory)
    out = await world.say(GROUP, mallory, "/setup <b>Bündnis</b> & <a href='x'>")
    assert len(out) == 1
    assert "<b>Bündnis</b> & <a href='x'>" in out[0]
    assert "<script>alert(1)</script> <b>&amp; Co" in out[0]
    html = world.fake.ok_calls("sendMessage")[-1].params["text"]
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "&amp;amp; Co" in html
    out = await world.say(GROUP, mallory, "/member add <u>Kleve</u> & Söhne")
    assert heads(out) == [
        "<u>Kleve</u> & Söhne ist jetzt Mitglied der Partnerschaft "
        "(aufgenommen von <script>alert(1)</script> <b>&amp; Co)."
    ]


async def test_a_long_reply_is_split(world: World) -> None:
    await founded(world)
    lines = [f"§ {n}: Beschlüsse & Protokolle <gemeinsam> sichern." for n in range(1, 75)]
    rules = "\n".join(lines)
    assert len(rules) < 4000
    await world.say(GROUP, ANNA, "/rules set " + rules)
    out = await world.say(GROUP, ANNA, "/rules")
    assert len(out) == 2
    assert out[0].startswith("Geschäftsordnung der Partnerschaft Klima-Allianz Kleve:")
    joined = "\n".join(out)
    for line in lines:
        assert line in joined
    for call in world.fake.ok_calls("sendMessage")[-2:]:
        assert len(call.params["text"]) <= 4096


async def test_anonymous_administrator_is_a_coordinator(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    out = await world.act(world.fake.say_anonymously(GROUP, "/setup Klima-Allianz"))
    assert out[0].startswith("Die Partnerschaft Klima-Allianz ist gegründet.")
    assert "Administration von Klima-Allianz (anonym)" in out[0]
    out = await world.act(world.fake.say_anonymously(GROUP, "/member add Kleve"))
    assert heads(out) == [
        "Kleve ist jetzt Mitglied der Partnerschaft "
        "(aufgenommen von Administration von Klima-Allianz (anonym))."
    ]
    out = await world.say(GROUP, ANNA, "/coordinators")
    # one stable identity: the anonymous administrators appear once
    assert out[0].count("Administration von Klima-Allianz (anonym)") == 1


async def test_administrators_cached_and_refreshed(world: World) -> None:
    await founded(world)
    world.fake.set_status(GROUP, BERND, "member")
    out = await world.say(GROUP, BERND, "/member add Goch")
    assert out[0].startswith("Das darf nur die Koordination")
    calls = len(world.fake.ok_calls("getChatAdministrators"))
    # promoted: Telegram tells an administrator bot with a chat_member update
    await world.act(world.fake.promote(GROUP, BERND))
    out = await world.say(GROUP, BERND, "/member add Goch")
    assert heads(out) == [
        "Goch ist jetzt Mitglied der Partnerschaft (aufgenommen von Bernd Brand)."
    ]
    assert len(world.fake.ok_calls("getChatAdministrators")) == calls + 1
    # demoted without an update reaching us: the cache holds for a while, then refreshes
    world.fake.set_status(GROUP, BERND, "member")
    out = await world.say(GROUP, BERND, "/member add Kalkar")
    assert out[0].startswith("Kalkar ist jetzt Mitglied")
    assert len(world.fake.ok_calls("getChatAdministrators")) == calls + 1
    world.advance(minutes=11)
    out = await world.say(GROUP, BERND, "/member add Rees")
    assert out[0].startswith("Das darf nur die Koordination")
    assert len(world.fake.ok_calls("getChatAdministrators")) == calls + 2


async def test_flood_wait_is_honoured_by_the_outbox(world: World) -> None:
    await founded(world)
    world.fake.flood(GROUP, retry_after=7)
    out = await world.say(GROUP, ANNA, "/member add Kleve")
    assert out == []
    failed = [c for c in world.fake.calls if c.method == "sendMessage" and not c.ok]
    assert failed[-1].result == "Too Many Requests: retry after 7"
    async with world.database.uow() as uow:
        (waiting,) = await uow.outbox.pending()
    assert (waiting.next_attempt_at - world.clock.now()).total_seconds() == 7
    world.advance(seconds=6)
    world.app.outbox_changed.set()
    await world.settle()
    assert world.fake.sent(GROUP)[-1].startswith("Die Partnerschaft")
    world.advance(seconds=1)
    mark = len(world.fake.calls)
    world.app.outbox_changed.set()
    await world.settle()
    assert heads(world.fake.sent(GROUP, since=mark)) == [
        "Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von Anna Albers)."
    ]


async def test_flood_wait_for_a_direct_reply_is_waited_out(world: World) -> None:
    await founded(world)
    world.fake.flood(GROUP, retry_after=1)
    assert await world.say(GROUP, ANNA, "/members") == []
    world.advance(seconds=1)
    out = await world.act(asyncio.sleep(0))
    assert len(out) == 1
    attempts = [c for c in world.fake.calls if c.method == "sendMessage"][-2:]
    assert [c.ok for c in attempts] == [False, True]


async def test_removed_bot_marks_the_group_inactive(world: World) -> None:
    await founded(world)
    out = await world.say(GROUP, ANNA, "/link")
    code = re.search(r"Code: (\S+)", out[0])
    assert code is not None
    world.fake.group(OTHER, "Klima-Allianz (Telegram 2)", BERND)
    out = await world.say(OTHER, BERND, f"/link {code.group(1)}")
    assert "Dieser Raum ist jetzt mit der Partnerschaft Klima-Allianz Kleve verbunden." in out
    await world.act(world.fake.remove_bot(OTHER, by=BERND))
    out = await world.say(GROUP, ANNA, "/member add Kleve")
    assert (
        heads(out)[0] == "Kleve ist jetzt Mitglied der Partnerschaft (aufgenommen von Anna Albers)."
    )
    # (the core may tell the remaining rooms that one is unreachable)
    assert all("erreichbar" in extra for extra in out[1:])
    refused = [c for c in world.fake.calls if c.method == "sendMessage" and not c.ok]
    assert refused[-1].result.startswith("Forbidden: bot was kicked")
    async with world.database.uow() as uow:
        room = await uow.rooms.find(room_of(OTHER))
        failed = await uow.outbox.failed()
    assert room is not None and room.active is False
    assert len(failed) == 1
    # later announcements skip the inactive group
    mark = len(world.fake.calls)
    await world.say(GROUP, ANNA, "/member add Goch")
    assert [c.params["chat_id"] for c in world.fake.calls[mark:] if c.method == "sendMessage"] == [
        GROUP
    ]
    out = await world.say(GROUP, ANNA, "/rooms")
    assert "nicht erreichbar" in out[0]


async def test_command_menus(world: World) -> None:
    menus = world.fake.menus
    assert set(menus) == {
        (scope, None, lang)
        for scope in ("default", "all_chat_administrators")
        for lang in ("", "de", "en")
    }
    everyone_de = [c["command"] for c in menus[("default", None, "de")]]
    admins_de = [c["command"] for c in menus[("all_chat_administrators", None, "de")]]
    everyone_en = [c["command"] for c in menus[("default", None, "en")]]
    admins_en = [c["command"] for c in menus[("all_chat_administrators", None, "en")]]
    assert "mitglieder" in everyone_de and "ichbin" in everyone_de and "hilfe" in everyone_de
    assert "mitglied" not in everyone_de and "mitglied" in admins_de
    assert "gruenden" not in everyone_de and "gruenden" in admins_de
    assert "members" in everyone_en and "member" not in everyone_en and "member" in admins_en
    assert "start" not in everyone_en
    assert set(everyone_de) <= set(admins_de)
    assert menus[("default", None, "")] == menus[("default", None, "de")]
    help_en = next(c for c in menus[("default", None, "en")] if c["command"] == "help")
    assert help_en["description"].startswith("shows this help")


async def test_private_chat(world: World) -> None:
    world.fake.private(ANNA)
    out = await world.say(ANNA["id"], ANNA, "/start")
    # the help for a chat without a partnership: how to found one or link it
    assert out and out[0].startswith("Dieser Raum gehört noch zu keiner Partnerschaft.")
    assert "Alle Befehle nach Bereichen zeigt /hilfe alle" in out[-1]
