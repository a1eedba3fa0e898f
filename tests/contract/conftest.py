"""The same unit-of-work factory on memory, SQLite and Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import MemoryStore
from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.ports import UnitOfWorkFactory
from tests.support.postgres import create_database, drop_database

STORES = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def sql_store(url: str) -> tuple[UnitOfWorkFactory, AsyncEngine]:
    """A migrated database behind a pool large enough for the 50-way concurrency tests."""
    await upgrade_to_head(url)
    engine = create_engine(url, EngineSettings(pool_size=5, max_overflow=60))
    sessions = session_factory(engine)
    return partial(SqlUnitOfWork, sessions), engine


@pytest.fixture(params=STORES)
async def uow(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield cast(UnitOfWorkFactory, MemoryStore().unit_of_work)
        return
    if request.param == "sqlite":
        factory, engine = await sql_store(f"sqlite+aiosqlite:///{tmp_path / 'contract.db'}")
        yield factory
        await engine.dispose()
        return
    url = await create_database()
    try:
        factory, engine = await sql_store(url)
        yield factory
        await engine.dispose()
    finally:
        await drop_database(url)
