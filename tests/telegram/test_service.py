"""The adapter's connection details: documents, webhook mode, what `partnerbot run` builds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bot.adapters.telegram import create_service
from bot.adapters.telegram.service import WEBHOOK_SECRET_HEADER, TelegramService
from bot.adapters.telegram.translate import room_of
from bot.app import AppConfig
from bot.bootstrap import bootstrap
from bot.config import Secret, TelegramSection, load
from bot.core.clock import ManualClock
from bot.core.reply import Attachment, Paragraph, Reply
from storage.database import Database
from tests.telegram.conftest import World
from tests.telegram.fake_api import BOT_USERNAME, FakeBotAPI, user

GROUP = -1001000000001
ANNA = user(1001, "Anna", "Albers")


async def test_files_go_out_with_send_document(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    ics = Attachment("treffen-2027-03-01.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR")
    reply = Reply.of(Paragraph.of("Die Einladung <im Anhang>:"), attachments=(ics,))
    await world.service.messenger.send(room_of(GROUP), reply, "txn-1")
    (document,) = world.fake.ok_calls("sendDocument")
    assert document.params["chat_id"] == GROUP
    assert document.files["document"] == (ics.filename, ics.data)
    assert world.fake.sent(GROUP) == ["Die Einladung <im Anhang>:"]


async def test_a_retry_resumes_after_the_parts_already_sent(world: World) -> None:
    world.fake.group(GROUP, "Klima-Allianz", ANNA)
    ics = Attachment("protokoll.txt", "text/plain", b"TOP 1")
    reply = Reply.of(Paragraph.of("Protokoll"), attachments=(ics,))
    world.fake.fail_next("sendDocument", 502, "Bad Gateway")
    try:
        await world.service.messenger.send(room_of(GROUP), reply, "txn-2")
    except Exception as error:
        assert not getattr(error, "permanent", True)
    else:
        raise AssertionError("the failure should have been reported")
    await world.service.messenger.send(room_of(GROUP), reply, "txn-2")
    assert world.fake.sent(GROUP) == ["Protokoll"]
    assert len(world.fake.ok_calls("sendDocument")) == 1


def webhook_service(fake: FakeBotAPI, tmp_path: Path) -> TelegramService:
    section = TelegramSection(
        token=Secret(fake.token),
        base_url=fake.url,
        mode="webhook",
        webhook_url="https://bot.example.org/telegram/hook",
        webhook_listen="127.0.0.1",
        webhook_port=0,
    )
    return TelegramService(section, tmp_path)


async def deliver(
    service: TelegramService, update: dict[str, Any], secret: str | None = None
) -> int:
    """Telegram posts one update to the webhook; the HTTP status of the answer."""
    url = f"http://127.0.0.1:{service.webhook_port}/telegram/hook"
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[WEBHOOK_SECRET_HEADER] = secret
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=json.dumps(update), headers=headers) as response,
    ):
        return response.status


async def test_webhook_mode(sqlite_database: Database, tmp_path: Path) -> None:
    fake = FakeBotAPI()
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    service = webhook_service(fake, tmp_path)
    runtime = await bootstrap(sqlite_database, clock, {"telegram": service.messenger})
    app = runtime.app
    await service.start(app)
    try:
        assert service.connected()
        assert fake.webhook is not None
        assert fake.webhook["url"] == "https://bot.example.org/telegram/hook"
        assert "chat_member" in fake.webhook["allowed_updates"]
        assert fake.webhook["max_connections"] == 1
        secret = fake.webhook["secret_token"]
        await fake.say(GROUP, ANNA, f"/help@{BOT_USERNAME}")
        (incoming,) = fake.updates
        assert await deliver(service, incoming) == 403  # without Telegram's secret header
        assert await deliver(service, incoming, secret) == 200
        assert await runtime.delivery.deliver_due() == 1
        assert fake.sent(GROUP)[0].startswith("Dieser Raum gehört noch zu keiner Partnerschaft.")
        # Asked once at the start, for what was pending, while no webhook was set.
        assert len(fake.ok_calls("getUpdates")) == 1
        methods = [c.method for c in fake.calls]
        assert methods.index("getUpdates") < methods.index("setWebhook")
    finally:
        await service.stop()
        await fake.close()
    assert not service.connected()
    assert fake.unknown_calls() == []


async def test_webhook_answers_telegram_after_the_reply_and_knows_what_it_answered(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """Telegram sends an update again until it got the answer 200: the answer comes once the
    update was handled and its reply written to the outbox, so a crash loses nothing; sent
    again after a restart (the 200 was lost), it is not answered twice."""
    fake = FakeBotAPI()
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    first = webhook_service(fake, tmp_path)
    messengers = {"telegram": first.messenger}
    runtime = await bootstrap(sqlite_database, clock, messengers, AppConfig())
    app = runtime.app
    await first.start(app)
    try:
        await fake.say(GROUP, ANNA, "/setup Klima-Allianz")
        (setup,) = fake.updates
        assert fake.webhook is not None
        assert await deliver(first, setup, fake.webhook["secret_token"]) == 200
        async with sqlite_database.uow() as uow:  # already kept when Telegram got its answer
            assert [m.kind for m in await uow.outbox.pending()] == ["reply"]
        assert await runtime.delivery.deliver_due() == 1
    finally:
        await first.stop()
    again = webhook_service(fake, tmp_path)
    messengers["telegram"] = again.messenger
    await again.start(app)
    try:
        await fake.say(GROUP, ANNA, "/mitglieder")
        members = fake.updates[-1]
        secret = fake.webhook["secret_token"]
        assert await deliver(again, setup, secret) == 200
        assert await deliver(again, members, secret) == 200
        assert await deliver(again, members, secret) == 200  # a lost 200, in one process
        await runtime.delivery.deliver_due()
        texts = fake.sent(GROUP)
        assert len(texts) == 2 and texts[0].startswith("Die Partnerschaft Klima-Allianz ist")
        assert "keine Mitglieder" in texts[1]
    finally:
        await again.stop()
        await fake.close()


def test_create_service_for_partnerbot_run(tmp_path: Path) -> None:
    service = create_service(TelegramSection(token=Secret("1:x")), tmp_path)
    assert service.platform == "telegram"
    assert service.messenger.platform == "telegram"
    assert not service.connected()


async def test_a_plain_http_webhook_with_a_local_bot_api_server(
    sqlite_database: Database, tmp_path: Path
) -> None:
    """`telegram-bot-api --local` on this machine posts to plain http: such a config passes
    the check, and the webhook is set and served."""
    fake = FakeBotAPI()
    fake.local = True
    await fake.start()
    fake.group(GROUP, "Klima-Allianz", ANNA)
    toml = tmp_path / "partnerbot.toml"
    toml.write_text(
        f'[telegram]\nmode = "webhook"\nbase_url = "{fake.url}"\n'
        'webhook_url = "http://127.0.0.1:8443/telegram/hook"\n',
        encoding="utf-8",
    )
    config = load(toml, {"PARTNERBOT_TELEGRAM_TOKEN": fake.token})
    assert config.problems == [] and config.telegram is not None
    config.telegram.webhook_port = 0
    service = TelegramService(config.telegram, tmp_path)
    clock = ManualClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    runtime = await bootstrap(sqlite_database, clock, {"telegram": service.messenger}, AppConfig())
    await service.start(runtime.app)
    try:
        assert fake.webhook is not None
        assert fake.webhook["url"] == "http://127.0.0.1:8443/telegram/hook"
        await fake.say(GROUP, ANNA, "/hilfe")
        (incoming,) = fake.updates
        assert await deliver(service, incoming, fake.webhook["secret_token"]) == 200
        assert await runtime.delivery.deliver_due() == 1
        assert fake.sent(GROUP)[0].startswith("Dieser Raum gehört noch zu keiner Partnerschaft.")
    finally:
        await service.stop()
        await fake.close()
