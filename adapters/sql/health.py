"""Readiness: can we reach the database right now?"""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from adapters.sql.uow import Sessions, SqlUnitOfWork


class _Probe(SqlUnitOfWork):
    async def select_one(self) -> None:
        await self._connection.execute(text("SELECT 1"))


async def database_ready(sessions: Sessions, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
    """``SELECT 1`` through a read-only unit of work: the probe queues for a connection in
    arrival order like every request (adapters/sql/uow.py) rather than overtaking them in
    the pool, and a saturated pool that frees nothing within ``timeout`` is not ready."""
    try:
        async with asyncio.timeout(timeout), _Probe(sessions, read_only=True) as probe:
            await probe.select_one()
    except Exception:
        return False
    return True
