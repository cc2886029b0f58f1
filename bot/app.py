"""The application core: turns neutral events into outbox messages.

Adapters call `handle(event)`; the direct reply and everything the command announces are
written to the outbox in the command's transaction and sent by `Delivery`, with the same
retries for both: a crash loses nothing, and a replayed event is not answered twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import perf_counter
from typing import TYPE_CHECKING

from bot import answers, confirm, poll_votes
from bot.core.clock import Clock
from bot.core.context import Context
from bot.core.domain_events import DomainEvent
from bot.core.errors import AskFirst, UserError
from bot.core.events import Event, JoinEvent, LeaveEvent, MessageEvent, PollVote, RoomRef
from bot.core.model import HandledEvent, Partnership, Room
from bot.core.reply import Reply
from bot.core.router import ParsedCommand, Router, UnknownSubcommand, parse_command_line
from bot.i18n import DEFAULT_LANGUAGE, Catalog
from bot.i18n.texts import Texts
from bot.observers import ChangeHook, EventObserver, EventReport, Timer
from bot.usecases import roles
from bot.usecases.base import Actor, Call, check, refusal
from bot.usecases.base import Facts as _Facts
from bot.usecases.partnership import of_room
from bot.usecases.people import identify
from bot.usecases.ports import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.channels.notifier import Notifier

log = logging.getLogger(__name__)


@dataclass
class AppConfig:
    default_language: str = DEFAULT_LANGUAGE
    default_timezone: str = "Europe/Berlin"
    bot_names: set[str] = field(default_factory=set)
    """Names the bot answers to in `/cmd@name`; empty means any."""
    web_base_url: str = ""
    """The web site's public address (`[web] base_url`); empty: no web site."""
    email: bool = False
    """E-mail is set up (an `[email]` section): the e-mail channel sends."""


KEEP_HANDLED = timedelta(days=7)
"""How long the ids of events that changed something are kept against replays."""
PRUNE_EVERY = timedelta(hours=1)


class App:
    """Built once by `bot.bootstrap`, with everything it works with."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        router: Router,
        catalog: Catalog,
        notifier: Notifier,
        config: AppConfig | None = None,
        outbox_changed: asyncio.Event | None = None,
        timers: Sequence[Timer] = (),
        change_hooks: Sequence[ChangeHook] = (),
        observers: Sequence[EventObserver] = (),
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.router = router
        self.catalog = catalog
        self.notifier = notifier
        self.config = config or AppConfig()
        self.outbox_changed = outbox_changed or asyncio.Event()
        self.timers = tuple(timers)
        self.change_hooks = tuple(change_hooks)
        self.observers = tuple(observers)
        self.changes = 0
        """Changes committed so far: an event that did not move it may be replayed harmlessly."""
        self.replays = 0  # replays caught (pruned after a week: an adapter saves its place)
        self._pruned_at: datetime | None = None
        confirm.register(self.router)

    # -- what adapters ask besides handling events (minimal; no other lookups in adapters) --
    def links_room(self, event: MessageEvent) -> bool:
        """Whether the message is a command that may link its room to a partnership (/setup,
        /link): an adapter may then check the bot's rights in the room."""
        parsed = parse_command_line(event.text)
        if parsed is None:
            return False
        return any(c.name in ("setup", "link") for c in self.router.family(parsed.word))

    async def room_language(self, room: RoomRef) -> str | None:
        """The language of the partnership the room is linked to; None if it is not linked."""
        async with self.uow_factory() as uow:
            _, partnership = await of_room(uow, room)
        return partnership.language if partnership is not None else None

    async def room_moved(self, old: RoomRef, new: RoomRef) -> bool:
        """A room's new id (a Telegram group became a supergroup): its link moves along.
        False if the old id was not linked or the new one is already."""
        async with self.uow_factory() as uow:
            room = await uow.rooms.find(old)
            if room is None or await uow.rooms.find(new) is not None:
                return False
            await uow.rooms.rekey(room.id, new)
            await uow.commit()
        return True

    async def next_timer_due(self) -> datetime | None:
        dues = [d for t in self.timers if (d := await t.next_due()) is not None]
        return min(dues) if dues else None

    async def fire_timers(self) -> None:
        for timer in self.timers:
            await timer.fire_due()
        self.outbox_changed.set()

    async def say(self, room: RoomRef, reply: Reply) -> None:
        """Something an adapter has to tell a room on its own (about the bot's rights)."""
        async with self.uow_factory() as uow:
            _, partnership = await of_room(uow, room)
            pid = partnership.id if partnership else None
            await uow.outbox.add(pid, room, reply, self.clock.now(), kind="notice")
            await uow.commit()
        self.outbox_changed.set()

    async def handle(
        self, event: Event, *, answers: str | None = None, deliver: bool = True
    ) -> Reply | None:
        """One event in; its direct reply, if any, is written to the outbox (quoting the
        platform's message `answers`; with `deliver=False` only returned). Never raises for
        user input. An event the adapter may have delivered before a crash is applied and
        answered only if it was not handled yet (its record and its reply share one
        transaction); a replay returns None; the observers hear of it as "replayed"."""
        if (parsed := self._parse(event)) is None:
            return None
        handled = self._report(event, parsed)
        started = perf_counter()
        if event.maybe_replayed and event.event_id:
            async with self.uow_factory() as uow:
                before = await uow.handled_events.find(event.room.platform, event.event_id)
                if before is not None:
                    await self._replay_seen(uow, event, handled)
            if before is not None:
                log.info("event %s was handled before a restart; not applied again", event.event_id)
                self._tell(handled, started)
                return None
        for observer in self.observers:
            observer.event_started(handled)
        try:
            if isinstance(parsed, ParsedCommand):
                assert isinstance(event, MessageEvent)
                return await self._message(event, parsed, handled, answers, deliver)
            if isinstance(event, PollVote):
                return await poll_votes.take(self, event, handled, answers, deliver)
            assert isinstance(event, JoinEvent | LeaveEvent)
            await self._membership(event, handled)
            return None
        except Exception as error:
            handled.outcome, handled.error = "failed", type(error).__name__
            raise
        finally:
            handled.seconds = perf_counter() - started
            for observer in self.observers:
                observer.event_handled(handled)

    async def replayed(self, event: Event) -> None:
        """An event the adapter knows it handled before a restart: only observers hear of it."""
        if (parsed := self._parse(event)) is None:
            return
        handled = self._report(event, parsed)
        started = perf_counter()
        async with self.uow_factory() as uow:
            await self._replay_seen(uow, event, handled)
        self._tell(handled, started)

    def _parse(self, event: Event) -> ParsedCommand | bool | None:
        """A message's command line (None: not for the bot); True for other events."""
        return self._command_line(event) if isinstance(event, MessageEvent) else True

    @staticmethod
    def _report(event: Event, parsed: ParsedCommand | bool) -> EventReport:
        if isinstance(event, MessageEvent):
            assert isinstance(parsed, ParsedCommand)
            return EventReport("message", event.room, parsed.word.casefold())
        if isinstance(event, PollVote):
            return EventReport("vote", event.room)
        return EventReport("join" if isinstance(event, JoinEvent) else "leave", event.room)

    async def _replay_seen(self, uow: UnitOfWork, event: Event, handled: EventReport) -> None:
        """Fill in the report of a replay (the room lookup is usually in the read cache)."""
        _, partnership = await of_room(uow, event.room)
        handled.partnership_id = partnership.id if partnership else None
        handled.outcome = "replayed"
        self.replays += 1

    def _tell(self, handled: EventReport, started: float) -> None:
        """Observers hear of an event that was not handled here (a replay) as of any other."""
        for observer in self.observers:
            observer.event_started(handled)
        handled.seconds = perf_counter() - started
        for observer in self.observers:
            observer.event_handled(handled)

    def _command_line(self, event: MessageEvent) -> ParsedCommand | None:
        """The command a message gives this bot, or None (chat, or a command for another bot)."""
        parsed = parse_command_line(event.text)
        if parsed is None:
            return None
        names = {n.casefold() for n in self.config.bot_names}
        if parsed.addressed_to and names and parsed.addressed_to.casefold() not in names:
            return None
        return parsed

    async def _message(
        self, event: MessageEvent, parsed: ParsedCommand, handled: EventReport,
        answers: str | None, deliver: bool,
    ) -> Reply | None:  # fmt: skip
        async with self.uow_factory() as uow:
            room, partnership = await of_room(uow, event.room)
            handled.partnership_id = partnership.id if partnership else None
            reply, keep, events = await self._dispatch(
                uow, event, parsed, room, partnership, confirmed=False
            )
            return await self._conclude(
                uow, event, partnership, handled, (reply, keep, events), answers, deliver
            )

    async def _conclude(
        self, uow: UnitOfWork, event: Event, partnership: Partnership | None,
        handled: EventReport, outcome: tuple[Reply | None, bool, list[DomainEvent]],
        answers: str | None, deliver: bool,
    ) -> Reply | None:  # fmt: skip
        """How every handled event ends in its transaction (a command's, a vote's): the reply
        before the announcements (it is read first), hooks, replay record, one commit."""
        reply, keep, events = outcome
        changed = keep and (uow.changed or bool(events))
        answered = deliver and reply is not None
        if answered and reply is not None:
            pid, now = handled.partnership_id, self.clock.now()
            await uow.outbox.add(pid, event.room, reply, now, answers=answers, kind="reply")
        if keep:
            await self.notifier.publish(uow, events, self.clock.now())
        if changed:
            await self._run_change_hooks(uow, event, partnership)
        if changed or answered:
            await self._remember_handled(uow, event)
            await uow.commit()
        handled.outcome = "ok" if keep else "refused"
        if changed:
            self.changes += 1
        if changed or answered:
            self.outbox_changed.set()
        return reply

    async def _remember_handled(self, uow: UnitOfWork, event: Event) -> None:
        """Record the event with its change and reply, against replays; prune now and then."""
        if not event.event_id:
            return
        now = self.clock.now()
        await uow.handled_events.add(HandledEvent(event.room.platform, event.event_id, now))
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            await uow.handled_events.prune(now - KEEP_HANDLED)
            self._pruned_at = now

    async def _run_change_hooks(
        self, uow: UnitOfWork, event: Event, partnership: Partnership | None
    ) -> None:
        """`partnership` is the room's before the command; a room that had none may have one
        now (/setup, /link)."""
        if not self.change_hooks:
            return
        if partnership is None:
            _, partnership = await of_room(uow, event.room)
        if partnership is None:
            return
        for hook in self.change_hooks:
            await hook(uow, partnership)

    async def _dispatch(
        self,
        uow: UnitOfWork,
        event: MessageEvent,
        parsed: ParsedCommand,
        room: Room | None,
        partnership: Partnership | None,
        confirmed: bool,
    ) -> tuple[Reply | None, bool, list[DomainEvent]]:
        """Run one command line; returns the reply, whether to keep what it changed, and the
        domain events to publish."""
        lang = partnership.language if partnership else self.config.default_language
        try:
            match = self.router.resolve(parsed)
        except UnknownSubcommand as unknown:
            return answers.subcommands(self.catalog, lang, unknown.family), False, []
        if match is None:
            similar = self.router.closest(parsed.word, lang == "de")
            return answers.unknown(self.catalog, lang, parsed.word, similar), False, []
        command = match.command
        if command.needs_partnership and partnership is None:
            return Reply.of(self.catalog.para(lang, "common.not_linked")), False, []
        person = await identify(uow, event.sender)
        if room is not None:
            await uow.presence.enter(room.id, person.id, self.clock.now())
            if not room.active:
                await uow.rooms.set_active(room.id, True)
                room.active = True
        coordinator = partnership is not None and await roles.is_coordinator(
            uow, partnership, person, event.sender.is_room_admin
        )
        actor = Actor(person, coordinator, event.sender.is_room_admin, event.sender.admin_unknown)
        ctx = self._context(uow, event, actor, partnership, room, lang, match.args, confirmed)
        try:
            # refused before the arguments are read, where the rule needs no facts
            if command.decided_early and await check(ctx.call, command.permission, None) is False:
                raise await refusal(ctx.call, command.permission, _Facts())
            if command.key in (confirm.CONFIRM_KEY, confirm.ABORT_KEY):
                return await self._answer_question(ctx, command.key == confirm.CONFIRM_KEY)
            reply = await command.handler(ctx)
            if command.confirm and not confirmed:
                await uow.rollback()
                return await confirm.ask(ctx, event), True, []
        except AskFirst as question:
            await uow.rollback()
            asked = self.catalog.para(lang, question.key, **question.params)
            return await confirm.ask(ctx, event, asked), True, []
        except UserError as error:
            await uow.rollback()
            return answers.refusal(self.catalog, lang, error, command), False, []
        return reply, True, list(ctx.call.events)

    async def _answer_question(
        self, ctx: Context, yes: bool
    ) -> tuple[Reply | None, bool, list[DomainEvent]]:
        answer = await confirm.answer(ctx, yes)
        if isinstance(answer, Reply):
            return answer, True, list(ctx.call.events)
        parsed = parse_command_line(answer.text)
        assert parsed is not None
        return await self._dispatch(
            ctx.call.uow, answer, parsed, ctx.room, ctx.call.room_partnership, confirmed=True
        )

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
    ) -> Context:
        call = Call(
            uow,
            self.clock,
            actor,
            room_partnership=partnership,
            room=room,
            source=event.room,
            default_timezone=self.config.default_timezone,
            web_base_url=self.config.web_base_url,
            confirmed=confirmed,
            email=self.config.email,
        )
        timezone = partnership.timezone if partnership else self.config.default_timezone
        return Context(event, args, call, Texts(self.catalog, lang, timezone))

    async def _membership(self, event: JoinEvent | LeaveEvent, handled: EventReport) -> None:
        async with self.uow_factory() as uow:
            room, partnership = await of_room(uow, event.room)
            if room is None or partnership is None:
                handled.outcome = "ignored"
                return
            handled.partnership_id = partnership.id
            person = await identify(uow, event.sender)
            ctx = self._context(uow, event, Actor(person), partnership, room, partnership.language)
            hooks = (
                self.router.join_hooks if isinstance(event, JoinEvent) else self.router.leave_hooks
            )
            for hook in hooks:
                await hook(ctx)
            await self.notifier.publish(uow, ctx.call.events, self.clock.now())
            for change_hook in self.change_hooks:
                await change_hook(uow, partnership)
            await self._remember_handled(uow, event)
            await uow.commit()
        handled.outcome = "ok"
        self.changes += 1
        self.outbox_changed.set()
