"""A SIGKILL loses and doubles nothing: e-mails waiting in the outbox are sent by a real
process (`python -m tests.email.test_email_crash DB PORT`) that is killed at random points
and restarted until it finishes; every outbox row reaches the SMTP server (aiosmtpd on
127.0.0.1), never as two different messages. A copy sent again after a kill between the
server's acceptance and the mark carries the same Message-ID and the same bytes; the test
counts those copies (docs/email.md reports them)."""

from __future__ import annotations

import asyncio
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from sqlalchemy import select

from tests.email.conftest import Relay, code_in, section
from tests.email.test_email_flow import SETUP, send
from tests.harness import ConsoleBot
from tests.processes import run_until_killed

ROOT = Path(__file__).parent.parent.parent
RECIPIENTS = 30
KILLS = 10


async def drive(db_url: str, port: int) -> None:
    """The child: deliver every pending e-mail, then say so."""
    from bot.bootstrap import bootstrap
    from bot.core.clock import SystemClock
    from storage.database import Database

    database = Database(db_url)
    runtime = await bootstrap(database, SystemClock(), {}, email=section(port))
    assert runtime.mail_delivery is not None
    print("ready", flush=True)
    while await runtime.mail_delivery.deliver_due():
        pass
    await database.close()
    print("done", flush=True)


async def _outbox_rows(bot: ConsoleBot) -> dict[str, str]:
    """uid -> status of every e-mail row."""
    from storage.models import OutboxRow

    async with bot.database.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = await session.execute(
            select(OutboxRow.uid, OutboxRow.status).where(OutboxRow.platform == "email")
        )
        return {uid: status for uid, status in rows}


async def test_killed_while_sending_every_mail_arrives_and_none_as_two_messages(
    tmp_path: Path, relay: tuple[Relay, int]
) -> None:
    handler, port = relay
    from storage.database import Database

    url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    database = Database(url)
    await database.upgrade()
    bot = await ConsoleBot.start(database, email=section(port))
    await bot.say(SETUP)
    addresses = [f"office{i}@kleve.de" for i in range(RECIPIENTS)]
    await bot.say("@anna: /email neu Kleve " + " ".join(addresses))
    while await send(bot):
        pass
    for address in addresses:
        [mail] = handler.to(address)
        await bot.say(f"@anna: /email bestaetigen {code_in(mail, 'bestaetigen')}")
    before = set(await _outbox_rows(bot))
    handler.received.clear()
    await bot.say(
        "@anna: /termin 2.3.2027 10:00\n"
        "@anna: /verschieben 9.3.2027 10:00\n"
        "@anna: /absagen\n@anna: /ja\n"
        "@anna: /termin 16.3.2027 10:00\n"
        "@anna: /verschieben 17.3.2027 10:00"
    )
    rows = {u: s for u, s in (await _outbox_rows(bot)).items() if u not in before}
    assert len(rows) == 5 * RECIPIENTS and set(rows.values()) == {"pending"}
    await database.close()

    command = [sys.executable, "-m", "tests.email.test_email_crash", url, str(port)]
    rng = random.Random(18)
    kills = 0
    while kills < KILLS:
        if await run_until_killed(command, rng.uniform(0.02, 0.12), ROOT):
            break
        kills += 1
    else:
        assert await run_until_killed(command, 300, ROOT)
    assert kills >= 5, "the process finished before it was killed often enough"

    database = Database(url)
    bot = await ConsoleBot.start(database, email=section(port))
    statuses = {u: s for u, s in (await _outbox_rows(bot)).items() if u in rows}
    assert set(statuses.values()) == {"sent"}
    copies: dict[str, list[bytes]] = defaultdict(list)
    for received in handler.received:
        message_id = str(received.message["Message-ID"]).strip("<>").split("@")[0]
        copies[message_id].append(received.data)
    assert set(copies) == set(rows), "every row arrived, and nothing else"
    for data in copies.values():
        assert len(set(data)) == 1  # a copy is the same message, byte for byte
    doubled = Counter(len(d) for d in copies.values())
    print(f"\nkills: {kills}, rows: {len(rows)}, copies per row: {dict(sorted(doubled.items()))}")
    await database.close()


if __name__ == "__main__":
    asyncio.run(drive(sys.argv[1], int(sys.argv[2])))
