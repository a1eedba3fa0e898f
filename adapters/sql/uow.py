"""The SQL unit of work: one connection, one transaction, rolled back unless committed.

Repositories use SQLAlchemy Core on the connection; the ORM session adds nothing here
(no mapped classes) but its per-statement bookkeeping.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import QueuePool

from adapters.sql.engine import READ_ONLY, is_sqlite
from adapters.sql.errors import guarded
from adapters.sql.repositories import SqlAccountRepository, SqlConversationRepository, SqlTaskRepository
from application.errors import DatabaseUnavailable
from application.ports import AccountRepository, ConversationRepository, TaskRepository


@dataclass(frozen=True, slots=True)
class Sessions:
    """Engines for units of work that write and for those that only read (one pool), and a
    first-come-first-served queue for the pool's connections."""

    writer: AsyncEngine
    reader: AsyncEngine
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


def session_factory(engine: AsyncEngine) -> Sessions:
    # Reads skip the write transaction: on PostgreSQL each statement runs on its own
    # (autocommit: no BEGIN and ROLLBACK round trips); on SQLite a deferred BEGIN (see
    # engine.py) reads a snapshot without waiting for the writers' lock.
    reads = engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    if is_sqlite(str(engine.url)):
        reads = engine.execution_options(**{READ_ONLY: True})
    pool = engine.pool
    capacity = pool.size() + getattr(pool, "_max_overflow", 0) if isinstance(pool, QueuePool) else -1
    return Sessions(
        writer=engine,
        reader=reads,
        slots=asyncio.Semaphore(capacity) if capacity > 0 else None,  # no bound: nothing to queue for
        wait=pool.timeout() if isinstance(pool, QueuePool) else 30.0,
        writer_turn=asyncio.Lock() if is_sqlite(str(engine.url)) else None,
    )


class SqlUnitOfWork:
    """One session and transaction. Open at most one writing unit of work at a time in a
    task: on SQLite a second one would queue behind the first for the one writer's turn."""

    def __init__(self, sessions: Sessions, *, read_only: bool = False) -> None:
        self._sessions = sessions
        self._read_only = read_only

    async def __aenter__(self) -> Self:
        self._held: list[asyncio.Lock | asyncio.Semaphore] = []
        queues: list[asyncio.Lock | asyncio.Semaphore | None] = [] if self._read_only else [self._sessions.writer_turn]
        queues.append(self._sessions.slots)  # the writer's turn first: no connection held while waiting
        try:
            for queue in queues:
                if queue is None:
                    continue
                if queue.locked():
                    async with asyncio.timeout(self._sessions.wait):
                        await queue.acquire()
                else:
                    await queue.acquire()  # free: taken at once, no timer to arm and cancel
                self._held.append(queue)
        except TimeoutError:
            self._release()
            raise DatabaseUnavailable("no database connection became free in time") from None
        except BaseException:  # cancelled while queueing: give back what was taken
            self._release()
            raise
        try:
            # Checked out now (a slot is already ours); BEGIN waits for the first statement.
            self._connection: AsyncConnection = await guarded(
                (self._sessions.reader if self._read_only else self._sessions.writer).connect().start()
            )
        except BaseException:
            self._release()
            raise
        # Typed as the ports, so this class is a UnitOfWork to the type checker too.
        self.tasks: TaskRepository = SqlTaskRepository(self._connection)
        self.conversations: ConversationRepository = SqlConversationRepository(self._connection)
        self.accounts: AccountRepository = SqlAccountRepository(self._connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed and returns the connection.
        # A dead connection must not mask the error that got us here.
        try:
            with contextlib.suppress(Exception):
                await self._connection.close()
        finally:
            self._release()

    def _release(self) -> None:
        while self._held:
            self._held.pop().release()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        await guarded(self._connection.commit())

    async def rollback(self) -> None:
        await guarded(self._connection.rollback())
