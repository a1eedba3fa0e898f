"""The SQL unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sql.errors import guarded
from adapters.sql.repositories import SqlAccountRepository, SqlConversationRepository, SqlTaskRepository
from application.ports import AccountRepository, ConversationRepository, TaskRepository


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
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
        await guarded(self._session.commit())

    async def rollback(self) -> None:
        await guarded(self._session.rollback())
