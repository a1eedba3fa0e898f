"""The SQL unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sql.engine import READ_ONLY, is_sqlite
from adapters.sql.errors import guarded
from adapters.sql.repositories import SqlAccountRepository, SqlConversationRepository, SqlTaskRepository
from application.ports import AccountRepository, ConversationRepository, TaskRepository


@dataclass(frozen=True, slots=True)
class Sessions:
    """Session makers for units of work that write and for those that only read."""

    writer: async_sessionmaker[AsyncSession]
    reader: async_sessionmaker[AsyncSession]


def session_factory(engine: AsyncEngine) -> Sessions:
    # Reads skip the write transaction: on PostgreSQL each statement runs on its own
    # (autocommit: no BEGIN and ROLLBACK round trips); on SQLite a deferred BEGIN (see
    # engine.py) reads a snapshot without waiting for the writers' lock.
    reads = engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    if is_sqlite(str(engine.url)):
        reads = engine.execution_options(**{READ_ONLY: True})
    return Sessions(
        writer=async_sessionmaker(engine, expire_on_commit=False, autoflush=False),
        reader=async_sessionmaker(reads, expire_on_commit=False, autoflush=False),
    )


class SqlUnitOfWork:
    def __init__(self, sessions: Sessions, *, read_only: bool = False) -> None:
        self._sessions = sessions
        self._read_only = read_only

    async def __aenter__(self) -> Self:
        self._session = (self._sessions.reader if self._read_only else self._sessions.writer)()
        # Typed as the ports, so this class is a UnitOfWork to the type checker too.
        self.tasks: TaskRepository = SqlTaskRepository(self._session)
        self.conversations: ConversationRepository = SqlConversationRepository(self._session)
        self.accounts: AccountRepository = SqlAccountRepository(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing rolls back whatever was not committed and returns the connection.
        # A dead connection must not mask the error that got us here.
        with contextlib.suppress(Exception):
            await self._session.close()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        await guarded(self._session.commit())

    async def rollback(self) -> None:
        await guarded(self._session.rollback())
