"""partnerbot in real Matrix rooms on a real Synapse: setup, members, joins and leaves, roles."""

from __future__ import annotations

from collections.abc import Callable

from nio import RoomGetStateEventResponse

from tests.matrix.helpers import BotUnderTest, Person


async def _room_with_bot(
    anna: Person, bot: BotUnderTest, version: str | None = None, encrypted: bool = False
) -> str:
    room_id = await anna.create_room("Klima-Allianz", version=version, encrypted=encrypted)
    await anna.client.room_invite(room_id, bot.user_id)
    await anna.joined(room_id, bot.user_id)
    return room_id


async def test_setup_members_contacts_joins_and_leaves(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    # Room version 12 (Synapse's default): anna is the creator, not in power_levels.users.
    room_id = await anna.create_room("Klima-Allianz")
    await anna.say(room_id, "!mitglieder")  # history from before the bot joined: never answered
    await anna.client.room_invite(room_id, bot.user_id)
    await anna.joined(room_id, bot.user_id)

    setup = await anna.ask(room_id, bot.user_id, "!setup Klima-Allianz Musterkreis")
    assert "Klima-Allianz Musterkreis" in setup.body and "gegründet" in setup.body
    assert setup.content["msgtype"] == "m.notice"
    assert setup.content["format"] == "org.matrix.custom.html"
    assert "<b>Klima-Allianz Musterkreis</b>" in setup.content["formatted_body"]
    assert "m.mentions" not in setup.content  # nobody is mentioned
    assert anna.from_user(room_id, bot.user_id)[0] == setup  # the history got no answer

    await anna.say(room_id, "/member add Kleve")
    await anna.wait_for(room_id, bot.user_id, "Kleve ist jetzt Mitglied")
    await anna.say(room_id, "!mitglied neu Goch <b>&")
    escaped = await anna.wait_for(room_id, bot.user_id, "Goch <b>& ist jetzt Mitglied")
    assert "Goch &lt;b&gt;&amp;" in escaped.content["formatted_body"]

    await anna.bring_in(room_id, bernd)
    await anna.wait_for(room_id, bot.user_id, "Willkommen")
    refused = await bernd.ask(room_id, bot.user_id, "!member add Emmerich")
    assert "Koordination" in refused.body
    await bernd.say(room_id, "!ichbin Kleve")
    await anna.wait_for(room_id, bot.user_id, "Ansprechperson für Kleve")
    members = await anna.ask(room_id, bot.user_id, "!mitglieder")
    assert "Kleve" in members.body and "Goch" in members.body
    assert "Emmerich" not in members.body

    await bernd.client.room_leave(room_id)
    await anna.wait_for(room_id, bot.user_id, "hat den Raum Klima-Allianz verlassen")
    orphaned = await anna.wait_for(room_id, bot.user_id, "in keinem Raum")
    # The coordinator is mentioned: a pill in the HTML and listed in m.mentions.
    assert orphaned.content["m.mentions"] == {"user_ids": [anna.user_id]}
    assert f'<a href="https://matrix.to/#/{anna.user_id}">' in orphaned.content["formatted_body"]
    # Every command was answered exactly once, and the bot never answered itself.
    assert len([s for s in anna.from_user(room_id, bot.user_id) if "gegründet" in s.body]) == 1


async def test_room_version_11_power_levels_and_invite_allow_list(
    synapse: object, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna, carla, mallory = people("anna"), people("carla"), people("mallory")
    for person in (anna, carla, mallory):
        await person.start()
    bot.section.allow_invites_from = [anna.user_id]
    await bot.start()

    sneaky = await mallory.create_room("Not allowed", invite=(bot.user_id,))
    room_id = await _room_with_bot(anna, bot, version="11")
    await anna.bring_in(room_id, carla)

    refused = await carla.ask(room_id, bot.user_id, "!setup Nordbund")
    assert "Administrator" in refused.body
    await anna.ask(room_id, bot.user_id, "!setup Nordbund")
    # Power level 50 (moderator) makes carla a coordinator.
    levels = await anna.client.room_get_state_event(room_id, "m.room.power_levels")
    assert isinstance(levels, RoomGetStateEventResponse)
    content = dict(levels.content)
    content["users"] = {**content.get("users", {}), carla.user_id: 50}
    await anna.client.room_put_state(room_id, "m.room.power_levels", content)
    await carla.say(room_id, "!member add Husum")
    await anna.wait_for(room_id, bot.user_id, "Husum ist jetzt Mitglied")

    # mallory is not on the allow-list: the bot declined her invite.
    member = await mallory.client.room_get_state_event(sneaky, "m.room.member", bot.user_id)
    assert isinstance(member, RoomGetStateEventResponse)
    assert member.content["membership"] == "leave"
