"""Restarts, bursts, an outage of the homeserver, encryption, files: nothing lost, nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import quote

import pytest
from nio import DownloadResponse, RoomGetStateEventResponse
from nio.crypto import decrypt_attachment

from bot.adapters.matrix import session
from bot.core.events import Identity, MessageEvent, RoomRef, Sender
from bot.core.messenger import DeliveryError
from bot.core.reply import Attachment, Mention, Paragraph, Reply
from tests.matrix.helpers import BotUnderTest, Person
from tests.matrix.synapse import Synapse


async def _room_with_bot(anna: Person, bot: BotUnderTest, **create: object) -> str:
    room_id = await anna.create_room("Klima-Allianz", **create)  # type: ignore[arg-type]
    await anna.client.room_invite(room_id, bot.user_id)
    await anna.joined(room_id, bot.user_id)
    await bot.in_room(room_id)
    return room_id


def _count(person: Person, room_id: str, bot: BotUnderTest, text: str) -> int:
    return len([s for s in person.from_user(room_id, bot.user_id) if text in s.body])


async def test_restart_answers_only_what_is_new_and_keeps_the_device(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    service = await bot.start()
    device = service.client.device_id
    room_id = await _room_with_bot(anna, bot)
    await anna.ask(room_id, bot.user_id, "!setup Westbund")
    await anna.say(room_id, "!member add Aachen")
    await anna.wait_for(room_id, bot.user_id, "Aachen ist jetzt Mitglied")

    await bot.stop()
    await anna.say(room_id, "!member add Bonn")  # arrives while the bot is down
    await bot.start()
    await anna.wait_for(room_id, bot.user_id, "Bonn ist jetzt Mitglied")
    members = await anna.ask(room_id, bot.user_id, "!mitglieder")
    assert "Aachen" in members.body and "Bonn" in members.body
    assert bot.service is not None and bot.service.client.device_id == device
    stored = session.load(bot.directory / "store", bot.section.homeserver, bot.user_id)
    assert stored is not None and stored.device_id == device
    # Nothing from before the restart was answered again.
    for text in ("gegründet", "Aachen ist jetzt", "Bonn ist jetzt", "Gastgeber-Reihenfolge"):
        assert _count(anna, room_id, bot, text) == 1, text


async def test_a_burst_beyond_one_sync_is_back_filled(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    await bot.start()
    room_id = await _room_with_bot(anna, bot)
    await anna.ask(room_id, bot.user_id, "!setup Burst")
    await bot.stop()
    # 1 command, 150 chat lines, 1 command: the first command is outside the 100 events a
    # sync returns, so only the back-fill from prev_batch finds it.
    await anna.say(room_id, "!member add Aurich")
    for n in range(150):
        await anna.say(room_id, f"Plauderei {n}")
    await anna.say(room_id, "!member add Zetel")
    await bot.start()
    await anna.wait_for(room_id, bot.user_id, "Zetel ist jetzt Mitglied")
    await anna.wait_for(room_id, bot.user_id, "Aurich ist jetzt Mitglied")
    members = await anna.ask(room_id, bot.user_id, "!mitglieder")
    assert "1. Aurich" in members.body and "2. Zetel" in members.body
    assert _count(anna, room_id, bot, "Aurich ist jetzt") == 1


async def test_homeserver_outage_loses_nothing(
    synapse: Synapse, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    service = await bot.start()
    room_id = await _room_with_bot(anna, bot)
    await anna.ask(room_id, bot.user_id, "!setup Ostbund")
    # A console room of the same partnership: another platform that keeps working.
    link = await anna.ask(room_id, bot.user_id, "!link")
    code = link.body.split("!verbinden ")[1].split()[0].rstrip(".")  # Matrix suggests !
    assert bot.runtime is not None
    app = bot.runtime.app
    console = RoomRef("console", "nebenraum")
    carl = Sender(Identity("console", "carl"), "Carl", is_room_admin=True)
    linked = await app.handle(MessageEvent(console, carl, f"/link {code}", "Nebenraum"))
    assert linked is not None
    await anna.wait_for(room_id, bot.user_id, "Nebenraum")

    synapse.stop()
    try:
        await anna.wait_until(lambda: not service.connected(), 30)
        # Written to the outbox while the homeserver is away: delivery fails and retries.
        await app.handle(MessageEvent(console, carl, "/member add Görlitz", "Nebenraum"))
        await app.handle(MessageEvent(console, carl, "/member add Zittau", "Nebenraum"))

        async def failed_once() -> bool:
            async with app.uow_factory() as uow:
                return any(m.attempts > 0 for m in await uow.outbox.pending())

        for _ in range(100):
            if await failed_once():
                break
            await asyncio.sleep(0.1)
        assert await failed_once()
    finally:
        synapse.start()
    await anna.wait_for(room_id, bot.user_id, "Görlitz ist jetzt Mitglied", wait=60)
    await anna.wait_for(room_id, bot.user_id, "Zittau ist jetzt Mitglied", wait=60)
    # The sync reconnected too: commands are answered again.
    members = await anna.ask(room_id, bot.user_id, "!mitglieder", wait=60)
    assert "Görlitz" in members.body and "Zittau" in members.body
    assert service.connected()
    assert _count(anna, room_id, bot, "Görlitz ist jetzt") == 1
    assert _count(anna, room_id, bot, "Zittau ist jetzt") == 1


async def test_encrypted_room(
    synapse: Synapse, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna, bernd = people("anna"), people("bernd")
    await anna.start()
    await bernd.start()
    await bot.start()
    room_id = await _room_with_bot(anna, bot, encrypted=True)
    await anna.bring_in(room_id, bernd)
    setup = await anna.ask(room_id, bot.user_id, "!setup Geheimbund")
    assert "gegründet" in setup.body  # anna decrypted the bot's answer
    await bernd.say(room_id, "!mitglieder")
    await bernd.wait_for(room_id, bot.user_id, "noch keine Mitglieder")
    # The bot's messages really were encrypted on the wire.
    # (Read raw from the homeserver: nio would hand back the decrypted event.)
    raw = synapse.client_api(
        "GET",
        f"/rooms/{quote(room_id)}/event/{quote(setup.event_id)}",
        anna.account.access_token,
    )
    assert raw["type"] == "m.room.encrypted" and "ciphertext" in raw["content"]
    assert not [s for s in anna.from_user(room_id, bot.user_id) if s.kind == "undecryptable"]

    # Files go encrypted as well: the bot uploads ciphertext and sends the keys.
    assert bot.service is not None
    data = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    await bot.service.messenger.send(
        RoomRef("matrix", room_id),
        Reply.of(attachments=(Attachment("treffen.ics", "text/calendar", data),)),
        "enc-file-1",
    )
    got = await anna.wait_until(lambda: anna.from_user(room_id, bot.user_id, "file"))
    content = got[0].content
    assert "file" in content and "url" not in content
    download = await anna.client.download(mxc=content["file"]["url"])
    assert isinstance(download, DownloadResponse)
    assert download.body != data
    plain = decrypt_attachment(
        download.body,
        content["file"]["key"]["k"],
        content["file"]["hashes"]["sha256"],
        content["file"]["iv"],
    )
    assert plain == data


async def test_files_mentions_and_a_room_the_bot_was_removed_from(
    bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    service = await bot.start()
    room_id = await _room_with_bot(anna, bot)
    room = RoomRef("matrix", room_id)
    reply = Reply.of(
        Paragraph.of("Protokoll für ", Mention(Identity("matrix", anna.user_id), "Anna <A>")),
        attachments=(Attachment("protokoll.txt", "text/plain", b"TOP 1: Radwege"),),
    )
    await service.messenger.send(room, reply, "outbox-42")
    await service.messenger.send(room, reply, "outbox-42")  # a resend: a no-op
    text = await anna.wait_for(room_id, bot.user_id, "Protokoll für Anna <A>")
    assert text.content["m.mentions"] == {"user_ids": [anna.user_id]}
    assert "Anna &lt;A&gt;</a>" in text.content["formatted_body"]
    files = await anna.wait_until(lambda: anna.from_user(room_id, bot.user_id, "file"))
    assert files[0].content["info"] == {"mimetype": "text/plain", "size": 14}
    download = await anna.client.download(mxc=files[0].content["url"])
    assert isinstance(download, DownloadResponse) and download.body == b"TOP 1: Radwege"
    await anna.ask(room_id, bot.user_id, "!mitglieder")  # everything before it has arrived
    assert len(anna.from_user(room_id, bot.user_id, "file")) == 1
    assert _count(anna, room_id, bot, "Protokoll für") == 1

    await anna.client.room_kick(room_id, bot.user_id, "Tschüss")
    await anna.wait_until(lambda: room_id not in service.client.rooms)
    with pytest.raises(DeliveryError) as refused:
        await service.messenger.send(room, Reply.of(Paragraph.of("Hallo?")), "outbox-43")
    assert refused.value.permanent


async def test_version_12_additional_creators_are_coordinators(
    synapse: Synapse, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna, dora = people("anna"), people("dora")
    await anna.start()
    await dora.start()
    await bot.start()
    created = synapse.client_api(
        "POST",
        "/createRoom",
        anna.account.access_token,
        {
            "room_version": "12",
            "name": "Zwei Gründerinnen",
            "creation_content": {"additional_creators": [dora.user_id]},
            "invite": [dora.user_id, bot.user_id],
        },
    )
    room_id = created["room_id"]
    await dora.wait_until(lambda: room_id in dora.invites)
    await dora.client.join(room_id)
    await anna.wait_until(lambda: room_id in anna.client.rooms)
    await anna.joined(room_id, bot.user_id)
    await dora.joined(room_id, bot.user_id)
    levels = await anna.client.room_get_state_event(room_id, "m.room.power_levels")
    assert isinstance(levels, RoomGetStateEventResponse)
    assert dora.user_id not in levels.content.get("users", {})  # only the creator rule
    setup = await dora.ask(room_id, bot.user_id, "!setup Doppelspitze")
    assert "gegründet" in setup.body


async def test_first_start_does_not_answer_the_history(
    synapse: Synapse, bot: BotUnderTest, people: Callable[[str], Person]
) -> None:
    anna = people("anna")
    await anna.start()
    room_id = await anna.create_room("Schon da", invite=(bot.user_id,))
    # The bot's account is in the room before partnerbot ever ran (joined by hand).
    synapse.client_api("POST", f"/join/{quote(room_id)}", bot.account.access_token, {})
    await anna.joined(room_id, bot.user_id)
    await anna.say(room_id, "!setup Altlast")
    await bot.start()
    answer = await anna.ask(room_id, bot.user_id, "!setup Neu")
    assert "Neu" in answer.body and "gegründet" in answer.body
    assert not [s for s in anna.from_user(room_id, bot.user_id) if "Altlast" in s.body]
