"""Votes on the bot's polls (`PollVote`), from any platform: handed by the poll key's kind
("datepoll:12" -> "datepoll") to the hook its area registered on the router.

Like a command, a vote runs in one transaction with what it causes, and its event id is
remembered against replays. The voter is answered only when needed: a vote that could not
count (the poll closed meanwhile) gets a one-line reason in the room; a vote that counted
gets nothing, the platform shows it already."""

from __future__ import annotations

import logging
from typing import Protocol

from bot import answers
from bot.core.clock import Clock
from bot.core.context import Context
from bot.core.domain_events import DomainEvent
from bot.core.errors import UserError
from bot.core.events import Event, PollVote
from bot.core.model import Partnership, Room
from bot.core.reply import Reply
from bot.core.router import Router
from bot.i18n import Catalog
from bot.observers import EventReport
from bot.usecases import roles
from bot.usecases.base import Actor
from bot.usecases.partnership import of_room
from bot.usecases.people import identify
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


class App(Protocol):
    """What of `bot.app.App` a vote needs (the same transaction rules as a command)."""

    uow_factory: UnitOfWorkFactory
    clock: Clock
    router: Router
    catalog: Catalog

    def _context(
        self,
        uow: UnitOfWork,
        event: Event,
        actor: Actor,
        partnership: Partnership | None,
        room: Room | None,
        lang: str,
        args: str = "",
        confirmed: bool = False,
    ) -> Context: ...

    async def _conclude(
        self,
        uow: UnitOfWork,
        event: Event,
        partnership: Partnership | None,
        handled: EventReport,
        outcome: tuple[Reply | None, bool, list[DomainEvent]],
        answers: str | None,
        deliver: bool,
    ) -> Reply | None: ...


async def take(
    app: App, event: PollVote, handled: EventReport, quote: str | None, deliver: bool
) -> Reply | None:
    hook = app.router.vote_hook(event.poll_key)
    if hook is None:
        log.info("a vote on poll %s, a kind of poll nobody takes; ignored", event.poll_key)
        handled.outcome = "ignored"
        return None
    async with app.uow_factory() as uow:
        room, partnership = await of_room(uow, event.room)
        if room is None or partnership is None:
            handled.outcome = "ignored"
            return None
        handled.partnership_id = partnership.id
        now = app.clock.now()
        person = await identify(uow, event.sender)
        await uow.presence.enter(room.id, person.id, now)
        coordinator = await roles.is_coordinator(
            uow, partnership, person, event.sender.is_room_admin
        )
        actor = Actor(person, coordinator, event.sender.is_room_admin, event.sender.admin_unknown)
        ctx = app._context(uow, event, actor, partnership, room, partnership.language)
        keep = True
        try:
            reply = await hook(ctx)
        except UserError as error:
            await uow.rollback()
            reply, keep = answers.refusal(app.catalog, partnership.language, error, None), False
        events = list(ctx.call.events) if keep else []
        return await app._conclude(
            uow, event, partnership, handled, (reply, keep, events), quote, deliver
        )
