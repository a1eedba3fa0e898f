"""The isolation state machine (tests/isolation_machine.py) on SQLite and Postgres.

Every hypothesis example needs an empty database. Migrating one per example is slow, so
each backend is migrated once per test: SQLite examples get a copy of a migrated template
file, Postgres examples share one migrated database emptied with TRUNCATE first.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.ports import UnitOfWorkFactory
from tests.isolation_machine import build_machine
from tests.support.postgres import create_database, drop_database

SETTINGS = settings(
    max_examples=15, stateful_step_count=15, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TABLES = "messages, conversations, tasks, task_counters, accounts, calendar_keys"

Store = tuple[UnitOfWorkFactory, Callable[[], Awaitable[None]]]
_where: dict[str, str] = {}


def _store(url: str, cleanup: Callable[[], None] = lambda: None) -> Store:
    engine = create_engine(url, EngineSettings(pool_size=2, max_overflow=8))
    sessions = session_factory(engine)

    async def close() -> None:
        await engine.dispose()
        cleanup()

    return partial(SqlUnitOfWork, sessions), close


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("isolation")
    template = folder / "template.db"
    asyncio.run(upgrade_to_head(f"sqlite+aiosqlite:///{template}"))
    _where["sqlite"] = str(template)
    yield
    del _where["sqlite"]


async def _fresh_sqlite() -> Store:
    folder = Path(tempfile.mkdtemp(prefix="example-", dir=Path(_where["sqlite"]).parent))
    shutil.copyfile(_where["sqlite"], folder / "iso.db")
    return _store(f"sqlite+aiosqlite:///{folder / 'iso.db'}", lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="module")
def postgres_migrated() -> Iterator[None]:
    url = asyncio.run(create_database())
    try:
        asyncio.run(upgrade_to_head(url))
        _where["postgres"] = url
        yield
    finally:
        _where.pop("postgres", None)
        asyncio.run(drop_database(url))


async def _fresh_postgres() -> Store:
    factory, close = _store(_where["postgres"])
    engine = create_engine(_where["postgres"], EngineSettings(pool_size=1, max_overflow=0))
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY"))
    finally:
        await engine.dispose()
    return factory, close


SqliteIsolation = build_machine(_fresh_sqlite)
SqliteIsolation.TestCase.settings = SETTINGS
TestSqliteIsolation = pytest.mark.usefixtures("sqlite_template")(SqliteIsolation.TestCase)

PostgresIsolation = build_machine(_fresh_postgres)
PostgresIsolation.TestCase.settings = SETTINGS
TestPostgresIsolation = pytest.mark.postgres(pytest.mark.usefixtures("postgres_migrated")(PostgresIsolation.TestCase))
