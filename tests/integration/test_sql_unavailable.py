"""A database that cannot be reached surfaces as DatabaseUnavailable, quickly."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.health import database_ready
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.errors import DatabaseUnavailable
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock
from tests.support.net import free_port


@pytest.fixture
async def dead_engine():  # type: ignore[no-untyped-def]
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"
    engine = create_engine(url, EngineSettings(connect_timeout=1.0, pool_timeout=1.0))
    yield engine
    await engine.dispose()


async def test_refused_connection_is_database_unavailable(dead_engine) -> None:  # type: ignore[no-untyped-def]
    tasks = TaskUseCases(lambda: SqlUnitOfWork(session_factory(dead_engine)), FakeClock())
    with pytest.raises(DatabaseUnavailable):
        await tasks.add("a", NewTask("x"))
    with pytest.raises(DatabaseUnavailable):
        await tasks.find("a", TaskQuery())
    assert await database_ready(dead_engine) is False


async def test_missing_sqlite_schema_is_not_masked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A programming error (no table) is not "unavailable": it must stay loud.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    tasks = TaskUseCases(lambda: SqlUnitOfWork(session_factory(engine)), FakeClock())
    assert await database_ready(engine) is True
    with pytest.raises(OperationalError, match="no such table"):
        await tasks.find("a", TaskQuery())
    await engine.dispose()
