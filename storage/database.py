"""The database: engine, migrations, and one unit of work per incoming event."""

from __future__ import annotations

import asyncio
import os
import weakref
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.util import await_

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
from bot.usecases.ports_reach import EmailRepository, ReplyRepository, WebRepository
from storage import cache
from storage.agenda import SqlActions, SqlAgenda, SqlMinutes
from storage.attendance import SqlReplies
from storage.email import SqlEmails
from storage.history import SqlRotationStates
from storage.instance import SqlHandledEvents, SqlOutbox, SqlState
from storage.meetings import SqlMeetings, SqlOverrides
from storage.partnerships import (
    SqlAudit,
    SqlContacts,
    SqlCoordinators,
    SqlLinkCodes,
    SqlMembers,
    SqlPartnerships,
    SqlPresence,
    SqlRooms,
)
from storage.people import SqlPersons
from storage.poll_messages import SqlPollMessages
from storage.polls import SqlDatePolls
from storage.reminders import SqlReminders
from storage.web import SqlWeb


def default_database_path() -> Path:
    """Where the embedded SQLite file lives unless a URL says otherwise:
    $PARTNERBOT_HOME, else $XDG_DATA_HOME/partnerbot, else ~/.local/share/partnerbot."""
    home = os.environ.get("PARTNERBOT_HOME")
    if home:
        return Path(home) / "partnerbot.sqlite3"
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "partnerbot" / "partnerbot.sqlite3"


def normalise_url(url: str | None) -> str:
    """Accept plain `sqlite:///x` and `postgresql://...` and pick the async drivers."""
    if not url:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    parsed = make_url(url)
    if parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


BUSY_TIMEOUT = 5.0
"""Seconds a write waits for its turn: in this process's queue, and then for other processes."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class WriteTurns:
    """The writers of one SQLite file in this process, let in one at a time, in arrival order.

    SQLite lets one connection write at a time. One that finds the file locked polls
    (busy_timeout), sleeping up to 100 ms between tries, and can miss every short gap
    between another connection's transactions: in bench/reminders the outbox sender waited
    up to 1.4 s behind the reminder scheduler, which held the lock 55% of the time. So a
    unit of work queues here before its first write and leaves when its transaction ends;
    only other processes (a CLI import) still meet the busy timeout."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def take(self) -> asyncio.Lock:
        """Wait for the turn; TimeoutError after BUSY_TIMEOUT, as a locked file would."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        async with asyncio.timeout(BUSY_TIMEOUT):
            await lock.acquire()
        return lock


_TURNS_KEY = "partnerbot_write_turns"
_TURN_KEY = "partnerbot_write_turn"


def _take_write_turn(session: Session) -> None:
    """Runs inside the async session's greenlet, so it can wait for the turn."""
    turns: WriteTurns | None = session.info.get(_TURNS_KEY)
    if turns is not None and _TURN_KEY not in session.info:
        session.info[_TURN_KEY] = await_(turns.take())


def _end_write_turn(session: Session) -> None:
    lock: asyncio.Lock | None = session.info.pop(_TURN_KEY, None)
    if lock is not None:
        lock.release()


class _TrackedSession(Session):
    """A session that notes whether it wrote anything (`cache.wrote`), and on SQLite
    writes only in its turn (`WriteTurns`)."""


@event.listens_for(_TrackedSession, "before_flush")
def _flushing(session: Session, _context: Any, _instances: Any) -> None:
    _take_write_turn(session)


@event.listens_for(_TrackedSession, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    instances = (*session.new, *session.dirty, *session.deleted)
    for instance in instances:
        cache.wrote(session, getattr(type(instance), "__tablename__", cache.ANY_TABLE))
    if not instances:
        cache.wrote(session, cache.ANY_TABLE)


@event.listens_for(_TrackedSession, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _take_write_turn(state.session)
        table = getattr(state.statement, "table", None)
        cache.wrote(state.session, getattr(table, "name", cache.ANY_TABLE))


@event.listens_for(_TrackedSession, "after_commit")
def _committed(session: Session) -> None:
    _end_write_turn(session)
    cache.committed(session)


@event.listens_for(_TrackedSession, "after_rollback")
def _rolled_back(session: Session) -> None:
    _end_write_turn(session)
    cache.rolled_back(session)


class SqlUnitOfWork:
    """One transaction: every repository shares its session; nothing is kept without commit."""

    def __init__(
        self,
        factory: async_sessionmaker[AsyncSession],
        reads: cache.ReadCache | None = None,
        turns: WriteTurns | None = None,
    ) -> None:
        self.session = factory()
        if reads is not None:
            self.session.info[cache.INFO_KEY] = cache.SessionReads(reads)
        if turns is not None:
            self.session.info[_TURNS_KEY] = turns
        self.partnerships: PartnershipRepository = SqlPartnerships(self.session)
        self.rooms: RoomRepository = SqlRooms(self.session)
        self.members: MemberRepository = SqlMembers(self.session)
        self.persons: PersonRepository = SqlPersons(self.session)
        self.contacts: ContactRepository = SqlContacts(self.session)
        self.coordinators: CoordinatorRepository = SqlCoordinators(self.session)
        self.presence: PresenceRepository = SqlPresence(self.session)
        self.link_codes: LinkCodeRepository = SqlLinkCodes(self.session)
        self.audit: AuditRepository = SqlAudit(self.session)
        self.outbox: OutboxRepository = SqlOutbox(self.session)
        self.state: KeyValueRepository = SqlState(self.session)
        self.handled_events: HandledEventRepository = SqlHandledEvents(self.session)
        self.poll_messages: PollMessageRepository = SqlPollMessages(self.session)
        self.meetings: MeetingRepository = SqlMeetings(self.session)
        self.overrides: OverrideRepository = SqlOverrides(self.session)
        self.reminders: ReminderRepository = SqlReminders(self.session)
        self.agenda: AgendaRepository = SqlAgenda(self.session)
        self.minutes: MinutesRepository = SqlMinutes(self.session)
        self.actions: ActionRepository = SqlActions(self.session)
        self.web: WebRepository = SqlWeb(self.session)
        self.date_polls: DatePollRepository = SqlDatePolls(self.session)
        self.replies: ReplyRepository = SqlReplies(self.session)
        self.emails: EmailRepository = SqlEmails(self.session)
        self.rotation_states: RotationStateRepository = SqlRotationStates(self.session)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            _end_write_turn(self.session.sync_session)
            await self.session.close()

    @property
    def changed(self) -> bool:
        return cache.wrote_anything(self.session.sync_session)

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class Database:
    """An engine for one URL; `uow()` opens a unit of work, `upgrade()` migrates."""

    def __init__(
        self, url: str | None = None, schema: str | None = None, read_cache: bool = True
    ) -> None:
        self.url = normalise_url(url)
        self.reads = cache.ReadCache() if read_cache else None
        """See `storage.cache`; off only to compare against."""
        self.schema = schema
        kwargs: dict[str, Any] = {}
        if schema and not self.is_sqlite:
            kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        self.turns = WriteTurns() if self.is_sqlite else None
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(
            self.engine, expire_on_commit=False, sync_session_class=_TrackedSession
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self.reads, self.turns)

    async def upgrade(self) -> None:
        from storage.migrate import upgrade

        await upgrade(self.engine)

    async def close(self) -> None:
        await self.engine.dispose()
