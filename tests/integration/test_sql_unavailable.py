"""Storage outages surface as DatabaseUnavailable (HTTP 503), never as raw driver errors.

Refused connections, dropped connections, statements stuck behind a lock, an exhausted
pool and a locked SQLite file; and the pool recovers once the database is back.
Each test has a hard pytest-timeout: "quickly" means the small timeouts below apply.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from functools import partial
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.health import database_ready
from adapters.sql.migrate import current_revision, upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.errors import DatabaseUnavailable
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock
from tests.support.net import free_port

pytestmark = pytest.mark.timeout(30)
FAST = EngineSettings(connect_timeout=1.0, pool_timeout=1.0, command_timeout=1.0, ping_after_idle=0.2)


def use_cases(engine: AsyncEngine) -> TaskUseCases:
    sessions = session_factory(engine)
    return TaskUseCases(partial(SqlUnitOfWork, sessions), FakeClock())


@pytest.fixture
async def dead_url() -> str:
    return f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nothing"


@pytest.fixture
async def migrated_postgres(postgres_url: str) -> str:
    await upgrade_to_head(postgres_url)
    return postgres_url


async def test_refused_connection_is_database_unavailable(dead_url: str) -> None:
    engine = create_engine(dead_url, FAST)
    tasks = use_cases(engine)
    with pytest.raises(DatabaseUnavailable):
        await tasks.add("a", NewTask("x"))
    with pytest.raises(DatabaseUnavailable):
        await tasks.find("a", TaskQuery())
    assert await database_ready(session_factory(engine)) is False
    await engine.dispose()


async def test_migrating_an_unreachable_database_is_database_unavailable(dead_url: str) -> None:
    with pytest.raises(DatabaseUnavailable):
        await upgrade_to_head(dead_url)
    with pytest.raises(DatabaseUnavailable):
        await current_revision(dead_url)


@pytest.mark.postgres
async def test_a_dropped_connection_is_unavailable_and_the_pool_recovers(migrated_postgres: str) -> None:
    engine = create_engine(migrated_postgres, FAST)
    tasks = use_cases(engine)
    await tasks.add("a", NewTask("before"))
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as uow:
        await uow.tasks.find("a", TaskQuery())  # holds a connection, mid-transaction
        await terminate_backends(migrated_postgres)
        with pytest.raises(DatabaseUnavailable):
            await uow.tasks.find("a", TaskQuery())
        with pytest.raises(DatabaseUnavailable):
            await uow.commit()
    # Idle pooled connections died too: once idle past ping_after_idle they are pinged
    # before use and replaced, so nothing fails and nothing is lost.
    await terminate_backends(migrated_postgres)
    await asyncio.sleep(0.3)
    assert [t.title for t in (await tasks.find("a", TaskQuery())).items] == ["before"]
    assert await database_ready(session_factory(engine)) is True
    await engine.dispose()


@pytest.mark.postgres
async def test_a_connection_used_a_moment_ago_is_not_pinged_and_one_failure_renews_the_pool(
    migrated_postgres: str,
) -> None:
    engine = create_engine(migrated_postgres, EngineSettings(pool_size=3, ping_after_idle=60))
    tasks = use_cases(engine)
    await asyncio.gather(*(tasks.add("a", NewTask(f"t{i}")) for i in range(3)))  # three pooled connections
    await terminate_backends(migrated_postgres)
    # No ping (busy connections skip it): the request on a dead connection fails cleanly...
    with pytest.raises(DatabaseUnavailable):
        await tasks.find("a", TaskQuery())
    # ...and the disconnect invalidates the whole pool, so the other dead ones are not reused.
    pages = await asyncio.gather(*(tasks.find("a", TaskQuery()) for _ in range(3)))
    assert [page.total for page in pages] == [3, 3, 3]
    await engine.dispose()


@pytest.mark.postgres
async def test_a_statement_stuck_behind_a_lock_times_out_as_unavailable(migrated_postgres: str) -> None:
    engine = create_engine(migrated_postgres, EngineSettings(command_timeout=0.5))
    tasks = use_cases(engine)
    blocker = await asyncpg.connect(migrated_postgres.replace("+asyncpg", ""))
    try:
        async with blocker.transaction():
            await blocker.execute("LOCK TABLE task_counters IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(DatabaseUnavailable):
                await tasks.add("a", NewTask("waits for the lock"))
    finally:
        await blocker.close()
    assert (await tasks.add("a", NewTask("lock released"))).id == 1
    await engine.dispose()


@pytest.mark.postgres
async def test_an_exhausted_pool_is_unavailable_not_a_hang(migrated_postgres: str) -> None:
    engine = create_engine(migrated_postgres, EngineSettings(pool_size=1, max_overflow=0, pool_timeout=0.3))
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as holder:
        await holder.tasks.find("a", TaskQuery())
        with pytest.raises(DatabaseUnavailable):
            async with SqlUnitOfWork(sessions) as starved:
                await starved.tasks.find("a", TaskQuery())
    await engine.dispose()


async def test_a_locked_sqlite_file_is_unavailable(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.db'}"
    await upgrade_to_head(url)
    engine = create_engine(url, EngineSettings(sqlite_busy_timeout_ms=200))
    other = sqlite3.connect(tmp_path / "locked.db", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseUnavailable):
            await use_cases(engine).add("a", NewTask("x"))
        other.execute("ROLLBACK")
        assert (await use_cases(engine).add("a", NewTask("x"))).id == 1
    finally:
        other.close()
        await engine.dispose()


async def test_missing_sqlite_schema_is_not_masked(tmp_path: Path) -> None:
    # A programming error (no table) is not "unavailable": it must stay loud.
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    assert await database_ready(session_factory(engine)) is True
    with pytest.raises(OperationalError, match="no such table"):
        await use_cases(engine).find("a", TaskQuery())
    await engine.dispose()


async def test_readiness_gives_up_on_a_server_that_never_answers() -> None:
    # Accepts the TCP connection, then says nothing: the readiness probe must not hang.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/nothing", FAST)
    try:
        assert await database_ready(session_factory(engine), timeout=0.3) is False
        with pytest.raises(DatabaseUnavailable):
            await use_cases(engine).find("a", TaskQuery())
    finally:
        await engine.dispose()
        server.close()
        await server.wait_closed()


async def terminate_backends(url: str) -> None:
    admin = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await asyncio.sleep(0.05)  # let the server finish closing them
    finally:
        await admin.close()


@pytest.mark.postgres
async def test_too_many_connections_is_unavailable(migrated_postgres: str) -> None:
    # SQLSTATE 53300, which SQLAlchemy reports as a plain DBAPIError.
    role = f"todo_chat_limited_{free_port()}"
    admin = await asyncpg.connect(migrated_postgres.replace("+asyncpg", ""))
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")
        # The user part may carry an empty password ("postgres:@", the embedded server's URL).
        limited = re.sub(r"//postgres(?::[^@]*)?@", f"//{role}@", migrated_postgres, count=1)
        assert limited != migrated_postgres
        engine = create_engine(limited, FAST)
        try:
            with pytest.raises(DatabaseUnavailable):
                await use_cases(engine).find("a", TaskQuery())
            assert await database_ready(session_factory(engine)) is False
        finally:
            await engine.dispose()
    finally:
        await admin.execute(f"DROP ROLE IF EXISTS {role}")
        await admin.close()
