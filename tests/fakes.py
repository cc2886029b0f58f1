"""An in-memory unit of work for fast use-case tests: no database, same behaviour as the SQL
repositories (storage/*.py) where callers depend on it.

Every unit of work keeps the committed tables of its `FakeStore` and a deep-copied working
copy: reads and writes go to the working copy, `commit` makes it the store's, `rollback`
(and leaving the `async with` block) throws it away. Like the SQL repositories, each read
hands out fresh objects (changing one changes nothing kept until it is saved), datetimes
come back aware in UTC (a naive one is refused), ids are the highest plus one per table
(SQLite without AUTOINCREMENT) and unique constraints raise `FakeIntegrityError`.

Not modelled: foreign keys and their cascades (except a removed room's presence), the
text scan of `persons.record`/`forget` (they follow the person id columns, and `forget`
replaces the display name in free text), and other units of work's commits after this one
began (it reads the state it copied when it began or last committed/rolled back).

The repositories live in `tests/fake_people.py` and `tests/fake_records.py`, the tables and
shared helpers in `tests/fake_tables.py`.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

from bot.usecases.ports import (
    ActionRepository,
    AgendaRepository,
    AuditRepository,
    ContactRepository,
    CoordinatorRepository,
    HandledEventRepository,
    KeyValueRepository,
    LinkCodeRepository,
    MeetingRepository,
    MemberRepository,
    MinutesRepository,
    OutboxRepository,
    OverrideRepository,
    PartnershipRepository,
    PersonRepository,
    PollMessageRepository,
    PresenceRepository,
    ReminderRepository,
    RoomRepository,
)
from bot.usecases.ports_history import RotationStateRepository
from bot.usecases.ports_polls import DatePollRepository
from bot.usecases.ports_reach import ReplyRepository
from tests.fake_attendance import FakeEmails, FakeReplies
from tests.fake_history import (
    FakeActionsOpen,
    FakeAgendaOpen,
    FakeMeetingsRecent,
    FakeMinutesArchive,
    FakeOverridesRecent,
    FakeRemindersReplan,
    FakeRotationStates,
)
from tests.fake_people import (
    FakeContacts,
    FakeCoordinators,
    FakeLinkCodes,
    FakeMembers,
    FakePartnerships,
    FakePersons,
    FakePresence,
    FakeRooms,
)
from tests.fake_poll_messages import FakePollMessages
from tests.fake_polls import FakeDatePolls
from tests.fake_records import (
    FakeActions,
    FakeAgenda,
    FakeAudit,
    FakeHandledEvents,
    FakeMeetings,
    FakeMinutes,
    FakeOutbox,
    FakeOverrides,
    FakeReminders,
    FakeState,
)
from tests.fake_tables import FakeIntegrityError, Tables


class FakeStore:
    """What is committed: shared by the units of work of one `FakeUnitOfWorkFactory`."""

    def __init__(self) -> None:
        self.tables = Tables()


class FakeUnitOfWork:
    """A `UnitOfWork` in memory; see the module docstring for what it keeps and when."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store or FakeStore()
        self.working = copy.deepcopy(self.store.tables)
        self.wrote = False
        self.commits = 0
        self.partnerships: PartnershipRepository = FakePartnerships(self)
        self.rooms: RoomRepository = FakeRooms(self)
        self.members: MemberRepository = FakeMembers(self)
        self.persons: PersonRepository = FakePersons(self)
        self.contacts: ContactRepository = FakeContacts(self)
        self.coordinators: CoordinatorRepository = FakeCoordinators(self)
        self.presence: PresenceRepository = FakePresence(self)
        self.link_codes: LinkCodeRepository = FakeLinkCodes(self)
        self.audit: AuditRepository = FakeAudit(self)
        self.outbox: OutboxRepository = FakeOutbox(self)
        self.state: KeyValueRepository = FakeState(self)
        self.handled_events: HandledEventRepository = FakeHandledEvents(self)
        self.poll_messages: PollMessageRepository = FakePollMessages(self)
        self.meetings: MeetingRepository = FakeMeetings(self)
        self.overrides: OverrideRepository = FakeOverrides(self)
        self.reminders: ReminderRepository = FakeReminders(self)
        self.agenda: AgendaRepository = FakeAgenda(self)
        self.minutes: MinutesRepository = FakeMinutes(self)
        self.actions: ActionRepository = FakeActions(self)
        self.date_polls: DatePollRepository = FakeDatePolls(self)
        self.replies: ReplyRepository = FakeReplies(self)
        self.emails = FakeEmails(self)
        self.meetings: MeetingRepository = FakeMeetingsRecent(self)
        self.overrides: OverrideRepository = FakeOverridesRecent(self)
        self.rotation_states: RotationStateRepository = FakeRotationStates(self)
        self.reminders: ReminderRepository = FakeRemindersReplan(self)
        self.agenda: AgendaRepository = FakeAgendaOpen(self)
        self.minutes: MinutesRepository = FakeMinutesArchive(self)
        self.actions: ActionRepository = FakeActionsOpen(self)

    @property
    def changed(self) -> bool:
        return self.wrote

    async def commit(self) -> None:
        self.store.tables = copy.deepcopy(self.working)
        self.wrote = False
        self.commits += 1

    async def rollback(self) -> None:
        self.working = copy.deepcopy(self.store.tables)
        self.wrote = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()


class FakeUnitOfWorkFactory:
    """Units of work over one shared `FakeStore`, like `Database.uow`."""

    def __init__(self, store: FakeStore | None = None) -> None:
        self.store = store or FakeStore()
        self.opened: list[FakeUnitOfWork] = []

    def __call__(self) -> FakeUnitOfWork:
        uow = FakeUnitOfWork(self.store)
        self.opened.append(uow)
        return uow


__all__ = ["FakeIntegrityError", "FakeStore", "FakeUnitOfWork", "FakeUnitOfWorkFactory", "Tables"]
