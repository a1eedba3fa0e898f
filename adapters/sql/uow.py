"""The SQL unit of work: one connection, one transaction, rolled back unless committed.

Repositories use SQLAlchemy Core on the connection; the ORM session adds nothing here
(no mapped classes) but its per-statement bookkeeping.

A cancellation (a client gone mid-stream, an abandoned MCP call, a timeout) never cuts a
database call short. Cut short, SQLAlchemy invalidates the connection while the driver
still runs the statement: on SQLite aiosqlite's thread went on to take the write lock
(``BEGIN IMMEDIATE``) for a connection nobody would roll back, and the file stayed locked
until the garbage collector freed it; on PostgreSQL the connection was thrown away and
reopened. So every call runs in its own task behind ``asyncio.shield``: the caller is
cancelled at once, the call finishes, and the unit of work's exit (shielded too) waits
for it, rolls back and returns the connection before giving up its turn and slot.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import QueuePool

from adapters.sql.calendar_keys import SqlCalendarKeyRepository
from adapters.sql.engine import READ_ONLY, is_sqlite, runs_inline
from adapters.sql.errors import guarded
from adapters.sql.imports import SqlImportRepository
from adapters.sql.repositories import SqlAccountRepository, SqlConversationRepository, SqlTaskRepository
from application.errors import DatabaseUnavailable
from application.ports import (
    AccountRepository,
    CalendarKeyRepository,
    ConversationRepository,
    ImportRepository,
    TaskRepository,
)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Sessions:
    """Engines for units of work that write and for those that only read (one pool), and a
    first-come-first-served queue for the pool's connections."""

    writer: AsyncEngine
    reader: AsyncEngine
    # Units of work whose every statement stands alone (``autocommit=True``): on PostgreSQL
    # each statement is its own transaction (no BEGIN and COMMIT round trips); on SQLite the
    # writer's engine (one write transaction, in the writers' turn).
    autocommit: AsyncEngine
    # SQLAlchemy's async pool lets a new checkout overtake a woken waiter, which then
    # queues again at the back: under load some turns starved for seconds (p95 at 50
    # concurrent turns 4-5x the median). asyncio.Semaphore is FIFO, so units of work take
    # the pool's connections in arrival order and the pool itself never has waiters.
    slots: asyncio.Semaphore | None
    wait: float
    # SQLite has one writer at a time. Queued here, writers take turns in order; left to
    # SQLite, they poll the lock with sleeps of up to 100 ms (its busy handler), which
    # gave a few turns second-long waits. Other processes are still held off by the lock
    # and busy_timeout.
    writer_turn: asyncio.Lock | None
    # The driver's calls never give the loop a turn mid-statement (inline SQLite): nothing to
    # shield them from, so they are awaited directly, without a task of their own each.
    inline: bool = False
    # Exits of cancelled units of work still finishing (rollback, connection return);
    # held here so they are not garbage-collected, awaited by ``settle``.
    closing: set[asyncio.Task[None]] = field(default_factory=set)

    async def settle(self) -> None:
        """Wait until every unit of work cancelled so far has given its connection back."""
        while self.closing:
            await asyncio.gather(*self.closing, return_exceptions=True)


def session_factory(engine: AsyncEngine) -> Sessions:
    # Reads skip the write transaction: on PostgreSQL each statement runs on its own
    # (autocommit: no BEGIN and ROLLBACK round trips); on SQLite a deferred BEGIN (see
    # engine.py) reads a snapshot without waiting for the writers' lock.
    reads = engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    if is_sqlite(str(engine.url)):
        reads = engine.execution_options(**{READ_ONLY: True})
        autocommit = engine
    pool = engine.pool
    capacity = pool.size() + getattr(pool, "_max_overflow", 0) if isinstance(pool, QueuePool) else -1
    return Sessions(
        writer=engine,
        reader=reads,
        autocommit=autocommit,
        slots=asyncio.Semaphore(capacity) if capacity > 0 else None,  # no bound: nothing to queue for
        wait=pool.timeout() if isinstance(pool, QueuePool) else 30.0,
        writer_turn=asyncio.Lock() if is_sqlite(str(engine.url)) else None,
        inline=runs_inline(engine),
    )


class UncancelledConnection:
    """The unit of work's connection; a cancelled caller never cuts one of its calls short.

    Each call runs in a task of its own behind ``asyncio.shield``: the caller sees the
    cancellation at once, the call runs to its end, and ``finish_call`` waits for it.
    """

    def __init__(self, connection: AsyncConnection, *, inline: bool = False) -> None:
        self._connection = connection
        self._running: asyncio.Future[Any] | None = None
        self._inline = inline

    @property
    def dialect(self) -> Dialect:
        return self._connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        return await self._call(self._connection.execute(statement, parameters))

    async def commit(self) -> None:
        await self._call(self._connection.commit())

    async def rollback(self) -> None:
        await self._call(self._connection.rollback())

    async def close(self) -> None:
        """Roll back what was not committed and return the connection (after the call in flight)."""
        await self.finish_call()
        await self._call(self._connection.close())

    async def finish_call(self) -> None:
        """Wait for the call in flight, if any, whatever its outcome (its caller has it)."""
        running = self._running
        if running is not None and not running.done():
            await asyncio.wait([running])

    async def _call(self, operation: Coroutine[Any, Any, T]) -> T:
        if self._inline:
            return await operation
        running = asyncio.ensure_future(operation)
        self._running = running
        try:
            return await asyncio.shield(running)
        except asyncio.CancelledError:
            running.add_done_callback(_outcome_seen)  # its error, if any, is no one's now
            raise


def _outcome_seen(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


async def _connect(engine: AsyncEngine, inline: bool = False) -> UncancelledConnection:
    return UncancelledConnection(await guarded(engine.connect().start()), inline=inline)


class SqlUnitOfWork:
    """One session and transaction. Open at most one writing unit of work at a time in a
    task: on SQLite a second one would queue behind the first for the one writer's turn.

    ``autocommit``: every statement of the block stands alone, so on PostgreSQL each one
    commits by itself (one round trip each: no BEGIN, no COMMIT); ``commit()`` then has
    nothing left to do, and leaving without it undoes nothing already run. On SQLite it is
    an ordinary write transaction (in process, its BEGIN and COMMIT cost no network trip).
    """

    def __init__(self, sessions: Sessions, *, read_only: bool = False, autocommit: bool = False) -> None:
        self._sessions = sessions
        self._read_only = read_only
        self._autocommit = autocommit and not read_only and sessions.autocommit is not sessions.writer

    async def __aenter__(self) -> Self:
        self._held: list[asyncio.Lock | asyncio.Semaphore] = []
        writer_turn = None if self._read_only else self._sessions.writer_turn
        # The writer's turn first: no connection held while waiting for it.
        queues = [
            (writer_turn, "the database's one writer (SQLite) stayed busy"),
            (self._sessions.slots, "no database connection became free"),
        ]
        try:
            for queue, busy in queues:
                if queue is None:
                    continue
                if queue.locked():
                    try:
                        async with asyncio.timeout(self._sessions.wait):
                            await queue.acquire()
                    except TimeoutError:
                        raise DatabaseUnavailable(f"{busy} for {self._sessions.wait:g} s") from None
                else:
                    await queue.acquire()  # free: taken at once, no timer to arm and cancel
                self._held.append(queue)
        except BaseException:  # timed out or cancelled while queueing: give back what was taken
            self._release()
            raise
        if self._read_only:
            engine = self._sessions.reader
        else:
            engine = self._sessions.autocommit if self._autocommit else self._sessions.writer
        # Checked out now (a slot is already ours); BEGIN waits for the first statement.
        if self._sessions.inline:
            try:
                self._connection = await _connect(engine, inline=True)
            except BaseException:
                self._release()
                raise
            return self._repositories()
        connecting = asyncio.ensure_future(_connect(engine))
        try:
            self._connection = await asyncio.shield(connecting)
        except asyncio.CancelledError:
            self._close_in_background(self._return_when_connected(connecting))
            raise
        except BaseException:
            self._release()
            raise
        return self._repositories()

    def _repositories(self) -> Self:
        # Typed as the ports, so this class is a UnitOfWork to the type checker too.
        self.tasks: TaskRepository = SqlTaskRepository(self._connection)
        self.conversations: ConversationRepository = SqlConversationRepository(self._connection)
        self.accounts: AccountRepository = SqlAccountRepository(self._connection)
        self.calendar_keys: CalendarKeyRepository = SqlCalendarKeyRepository(self._connection)
        self.imports: ImportRepository = SqlImportRepository(self._connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._sessions.inline:
            await self._close()
            return
        closing = asyncio.ensure_future(self._close())
        try:
            await asyncio.shield(closing)
        except asyncio.CancelledError:
            # Cancelled again while closing: the close goes on without us.
            self._close_in_background(closing)
            raise

    async def _close(self) -> None:
        # Closing rolls back whatever was not committed and returns the connection; only
        # then do the writer's turn and the slot go to the next unit of work. A dead
        # connection must not mask the error that got us here.
        try:
            with contextlib.suppress(Exception):
                await self._connection.close()
        finally:
            self._release()

    async def _return_when_connected(self, connecting: asyncio.Future[UncancelledConnection]) -> None:
        try:
            self._connection = await connecting
        except BaseException:
            self._release()
            return
        await self._close()

    def _close_in_background(self, closing: Coroutine[Any, Any, None] | asyncio.Future[None]) -> None:
        task = asyncio.ensure_future(closing)
        self._sessions.closing.add(task)
        task.add_done_callback(self._sessions.closing.discard)

    def _release(self) -> None:
        while self._held:
            self._held.pop().release()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        if self._autocommit:
            return  # each statement committed as it ran
        await guarded(self._connection.commit())

    async def rollback(self) -> None:
        await guarded(self._connection.rollback())
